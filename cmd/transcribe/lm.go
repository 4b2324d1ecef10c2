package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/ecoute/ecoute/text/lm"
)

// lmCommands holds the sub-subcommands of "transcribe lm"; each registers
// itself with registerLM from an init function (build and score here;
// other files may add more, such as LSTM language models).
var lmCommands = map[string]*command{}

func registerLM(c *command) { lmCommands[c.name] = c }

func init() {
	register(&command{name: "lm", summary: "build and score language models", run: runLM})
	registerLM(&command{name: "build", summary: "count a corpus into a Kneser-Ney n-gram model (ARPA)", run: runLMBuild})
	registerLM(&command{name: "score", summary: "log10 probability and perplexity of sentences", run: runLMScore})
}

func lmUsage(w io.Writer) {
	fmt.Fprint(w, `Usage: transcribe lm COMMAND [flags] ...

Commands:
`)
	names := make([]string, 0, len(lmCommands))
	for n := range lmCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, lmCommands[n].summary)
	}
	fmt.Fprint(w, `
Examples:
  transcribe lm build --order 3 corpus.txt -o lm.arpa
  transcribe lm score --lm lm.arpa < sentences.txt

Run "transcribe lm COMMAND --help" for a command's flags.
`)
}

func runLM(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			lmUsage(stderr)
			return exitUsage
		}
		lmUsage(stdout)
		return exitOK
	}
	c, ok := lmCommands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "transcribe lm: unknown command %q\n\n", args[0])
		lmUsage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

// intList is a flag holding integers separated by spaces or commas.
type intList []int

func (l *intList) String() string { return fmt.Sprint([]int(*l)) }
func (l *intList) Set(s string) error {
	*l = nil
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		v, err := strconv.Atoi(f)
		if err != nil || v < 0 {
			return fmt.Errorf("bad count %q", f)
		}
		*l = append(*l, v)
	}
	return nil
}

func runLMBuild(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lm build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	order := fs.Int("order", 3, "n-gram order, 1 to 5")
	char := fs.Bool("char", false, "character-level model (spaces become "+lm.CharSpace+")")
	out := fs.String("o", "", "output ARPA file (default stdout)")
	var prune intList
	fs.Var(&prune, "prune", `minimum adjusted counts per order, e.g. "0 1 1" drops bigram and trigram singletons`)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe lm build [flags] CORPUS... 

Counts n-grams in CORPUS (one sentence per line, words separated by spaces;
"-" reads stdin) and writes an interpolated modified Kneser-Ney model in ARPA
format, readable by KenLM, SRILM and sphinxbase.

Examples:
  transcribe lm build --order 3 corpus.txt -o lm.arpa
  transcribe lm build --order 5 --char corpus.txt -o chars.arpa
  transcribe lm build --order 4 --prune "0 1 1 1" big.txt -o small.arpa

Flags:
`)
		fs.PrintDefaults()
	}
	// Accept flags after the corpus names too.
	var files []string
	for {
		if code, ok := parseFlags(fs, args); !ok {
			return code
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "transcribe lm build: no corpus given (use - for stdin)")
		fs.Usage()
		return exitUsage
	}
	var readers []io.Reader
	for _, f := range files {
		if f == "-" {
			readers = append(readers, stdin)
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			fmt.Fprintf(stderr, "transcribe lm build: %v\n", err)
			return exitFailed
		}
		defer fh.Close()
		// Keep files apart even without a final newline.
		readers = append(readers, fh, strings.NewReader("\n"))
	}
	m, err := lm.Build(io.MultiReader(readers...), lm.BuildOptions{Order: *order, Char: *char, Prune: prune})
	if err != nil {
		fmt.Fprintf(stderr, "transcribe lm build: %v\n", err)
		return exitUsage
	}
	var w io.Writer = stdout
	if *out != "" && *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintf(stderr, "transcribe lm build: %v\n", err)
			return exitFailed
		}
		defer f.Close()
		w = f
	}
	if err := m.WriteARPA(w); err != nil {
		fmt.Fprintf(stderr, "transcribe lm build: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(stderr, "n-grams: %v\n", m.Counts())
	return exitOK
}

func runLMScore(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lm score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("lm", "", "ARPA model file (required)")
	char := fs.Bool("char", false, "score characters (for a model built with --char)")
	quiet := fs.Bool("q", false, "print only the totals")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: transcribe lm score --lm MODEL.arpa [flags] [FILE...] 

Scores sentences (one per line, from FILEs or stdin) as SRILM's "ngram -ppl"
does: <s> and </s> added, out-of-vocabulary words skipped and counted.
Prints each sentence's log10 probability, then the totals with ppl (per
word and </s>) and ppl1 (per word).

Examples:
  transcribe lm score --lm lm.arpa < sentences.txt
  transcribe lm score --lm chars.arpa --char test.txt

Flags:
`)
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *path == "" {
		fmt.Fprintln(stderr, "transcribe lm score: --lm is required")
		fs.Usage()
		return exitUsage
	}
	f, err := os.Open(*path)
	if err != nil {
		fmt.Fprintf(stderr, "transcribe lm score: %v\n", err)
		return exitFailed
	}
	m, err := lm.ReadARPA(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "transcribe lm score: %s: %v\n", *path, err)
		return exitFailed
	}
	var in []io.Reader
	for _, name := range fs.Args() {
		if name == "-" {
			in = append(in, stdin)
			continue
		}
		fh, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "transcribe lm score: %v\n", err)
			return exitFailed
		}
		defer fh.Close()
		in = append(in, fh, strings.NewReader("\n"))
	}
	if len(in) == 0 {
		in = append(in, stdin)
	}
	bw := bufio.NewWriter(stdout)
	defer bw.Flush()
	var ppl lm.Perplexity
	sc := bufio.NewScanner(io.MultiReader(in...))
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	var toks []string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if *char {
			toks = lm.CharTokens(line, toks[:0])
		} else {
			toks = strings.Fields(line)
		}
		s := m.ScoreSentence(toks)
		ppl.Add(s)
		if !*quiet {
			fmt.Fprintf(bw, "%.6f\t%d words\t%d OOVs\t%s\n", s.Log10Prob, s.Words, s.OOVs, line)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(stderr, "transcribe lm score: %v\n", err)
		return exitFailed
	}
	fmt.Fprintf(bw, "%d sentences, %d words, %d OOVs\n", ppl.Sentences, ppl.Words, ppl.OOVs)
	fmt.Fprintf(bw, "logprob= %.6f ppl= %.6f ppl1= %.6f\n", ppl.Log10Prob, ppl.PPL(), ppl.PPL1())
	return exitOK
}
