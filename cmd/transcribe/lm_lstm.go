package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/ecoute/ecoute/text/lm/lstmlm"
)

func init() {
	registerLM(&command{name: "train", summary: "train an LSTM language model (word or character)", run: runLMTrain})
	registerLM(&command{name: "eval", summary: "perplexity / bits per character of an LSTM language model", run: runLMEval})
	registerLM(&command{name: "sample", summary: "generate text from an LSTM language model", run: runLMSample})
}

// readText reads a text file ("-" for stdin).
func readText(name string, stdin io.Reader) (string, error) {
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func runLMTrain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lm train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	level := fs.String("level", "word", "tokens: word (whitespace-separated, <eos> per line) or char")
	trainF := fs.String("train", "", "training text (required)")
	validF := fs.String("valid", "", "validation text (default: the last --split of --train)")
	testF := fs.String("test", "", "test text, evaluated with the best model at the end")
	splitF := fs.Float64("split", 0.1, "fraction at the end of --train held out for validation when --valid is not given")
	embed := fs.Int("embed", 200, "embedding width")
	hidden := fs.Int("hidden", 200, "LSTM units per layer")
	layers := fs.Int("layers", 2, "LSTM layers")
	dropout := fs.Float64("dropout", 0.2, "dropout on embeddings, between layers and on the output")
	tied := fs.Bool("tied", false, "tie the output weights to the embedding (needs --embed = --hidden)")
	bptt := fs.Int("bptt", 35, "truncated-BPTT length")
	batch := fs.Int("batch", 20, "parallel streams")
	evalBatch := fs.Int("eval-batch", 10, "streams for validation and test")
	optim := fs.String("optim", "sgd", "optimizer: sgd or adam")
	lr := fs.Float64("lr", 0, "learning rate (default 20 for sgd, 0.002 for adam); with --resume, replaces the checkpoint's current rate")
	anneal := fs.Float64("anneal", 4, "divide the learning rate by this when validation loss does not improve")
	clip := fs.Float64("clip", 0.25, "gradient clipping (global norm); 0 disables")
	epochs := fs.Int("epochs", 6, "epochs")
	seed := fs.Uint64("seed", 1111, "seed for initialisation and dropout")
	out := fs.String("o", "lm.safetensors", "best model (by validation loss)")
	ckpt := fs.String("checkpoint", "", "checkpoint file, written every --checkpoint-every steps and at each epoch end")
	ckptEvery := fs.Int("checkpoint-every", 200, "steps between checkpoints")
	resume := fs.String("resume", "", "resume from this checkpoint (model and training flags come from it)")
	logEvery := fs.Int("log-every", 50, "steps between progress lines")
	maxTime := fs.Duration("max-time", 0, "stop (with a checkpoint) after this long, e.g. 90m; 0: no limit")
	maxSteps := fs.Int("max-steps", 0, "stop (with a checkpoint) after this many steps in this run; 0: no limit")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "goroutines for the matrix products")
	finalEval := fs.Bool("final-eval", true, "evaluate the best model on the validation (and test) text at the end")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe lm train --train TEXT [flags]

Trains an LSTM language model with truncated backpropagation through time
over the text as one stream (hidden state carried across chunks), and keeps
the model with the best validation loss. Word models read whitespace-
separated tokens with <eos> at each line end; character models read every
character, newlines included.

Examples:
  # WikiText-2 as PyTorch's word_language_model (which reaches test perplexity
  # 141.5-145.4 with this configuration; scripts/bench/results/wt2-pytorch):
  transcribe lm train --train wikitext-2/train.txt --valid wikitext-2/valid.txt \
      --test wikitext-2/test.txt -o wt2.safetensors --checkpoint wt2.ckpt
  # the same with tied weights:
  transcribe lm train --tied ... 
  # Tiny Shakespeare, characters, first 90% train, last 10% validation
  # (5 epochs at lr 0.002, then resumed with --lr 0.001 --epochs 9: validation
  # 1.448 nats/char, 36 min on 2 cores; scripts/bench/lstmlm_repro.sh):
  transcribe lm train --level char --train input.txt --split 0.1 \
      --embed 64 --hidden 512 --layers 2 --dropout 0.1 --bptt 100 --batch 64 \
      --optim adam --lr 0.002 --clip 5 --epochs 5 --eval-batch 16 \
      -o shakespeare.safetensors --checkpoint shakespeare.ckpt
  # continue an interrupted run:
  transcribe lm train --resume wt2.ckpt --train ... --valid ... -o wt2.safetensors --checkpoint wt2.ckpt

