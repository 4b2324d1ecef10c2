package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ecoute/ecoute/asr/train"
)

func init() {
	register(&command{name: "train", summary: "train a speech recognition model from manifests", run: runTrain})
}

// stringList is a repeatable flag; each use may also hold comma-separated values.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error {
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			*l = append(*l, f)
		}
	}
	return nil
}

func runTrain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("transcribe train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		trainData, dev stringList
		configPath     = fs.String("config", "", "JSON file of training options (see --print-config); flags given override it")
		out            = fs.String("o", "model.safetensors", "model file to write")
		ckpt           = fs.String("checkpoint", "", "training checkpoint (default: OUT.ckpt)")
		resume         = fs.Bool("resume", false, "continue from the checkpoint (same options and data)")
		initModel      = fs.String("init", "", "start from this model's weights (new optimizer and schedule; e.g. to continue on more data)")
		epochs         = fs.Float64("epochs", 0, "passes over the training data (default 10)")
		batchFrames    = fs.Int("batch-frames", 0, "padded 10 ms input frames per batch (default 24000)")
		maxBatch       = fs.Int("max-batch", 0, "utterances per batch at most (default 48)")
		maxSeconds     = fs.Float64("max-seconds", 0, "leave out longer training utterances (default 16)")
		lr             = fs.Float64("lr", 0, "peak Adam learning rate (default 0.002)")
		minLR          = fs.Float64("min-lr", 0, "learning rate at the end of the cosine decay (default 0.0001)")
		warmup         = fs.Int("warmup", 0, "linear warm-up steps (default 300)")
		clip           = fs.Float64("clip", 0, "gradient norm limit (default 5)")
		seed           = fs.Uint64("seed", 0, "random seed (default 1)")
		threads        = fs.Int("threads", 0, "goroutines for the network and CTC (default: all CPUs)")
		hidden         = fs.Int("hidden", 0, "LSTM units per direction (default 224)")
		layers         = fs.Int("layers", 0, "LSTM layers (default 3)")
		stack          = fs.Int("stack", 0, "frames stacked and subsampled (default 3)")
		tokModel       = fs.String("tokenizer", "", "subword labels from a SentencePiece .model `FILE` or an ecoute BPE model (text.BPE); the model file keeps it (default: characters)")
		feats          = fs.String("features", "", `front end: "mfcc" (13 + deltas) or "fbank" (40 log-mel)`)
		augment        = fs.Bool("augment", true, "augment training audio on the fly (speed, noise, reverberation, ...)")
		specAug        = fs.Bool("specaugment", true, "SpecAugment time and frequency masks")
		vtlp           = fs.String("vtlp", "", "vocal tract length perturbation `PROB,MIN,MAX`: warp the mel filterbank of a PROB share of utterances by a factor in [MIN, MAX], e.g. 0.5,0.85,1.15 (default off)")
		dropout        = fs.Float64("dropout", 0, "dropout probability between LSTM layers in training, e.g. 0.2 (default 0: off)")
		phoneCTC       = fs.String("phone-ctc", "", "phone CTC loss `W,LEXICON` on the middle LSTM layer through a second output layer used only in training: weight W, phones from LEXICON (CMUdict format), e.g. 0.3,/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict (default off)")
		interCTC       = fs.Float64("inter-ctc", 0, "weight `W` of an intermediate CTC loss on the middle LSTM layer's output, through the same output layer: loss = (1-W)·CTC(top) + W·CTC(middle), e.g. 0.3 (default 0: off)")
		devMax         = fs.Int("dev-max", 0, "score at most this many dev utterances per epoch (0: all)")
		ckptMin        = fs.Float64("checkpoint-minutes", 0, "also checkpoint this often")
		stopAfter      = fs.Float64("stop-after", 0, "checkpoint and stop after this many minutes (continue with --resume)")
		maxSteps       = fs.Int("max-steps", 0, "stop after this many optimizer steps in total")
		printConfig    = fs.Bool("print-config", false, "print the effective options as JSON and exit")
		quiet          = fs.Bool("quiet", false, "no progress output")
	)
	fs.Var(&trainData, "train", "training manifest (path<TAB>transcript[<TAB>voice]); repeat or comma-separate")
	fs.Var(&dev, "dev", "development manifest scored after each epoch; repeat or comma-separate")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe train --train MANIFEST [flags]

Trains a BiLSTM-CTC speech recognizer and writes a model file that
"transcribe --model" and the asr package load. Manifests have one utterance
per line: path<TAB>transcript[<TAB>voice] (relative paths are relative to the
manifest). Transcripts are normalized (lower case, numbers spelled out).

