package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/ecoute/ecoute/text/punct"
)

// punctCommands holds the sub-subcommands of "transcribe punct".
var punctCommands = map[string]*command{}

func init() {
	register(&command{name: "punct", summary: "train, evaluate and run the punctuation and casing tagger", run: runPunct})
	punctCommands["train"] = &command{name: "train", summary: "train a tagger on the shared text corpora", run: runPunctTrain}
	punctCommands["eval"] = &command{name: "eval", summary: "per-class P/R/F1 and casing accuracy on held-out text (tagger and n-gram baseline)", run: runPunctEval}
	punctCommands["apply"] = &command{name: "apply", summary: "punctuate and case text, one utterance per line", run: runPunctApply}
}

// defaultTextData is where the project's text corpora live, relative to
// the repository root.
const defaultTextData = "../shared/data/text"

func punctUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: transcribe punct COMMAND [flags] ...

Commands:
`)
	names := make([]string, 0, len(punctCommands))
	for n := range punctCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, punctCommands[n].summary)
	}
	fmt.Fprint(w, `
Examples:
  transcribe punct train --data ../shared/data/text --max-time 35m -o punct.safetensors
  transcribe punct eval --model punct.safetensors --baseline
  echo "so what did you do after that i went home" | transcribe punct apply

Run "transcribe punct COMMAND --help" for a command's flags.
`)
}

func runPunct(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			punctUsage(stderr)
			return exitUsage
		}
		punctUsage(stdout)
		return exitOK
	}
	c, ok := punctCommands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "transcribe punct: unknown command %q\n\n", args[0])
		punctUsage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

func runPunctTrain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("punct train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultTextData, "text corpora folder (gutenberg-modern/, nltk-state_union/, nltk-inaugural/, wikitext-2/)")
	vocab := fs.Int("vocab", 3000, "input vocabulary size (most frequent words, plus <unk> and <num>)")
	embed := fs.Int("embed", 32, "embedding width")
	hidden := fs.Int("hidden", 64, "LSTM units per direction")
	window := fs.Int("window", 64, "words per training window")
	batch := fs.Int("batch", 64, "windows per step")
	lr := fs.Float64("lr", 0.002, "Adam learning rate")
	clip := fs.Float64("clip", 5, "gradient clipping (global norm)")
	steps := fs.Int("steps", 0, "cosine learning-rate decay to lr/20 over this many steps (0: constant)")
	warmup := fs.Int("warmup", 200, "steps of linear learning-rate warm-up")
	seed := fs.Uint64("seed", 1, "seed for initialisation and window sampling")
	out := fs.String("o", "punct.safetensors", "best model by development F1 (int8 weights)")
	ckpt := fs.String("checkpoint", "", "F32 checkpoint, written at every evaluation (default: -o with .ckpt)")
	resume := fs.String("resume", "", "resume from this checkpoint (sizes come from it; Adam's moments start afresh)")
	evalEvery := fs.Int("eval-every", 500, "steps between development evaluations (and checkpoints)")
	logEvery := fs.Int("log-every", 50, "steps between progress lines")
	maxTime := fs.Duration("max-time", 0, "stop after this long (with an evaluation and a checkpoint), e.g. 35m; 0: no limit")
	maxSteps := fs.Int("max-steps", 0, "stop after this many steps in this run; 0: no limit")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "goroutines for the matrix products")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe punct train [flags]

Trains the punctuation and casing tagger (a BiLSTM over words, package
text/punct) with Adam on windows of the training text, evaluates it on the
development text (State of the Union 2001-2002) every --eval-every steps,
and writes the model with the best overall F1 there as int8.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *maxTime == 0 && *maxSteps == 0 {
		fmt.Fprintln(stderr, "transcribe punct train: give --max-time or --max-steps")
		return exitUsage
	}
	if *ckpt == "" {
		*ckpt = strings.TrimSuffix(*out, ".safetensors") + ".ckpt.safetensors"
	}
	start := time.Now()
	sp, err := punct.LoadSplits(*data)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe punct train:", err)
		return exitFailed
	}
	fmt.Fprintf(stderr, "punct: %d training words in %d streams, %d development words (read in %.1fs)\n",
		punct.Count(sp.Train), len(sp.Train), punct.Count(sp.Dev), time.Since(start).Seconds())
	var m *punct.Model
	startSteps, words := 0, 0
	if *resume != "" {
		b, err := os.ReadFile(*resume)
		if err != nil {
			fmt.Fprintln(stderr, "transcribe punct train:", err)
			return exitFailed
		}
		if m, err = punct.Load(b); err != nil {
			fmt.Fprintln(stderr, "transcribe punct train:", *resume+":", err)
			return exitFailed
		}
		startSteps, words = provInt(m.Provenance, "steps"), provInt(m.Provenance, "words")
	} else {
		m = punct.New(punct.Config{Vocab: punct.BuildVocab(sp.Train, *vocab), Embed: *embed, Hidden: *hidden})
		m.Init(*seed)
	}
	m.Net.Threads = max(1, *threads)
	cfg := punct.TrainConfig{Window: *window, Batch: *batch, LR: *lr, Clip: *clip, Seed: *seed, Steps: *steps, Warmup: *warmup}
	tr := punct.NewTrainer(m, sp.Train, cfg)
	tr.Resume(startSteps, words)
	fmt.Fprintf(stderr, "punct: vocab %d, embed %d, hidden %d: %d parameters; %s\n", m.Vocab.Size(), m.Embed, m.Hidden, m.Net.Params.Len(), cfg)
	best := -1.0
	if m.Provenance != nil {
		if f, ok := m.Provenance["dev_f1"].(float64); ok {
			best = f
		}
	}
	runStart := time.Now()
	var lossSum float64
	var lossN int
	evaluate := func(st punct.StepInfo) {
		t0 := time.Now()
		s := punct.Evaluate(m, sp.Dev)
		_, _, f1 := s.Overall()
		m.Provenance = map[string]any{
			"data":  "gutenberg-modern (4 books, not The Great Gatsby), nltk-state_union 1945-2000, nltk-inaugural 1901-2021, wikitext-2 train",
			"train": cfg.String(), "steps": st.Step, "words": st.Words, "epochs": st.Epochs,
			"dev": "nltk-state_union 2001-2002", "dev_f1": f1, "dev_case_accuracy": s.CaseAccuracy(),
		}
		if err := writeFileAtomic(*ckpt, func(w io.Writer) error { return m.Save(w, false) }); err != nil {
			fmt.Fprintln(stderr, "transcribe punct train:", err)
		}
		mark := ""
		if f1 > best {
			best = f1
			mark = " (best, saved)"
			if err := writeFileAtomic(*out, func(w io.Writer) error { return m.Save(w, true) }); err != nil {
				fmt.Fprintln(stderr, "transcribe punct train:", err)
			}
		}
		fmt.Fprintf(stderr, "punct: step %d: dev overall F1 %.4f, casing %.4f%s [%.1fs]\n", st.Step, f1, s.CaseAccuracy(), mark, time.Since(t0).Seconds())
	}
	tr.Train(func(st punct.StepInfo) bool {
		lossSum += st.Loss
		lossN++
		if *logEvery > 0 && st.Step%*logEvery == 0 {
			el := time.Since(runStart).Seconds()
			fmt.Fprintf(stderr, "punct: step %d epoch %.3f loss %.4f |g| %.2f lr %.2g, %.0f words/s\n", st.Step, st.Epochs, lossSum/float64(lossN), st.GradNorm, tr.LR(), float64(st.Words-words)/el)
			lossSum, lossN = 0, 0
		}
		stop := *maxTime > 0 && time.Since(runStart) >= *maxTime || *maxSteps > 0 && st.Step-startSteps >= *maxSteps
		if stop || *evalEvery > 0 && st.Step%*evalEvery == 0 {
			evaluate(st)
		}
		if stop {
			fmt.Fprintf(stderr, "punct: stopped after %d steps in %s; best dev F1 %.4f in %s\n", st.Step-startSteps, time.Since(runStart).Round(time.Second), best, *out)
		}
		return !stop
	})
	return exitOK
}

func provInt(p map[string]any, k string) int {
	if f, ok := p[k].(float64); ok {
		return int(f)
	}
	return 0
}

// loadPunct reads a tagger file, or returns the embedded default when path
// is "".
func loadPunct(path string) (*punct.Model, error) {
	if path == "" {
		return punct.Default()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := punct.Load(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func runPunctApply(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("punct apply", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "tagger file (default: the embedded one)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe punct apply [--model FILE] [TEXTFILE ...]

Punctuates and cases each line of the files (standard input when none),
each read as one utterance: its first word capitalized, its last ending a
sentence.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	m, err := loadPunct(*model)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe punct apply:", err)
		return exitFailed
	}
	files := fs.Args()
	if len(files) == 0 {
		files = []string{"-"}
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	for _, f := range files {
		r := stdin
		if f != "-" {
			fh, err := os.Open(f)
			if err != nil {
				fmt.Fprintln(stderr, "transcribe punct apply:", err)
				return exitFailed
			}
			defer fh.Close()
			r = fh
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<16), 1<<26)
		for sc.Scan() {
			fmt.Fprintln(w, m.Text(sc.Text()))
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintln(stderr, "transcribe punct apply:", err)
			return exitFailed
		}
	}
	return exitOK
}

func runPunctEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("punct eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultTextData, "text corpora folder (its held-out Gutenberg book and State of the Union 2003-2006 are scored)")
	model := fs.String("model", "", "tagger file (default: the embedded one)")
	baseline := fs.Bool("baseline", false, "also build and score the hidden-event n-gram baseline on the training text")
	order := fs.Int("order", 4, "n-gram order of the baseline")
	text := fs.String("text", "", "score this punctuated text file instead of the held-out corpora")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe punct eval [flags]

Removes punctuation and case from held-out text, restores them with the
tagger (and with --baseline, the hidden-event n-gram model of Stolcke et al.
1998 built on the training text), and prints per-class precision, recall and
F1 for comma, period and question mark, the overall (micro-averaged) F1, and
casing accuracy.

Flags:
`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	m, err := loadPunct(*model)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe punct eval:", err)
		return exitFailed
	}
	type set struct {
		name string
		docs [][]punct.Token
	}
	var sets []set
	var sp *punct.Splits
	if *text != "" {
		b, err := os.ReadFile(*text)
		if err != nil {
			fmt.Fprintln(stderr, "transcribe punct eval:", err)
			return exitFailed
		}
		sets = append(sets, set{*text, [][]punct.Token{punct.Parse(string(b))}})
	}
	if *text == "" || *baseline {
		if sp, err = punct.LoadSplits(*data); err != nil {
			fmt.Fprintln(stderr, "transcribe punct eval:", err)
			return exitFailed
		}
	}
	if *text == "" {
		sets = append(sets, set{"held-out book (" + strings.Join(sp.Names["test-book"], ", ") + ")", sp.TestBook},
			set{"held-out State of the Union (" + strings.Join(sp.Names["test-sotu"], ", ") + ")", sp.TestSOTU},
			set{"both", append(append([][]punct.Token{}, sp.TestBook...), sp.TestSOTU...)})
	}
	taggers := []struct {
		name string
		tg   punct.Tagger
	}{{"tagger", m}}
	if *baseline {
		t0 := time.Now()
		bl, err := punct.BuildBaseline(sp.Train, *order)
		if err != nil {
			fmt.Fprintln(stderr, "transcribe punct eval:", err)
			return exitFailed
		}
		fmt.Fprintf(stderr, "punct: baseline %d-gram built in %.1fs\n", *order, time.Since(t0).Seconds())
		taggers = append(taggers, struct {
			name string
			tg   punct.Tagger
		}{fmt.Sprintf("baseline (hidden-event %d-gram)", *order), bl})
	}
	for _, s := range sets {
		for _, tg := range taggers {
			t0 := time.Now()
			sc := punct.Evaluate(tg.tg, s.docs)
			fmt.Fprintf(stdout, "== %s: %s, %d words [%.1fs]\n%s\n", s.name, tg.name, sc.Words, time.Since(t0).Seconds(), sc.Report())
		}
	}
	return exitOK
}