Flags:
`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fail := func(code int, f string, a ...any) int {
		fmt.Fprintf(stderr, "transcribe lm train: "+f+"\n", a...)
		return code
	}
	if fs.NArg() > 0 {
		return fail(exitUsage, "unexpected arguments %q (give files with --train/--valid/--test)", fs.Args())
	}
	if *trainF == "" {
		fs.Usage()
		return fail(exitUsage, "--train is required")
	}
	lv := lstmlm.Level(*level)
	if lv != lstmlm.Word && lv != lstmlm.Char {
		return fail(exitUsage, "--level must be word or char, not %q", *level)
	}
	if *optim != "sgd" && *optim != "adam" {
		return fail(exitUsage, "--optim must be sgd or adam, not %q", *optim)
	}
	if *tied && *embed != *hidden {
		return fail(exitUsage, "--tied needs --embed (%d) = --hidden (%d)", *embed, *hidden)
	}
	if *embed <= 0 || *hidden <= 0 || *layers <= 0 || *bptt <= 0 || *batch <= 0 || *evalBatch <= 0 || *dropout < 0 || *dropout >= 1 {
		return fail(exitUsage, "sizes must be positive and --dropout in [0, 1)")
	}
	trainText, err := readText(*trainF, stdin)
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	var validText, testText string
	if *validF != "" {
		if validText, err = readText(*validF, stdin); err != nil {
			return fail(exitFailed, "%v", err)
		}
	} else {
		if *splitF <= 0 || *splitF >= 1 {
			return fail(exitUsage, "--split must be in (0, 1)")
		}
		r := []rune(trainText)
		cut := int(float64(len(r)) * (1 - *splitF))
		if lv == lstmlm.Word {
			// Cut at a line break.
			for cut < len(r) && r[cut-1] != '\n' {
				cut++
			}
		}
		trainText, validText = string(r[:cut]), string(r[cut:])
	}
	if *testF != "" {
		if testText, err = readText(*testF, stdin); err != nil {
			return fail(exitFailed, "%v", err)
		}
	}

	var tr *lstmlm.Trainer
	var m *lstmlm.Model
	var trainIDs, validIDs, testIDs []int
	if *resume != "" {
		b, err := os.ReadFile(*resume)
		if err != nil {
			return fail(exitFailed, "%v", err)
		}
		if tr, err = lstmlm.Resume(b); err != nil {
			return fail(exitFailed, "%s: %v", *resume, err)
		}
		m = tr.M
		if *lr > 0 {
			tr.LR = *lr // an explicit --lr overrides the checkpoint's
		}
		fmt.Fprintf(stderr, "resumed %s: epoch %d, position %d, step %d, lr %g\n", *resume, tr.Epochs+1, tr.Pos, tr.Steps, tr.LR)
	} else {
		// The vocabulary covers all given texts, as word_language_model's Corpus.
		v, _, err := lstmlm.BuildVocab(trainText+"\n"+validText+"\n"+testText, lv)
		if err != nil {
			return fail(exitFailed, "%s: %v", *trainF, err)
		}
		if lv == lstmlm.Char {
			// The separators added above are not in the data unless the data has them.
			v, _, _ = lstmlm.BuildVocab(trainText+validText+testText, lv)
		}
		m = lstmlm.New(lstmlm.Config{Vocab: v, Embed: *embed, Hidden: *hidden, Layers: *layers, Dropout: float32(*dropout), Tied: *tied})
		m.Init(*seed)
		tr = lstmlm.NewTrainer(m, lstmlm.TrainConfig{BPTT: *bptt, Batch: *batch, Optimizer: *optim, LR: *lr, Anneal: *anneal, Clip: *clip, Seed: *seed})
	}
	m.Threads = *threads
	m.Stack.Threads = *threads
	enc := func(name, s string) ([]int, error) {
		ids, err := m.Vocab.Encode(s)
		if err == nil && len(ids) < 2*max(tr.Cfg.Batch, *evalBatch) {
			err = fmt.Errorf("%d tokens: too short", len(ids))
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return ids, nil
	}
	if trainIDs, err = enc("training text", trainText); err != nil {
		return fail(exitFailed, "%v", err)
	}
	if validIDs, err = enc("validation text", validText); err != nil {
		return fail(exitFailed, "%v", err)
	}
	if testText != "" {
		if testIDs, err = enc("test text", testText); err != nil {
			return fail(exitFailed, "%v", err)
		}
	}
	fmt.Fprintf(stderr, "%s model: vocabulary %d, %d parameters; %d training, %d validation tokens; %s lr %g, bptt %d, batch %d\n",
		m.Vocab.Level, m.V, m.NumParams(), len(trainIDs), len(validIDs), tr.Cfg.Optimizer, tr.LR, tr.Cfg.BPTT, tr.Cfg.Batch)

	unit := func(loss float64) string {
		if m.Vocab.Level == lstmlm.Char {
			return fmt.Sprintf("loss %.4f (%.4f bpc)", loss, loss/math.Ln2)
		}
		return fmt.Sprintf("loss %.4f (ppl %.2f)", loss, math.Exp(loss))
	}
	start := time.Now()
	lastLog, lastTok, tokens := time.Now(), 0, 0
	var sum float64
	var n int
	res, err := tr.Run(trainIDs, validIDs, lstmlm.RunOptions{
		Epochs: *epochs, EvalBatch: *evalBatch, CheckpointEvery: *ckptEvery, MaxSteps: *maxSteps, EvalOnStop: *finalEval,
		Stop: func() bool { return *maxTime > 0 && time.Since(start) > *maxTime },
		SaveBest: func(m *lstmlm.Model) error {
			if *out == "" {
				return nil
			}
			return writeFileAtomic(*out, m.Save)
		},
		SaveCheckpoint: func(t *lstmlm.Trainer) error {
			if *ckpt == "" {
				return nil
			}
			return writeFileAtomic(*ckpt, t.SaveCheckpoint)
		},
		Step: func(s lstmlm.StepInfo) {
			tokens += tr.Cfg.BPTT * tr.Cfg.Batch
			sum += s.Loss
			n++
			if *logEvery > 0 && s.Step%*logEvery == 0 {
				el := time.Since(lastLog).Seconds()
				fmt.Fprintf(stderr, "epoch %d chunk %d/%d step %d | train %s | lr %g | grad norm %.2f | %.0f tok/s | %s\n",
					s.Epoch+1, s.Chunk, s.Chunks, s.Step, unit(sum/float64(n)), s.LR, s.GradNorm, float64(tokens-lastTok)/el, time.Since(start).Round(time.Second))
				sum, n = 0, 0
				lastLog, lastTok = time.Now(), tokens
			}
		},
		Epoch: func(e lstmlm.EpochStats) {
			fmt.Fprintf(stderr, "end of epoch %d | %s | valid %s | lr %g | %s\n", e.Epoch, unit(e.TrainLoss), unit(e.ValidLoss), e.LR, time.Since(start).Round(time.Second))
		},
	})
	if err != nil {
		return fail(exitFailed, "%v", err)
	}
	el := time.Since(start).Seconds()
	fmt.Fprintf(stderr, "trained %d steps, %d tokens in %.1f s: %.1f tok/s\n", res.Steps, res.Tokens, el, float64(res.Tokens)/el)
	if res.Stopped {
		if !*finalEval {
			return exitOK
		}
		fmt.Fprintf(stderr, "stopped in epoch %d at chunk row %d after %d steps (%s): current model valid %s\n", tr.Epochs+1, tr.Pos, res.Steps, time.Since(start).Round(time.Second), unit(res.StopValid))
		if *ckpt != "" {
			fmt.Fprintf(stderr, "resume with --resume %s\n", *ckpt)
		}
	}
	if !*finalEval {
		return exitOK
	}
	// Final report with the best model.
	best := m
	if *out != "" {
		if b, err := os.ReadFile(*out); err == nil {
			if bm, err := lstmlm.Load(b); err == nil {
				best = bm
				best.Threads, best.Stack.Threads = *threads, *threads
			}
		}
	}
	report := func(name string, ids []int) {
		r := best.Evaluate(ids, *evalBatch, tr.Cfg.BPTT)
		if m.Vocab.Level == lstmlm.Char {
			fmt.Fprintf(stdout, "%s loss %.4f nats/char, %.4f bits/char (%d chars)\n", name, r.Loss, r.BitsPerToken(), r.Tokens)
		} else {
			fmt.Fprintf(stdout, "%s loss %.4f, perplexity %.2f (%d tokens)\n", name, r.Loss, r.Perplexity(), r.Tokens)
		}
	}
	report("valid", validIDs)
	if testIDs != nil {
		report("test", testIDs)
	}
	return exitOK
}

func loadLSTMLM(path string) (*lstmlm.Model, error) {
	if path == "" {
		return nil, errors.New("--model is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := lstmlm.Load(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func runLMEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lm eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "LSTM language model file (required)")
	batch := fs.Int("batch", 10, "parallel streams")
	bptt := fs.Int("bptt", 35, "steps per chunk (the state is carried across chunks)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe lm eval --model MODEL [flags] FILE...

Prints the mean loss of an LSTM language model on each text (FILE or - for
stdin), as perplexity for word models and bits per character for character
models. Unknown words count as <unk>; a character model rejects unknown
characters.

Examples:
  transcribe lm eval --model wt2.safetensors wikitext-2/test.txt
  transcribe lm eval --model shakespeare.safetensors --batch 1 --bptt 200 valid.txt

Flags:
`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 || *batch <= 0 || *bptt <= 0 {
		fs.Usage()
		return exitUsage
	}
	m, err := loadLSTMLM(*model)
	if err != nil {
		fmt.Fprintf(stderr, "transcribe lm eval: %v\n", err)
		return exitUsage
	}
	code := exitOK
	for _, name := range fs.Args() {
		s, err := readText(name, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "transcribe lm eval: %v\n", err)
			code = exitFailed
			continue
		}
		ids, err := m.Vocab.Encode(s)
		if err == nil && len(ids) < 2*(*batch) {
			err = fmt.Errorf("%d tokens: too short for --batch %d", len(ids), *batch)
		}
		if err != nil {
			fmt.Fprintf(stderr, "transcribe lm eval: %s: %v\n", name, err)
			code = exitFailed
			continue
		}
		r := m.Evaluate(ids, *batch, *bptt)
		if m.Vocab.Level == lstmlm.Char {
			fmt.Fprintf(stdout, "%s\tloss %.4f nats/char\t%.4f bits/char\t%d chars\n", name, r.Loss, r.BitsPerToken(), r.Tokens)
		} else {
			fmt.Fprintf(stdout, "%s\tloss %.4f\tperplexity %.2f\t%d tokens\n", name, r.Loss, r.Perplexity(), r.Tokens)
		}
	}
	return code
}

