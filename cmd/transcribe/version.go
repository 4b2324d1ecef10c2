package main

import (
	"fmt"
	"io"
	"path"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/ecoute/ecoute/asr"
)

func init() {
	register(&command{name: "version", summary: "print the version and the default model's provenance (same as --version)", run: runVersion})
}

func runVersion(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
			fmt.Fprint(stdout, "Usage: transcribe version\n\nPrints the program version, and the embedded default model's size, architecture\nand provenance. A file named \"version\" is transcribed with \"transcribe ./version\".\n")
			return exitOK
		}
		fmt.Fprintf(stderr, "transcribe version: unexpected argument %q (to transcribe a file named version, write ./version)\n", args[0])
		return exitUsage
	}
	printVersion(stdout)
	return exitOK
}

// version is set at link time by release builds
// (go build -ldflags "-X main.version=v1.2.3"); otherwise it comes from the
// module and VCS information the go command records.
var version = ""

// versionString returns "v1.2.3", or "devel <revision>[+dirty] <date>".
func versionString() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := bi.Main.Version
	if v != "" && v != "(devel)" {
		return v
	}
	var rev, when, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
			if len(rev) > 12 {
				rev = rev[:12]
			}
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	out := "devel"
	if rev != "" {
		out += " " + rev + dirty
	}
	if when != "" {
		out += " " + when
	}
	return out
}

// printVersion prints the program version and the default model's name,
// size and provenance.
func printVersion(w io.Writer) {
	fmt.Fprintf(w, "transcribe (ecoute) %s, %s %s/%s\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	m, err := asr.Default()
	if err != nil {
		fmt.Fprintf(w, "default model: none (%v)\n", err)
		return
	}
	fmt.Fprint(w, describeModel("asr/"+asr.DefaultModelPath+" (embedded)", m, len(asr.DefaultModelBytes())))
}

// describeModel says what a model is and how it was made.
func describeModel(name string, m *asr.Model, size int) string {
	var b strings.Builder
	c := &m.Config
	kind := "LSTM"
	if c.Bidirectional {
		kind = "BiLSTM"
	}
	fmt.Fprintf(&b, "default model: %s, %.1f MB, %.2f M parameters: %s %dx%d, %s front end (stack %d), %s CTC over %d tokens",
		name, float64(size)/1e6, float64(m.NumParams())/1e6, kind, c.NumLayers, c.HiddenSize,
		c.FrontEnd.Type, c.FrontEnd.Stack, c.Tokenizer.Type, c.OutputSize)
	if m.LM != nil {
		fmt.Fprintf(&b, ", word n-gram LM (%.1f MB ARPA)", float64(len(m.LM.Source))/1e6)
	}
	b.WriteString("\n")
	p := c.Provenance
	var parts []string
	if p.Trainer != "" {
		parts = append(parts, "trained by "+p.Trainer)
	}
	if p.Created != "" {
		parts = append(parts, "on "+p.Created)
	}
	if p.Utterances > 0 || p.Hours > 0 {
		parts = append(parts, fmt.Sprintf("%d utterances, %.1f h", p.Utterances, p.Hours))
	}
	if p.Epochs > 0 {
		parts = append(parts, fmt.Sprintf("%.1f epochs", p.Epochs))
	}
	if p.Steps > 0 {
		parts = append(parts, fmt.Sprintf("%d steps", p.Steps))
	}
	if p.TrainSecs > 0 {
		parts = append(parts, fmt.Sprintf("%.0f min of training", p.TrainSecs/60))
	}
	if p.Seed != 0 {
		parts = append(parts, fmt.Sprintf("seed %d", p.Seed))
	}
	if len(parts) > 0 {
		fmt.Fprintf(&b, "  provenance: %s\n", strings.Join(parts, ", "))
	}
	if len(p.Corpus) > 0 {
		// File names only: the folders are the training machine's.
		names := make([]string, len(p.Corpus))
		for i, c := range p.Corpus {
			names[i] = path.Base(strings.ReplaceAll(c, "\\", "/"))
		}
		fmt.Fprintf(&b, "  corpus: %s\n", strings.Join(names, ", "))
	}
	if len(p.Dev) > 0 {
		keys := make([]string, 0, len(p.Dev))
		for k := range p.Dev {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var ds []string
		for _, k := range keys {
			ds = append(ds, fmt.Sprintf("%s %.3g", k, p.Dev[k]))
		}
		how := ""
		if strings.HasPrefix(p.Trainer, "ecoute") {
			// train.Run scores its dev set with greedy decoding, no LM.
			how = " (the trainer's greedy decoding, without the LM; transcribe's default decoding is beam search with the LM)"
		}
		fmt.Fprintf(&b, "  dev: %s%s\n", strings.Join(ds, ", "), how)
	}
	if p.Notes != "" {
		fmt.Fprintf(&b, "  notes: %s\n", p.Notes)
	}
	return b.String()
}