Examples:
  # the from-scratch recipe's training run on a corpus made by scripts/corpus
  # (scripts/recipe.sh runs corpus, LM, training and packing in one go)
  transcribe train --config asr/default/train.json --train corpus/train-all.tsv \
      --dev corpus/so762-dev.tsv -o model.safetensors

  # vocal tract length perturbation on half of the utterances
  transcribe train --config train.json --vtlp 0.5,0.85,1.15

  # an intermediate CTC loss on the middle layer (weight 0.3), and a phone
  # CTC loss there too (pocketsphinx-en-us's dictionary)
  transcribe train --config train.json --inter-ctc 0.3
  transcribe train --config train.json \
      --phone-ctc 0.3,/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict

  # a quick model from your own recordings
  transcribe train --train my.tsv --dev my-dev.tsv --epochs 20 --hidden 128 --layers 2

  # stop after an hour, continue later with the same result as one run
  transcribe train --config train.json --stop-after 60
  transcribe train --config train.json --resume

  # show every option as JSON, to edit and pass back with --config
  transcribe train --print-config > train.json

Progress goes to stderr: a bar on a terminal, log lines otherwise (loss,
frames/s, ETA), and the dev CER/WER after each epoch. A checkpoint is written
after every epoch (OUT.ckpt) and the model file is updated with it.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "transcribe train: unexpected argument %q (manifests go in --train)\n", fs.Arg(0))
		return exitUsage
	}
	o := train.DefaultOptions()
	if *configPath != "" {
		b, err := os.ReadFile(*configPath)
		if err != nil {
			fmt.Fprintf(stderr, "transcribe train: %v\n", err)
			return exitUsage
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil {
			fmt.Fprintf(stderr, "transcribe train: %s: %v\n", *configPath, err)
			return exitUsage
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["train"] {
		o.Train = trainData
	}
	if set["dev"] {
		o.Dev = dev
	}
	if set["o"] || o.Out == "" {
		o.Out = *out
	}
	if set["checkpoint"] {
		o.Checkpoint = *ckpt
	}
	if set["init"] {
		o.Init = *initModel
	}
	if set["tokenizer"] {
		o.TokenizerModel = *tokModel
	}
	f64 := map[string]*float64{"epochs": &o.Epochs, "max-seconds": &o.MaxSeconds, "lr": &o.LR, "min-lr": &o.MinLR,
		"clip": &o.Clip, "checkpoint-minutes": &o.CheckpointMinutes, "stop-after": &o.StopAfter}
	vals := map[string]float64{"epochs": *epochs, "max-seconds": *maxSeconds, "lr": *lr, "min-lr": *minLR,
		"clip": *clip, "checkpoint-minutes": *ckptMin, "stop-after": *stopAfter}
	for name, p := range f64 {
		if set[name] {
			*p = vals[name]
		}
	}
	ints := map[string][2]*int{"batch-frames": {&o.BatchFrames, batchFrames}, "max-batch": {&o.MaxBatch, maxBatch},
		"warmup": {&o.Warmup, warmup}, "threads": {&o.Threads, threads}, "dev-max": {&o.DevMax, devMax},
		"max-steps": {&o.MaxSteps, maxSteps}, "hidden": {&o.Model.HiddenSize, hidden}, "layers": {&o.Model.NumLayers, layers},
		"stack": {&o.Model.FrontEnd.Stack, stack}}
	for name, p := range ints {
		if set[name] {
			*p[0] = *p[1]
		}
	}
	if set["seed"] {
		o.Seed = *seed
	}
	if set["dropout"] {
		if !(*dropout >= 0 && *dropout < 1) {
			fmt.Fprintf(stderr, "transcribe train: --dropout %g: want a probability in [0, 1)\n", *dropout)
			return exitUsage
		}
		o.Dropout = float32(*dropout)
	}
	if set["inter-ctc"] {
		if !(*interCTC >= 0 && *interCTC < 1) {
			fmt.Fprintf(stderr, "transcribe train: --inter-ctc %g: want a weight in [0, 1)\n", *interCTC)
			return exitUsage
		}
		o.InterCTC = *interCTC
	}
	if set["phone-ctc"] {
		w, lex, ok := strings.Cut(*phoneCTC, ",")
		v, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
		if !ok || err != nil || strings.TrimSpace(lex) == "" {
			fmt.Fprintf(stderr, "transcribe train: --phone-ctc wants W,LEXICON such as 0.3,cmudict-en-us.dict, not %q\n", *phoneCTC)
			return exitUsage
		}
		o.PhoneCTC = train.PhoneCTC{Weight: v, Lexicon: strings.TrimSpace(lex)}
	}
	if set["augment"] {
		o.Augment = *augment
	}
	if set["specaugment"] && !*specAug {
		o.SpecAugment = train.SpecAugment{}
	}
	if set["vtlp"] {
		var v [3]float64
		parts := strings.Split(*vtlp, ",")
		ok := len(parts) == len(v)
		for i := 0; ok && i < len(v); i++ {
			var err error
			v[i], err = strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
			ok = err == nil
		}
		if !ok {
			fmt.Fprintf(stderr, "transcribe train: --vtlp wants PROB,MIN,MAX such as 0.5,0.85,1.15, not %q\n", *vtlp)
			return exitUsage
		}
		o.VTLP = train.VTLP{Prob: v[0], Min: v[1], Max: v[2]}
	}
	if set["features"] {
		switch *feats {
		case "mfcc":
			o.Model.FrontEnd.Type, o.Model.FrontEnd.NumCeps, o.Model.FrontEnd.NumMelBins = "mfcc", 13, 23
			o.Model.FrontEnd.DeltaOrder = 2
		case "fbank":
			o.Model.FrontEnd.Type, o.Model.FrontEnd.NumMelBins, o.Model.FrontEnd.NumCeps = "fbank", 40, 0
			o.Model.FrontEnd.DeltaOrder, o.Model.FrontEnd.UseEnergy = 0, false
			o.SpecAugment.FreqWidth = 8
		default:
			fmt.Fprintf(stderr, "transcribe train: --features must be mfcc or fbank, not %q\n", *feats)
			return exitUsage
		}
	}
	o.Model.Fill()
	if err := o.Model.Validate(); err != nil {
		fmt.Fprintf(stderr, "transcribe train: %v\n", err)
		return exitUsage
	}
	if *printConfig {
		b, _ := json.MarshalIndent(&o, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
		return exitOK
	}
	if len(o.Train) == 0 {
		fmt.Fprintln(stderr, "transcribe train: no training data: give --train MANIFEST or a --config that lists some")
		return exitUsage
	}
	o.Command = "transcribe train " + strings.Join(args, " ")
	if !*quiet {
		o.Log, o.Progress = trainProgress(stderr, isTerminal(stderr))
	}
	m, st, err := train.Run(o, *resume)
	if err != nil {
		fmt.Fprintf(stderr, "transcribe train: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "wrote %s: %d parameters, %d steps, %.1f minutes", o.Out, m.NumParams(), st.Step, st.Elapsed/60)
	if n := len(st.History); n > 0 && len(o.Dev) > 0 {
		fmt.Fprintf(stdout, ", dev CER %.2f%% WER %.2f%%", 100*st.History[n-1].CER, 100*st.History[n-1].WER)
	}
	fmt.Fprintln(stdout)
	return exitOK
}

// trainProgress returns the log writer and progress callback of a training
// run that reports to w: on a terminal a one-line bar that log lines clear
// first, otherwise one log line per report.
func trainProgress(w io.Writer, terminal bool) (io.Writer, func(train.Progress)) {
	if !terminal {
		return w, func(p train.Progress) {
			fmt.Fprintf(w, "step %d/%d epoch %d batch %d/%d loss %.3f frames/s %.0f lr %.3g elapsed %.1fm ETA %v\n",
				p.Step, p.Total, p.Epoch, p.Batch, p.Batches, p.Loss, p.FramesPerSec, p.LR, p.Elapsed.Minutes(), p.ETA.Round(time.Second))
		}
	}
	return clearLine{w}, func(p train.Progress) {
		const width = 30
		done := float64(p.Step) / float64(max(1, p.Total))
		n := min(width, int(done*width))
		fmt.Fprintf(w, "\r\033[K[%s%s] %5.1f%% epoch %d %d/%d loss %.3f %.0f frames/s lr %.2g ETA %v",
			strings.Repeat("=", n), strings.Repeat(" ", width-n), 100*done, p.Epoch, p.Batch, p.Batches, p.Loss, p.FramesPerSec, p.LR, p.ETA.Round(time.Second))
	}
}

// clearLine clears the terminal line (the progress bar) before each write.
type clearLine struct{ w io.Writer }

func (c clearLine) Write(b []byte) (int, error) {
	if _, err := io.WriteString(c.w, "\r\033[K"); err != nil {
		return 0, err
	}
	return c.w.Write(b)
}