func runLMSample(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lm sample", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "LSTM language model file (required)")
	prompt := fs.String("prompt", "", "text to continue (default: start of a line)")
	n := fs.Int("n", 200, "tokens to generate")
	temp := fs.Float64("temperature", 1, "divides the logits: below 1 is more conservative")
	topK := fs.Int("top-k", 0, "sample among the k most likely tokens (0: all)")
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe lm sample --model MODEL [flags]

Generates text from an LSTM language model, continuing --prompt. Unknown
prompt words become <unk>; a character model rejects unknown characters.

Examples:
  transcribe lm sample --model shakespeare.safetensors --prompt "ROMEO:" -n 500 --temperature 0.8
  transcribe lm sample --model wt2.safetensors --prompt "the game" -n 50 --top-k 40

Flags:
`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 || *n < 0 || *temp <= 0 || *topK < 0 {
		fs.Usage()
		return exitUsage
	}
	m, err := loadLSTMLM(*model)
	if err != nil {
		fmt.Fprintf(stderr, "transcribe lm sample: %v\n", err)
		return exitUsage
	}
	s, err := m.Sample(rand.New(rand.NewPCG(*seed, 0)), *prompt, *n, lstmlm.SampleOptions{Temperature: *temp, TopK: *topK})
	if err != nil {
		fmt.Fprintf(stderr, "transcribe lm sample: %v\n", err)
		return exitUsage
	}
	fmt.Fprint(stdout, *prompt+s)
	if !strings.HasSuffix(s, "\n") {
		fmt.Fprintln(stdout)
	}
	return exitOK
}
