package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ecoute/ecoute/asr/corpus"
	"github.com/ecoute/ecoute/text"
	"github.com/ecoute/ecoute/text/wer"
)

func init() {
	register(&command{name: "eval", summary: "score hypotheses against references (WER/CER, sclite-compatible)", run: runEval})
}

// evalFlags are the flags shared by every eval mode.
type evalFlags struct {
	cer       bool
	normalize bool
	caseSens  bool
	format    string
	details   bool
	inFormat  string
}

func (e *evalFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&e.cer, "cer", false, "score characters (white space ignored, as sclite -c) instead of words")
	fs.BoolVar(&e.normalize, "normalize", false, "normalize both sides first (lower case, punctuation removed, numbers spelled out)")
	fs.BoolVar(&e.caseSens, "case-sensitive", false, "compare words exactly (sclite -s); the default folds case as sclite does")
	fs.StringVar(&e.format, "format", "text", "report format: text or json")
	fs.BoolVar(&e.details, "details", false, "add every utterance's alignment to the report")
	fs.StringVar(&e.inFormat, "input-format", "auto", "transcript format: auto, tsv (id<TAB>text), kaldi (id text) or trn (text (id))")
}

func (e *evalFlags) options() wer.Options {
	o := wer.Options{Chars: e.cer, CaseSensitive: e.caseSens}
	if e.normalize {
		o.Normalize = text.Normalize
	}
	return o
}

// writeReport writes r to w in the chosen format. It is shared with the
// modes that transcribe before scoring.
func (e *evalFlags) writeReport(w io.Writer, r *wer.Report) error {
	if e.format == "json" {
		return r.WriteJSON(w, e.details)
	}
	return r.WriteText(w, e.details)
}

func (e *evalFlags) check() error {
	if e.format != "text" && e.format != "json" {
		return fmt.Errorf("--format must be text or json, not %q", e.format)
	}
	if _, err := wer.ParseFormat(e.inFormat); err != nil {
		return err
	}
	return nil
}

func runEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if manifestMode(args) { // transcribe, then score (eval_manifest.go)
		return runEvalManifest(args, stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var ef evalFlags
	ef.register(fs)
	ref := fs.String("ref", "", "reference transcripts (file, or - for stdin)")
	hyp := fs.String("hyp", "", "hypothesis transcripts (file, or - for stdin)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: transcribe eval --ref REF --hyp HYP [flags]
       transcribe eval --manifest DATA [flags]   transcribe a labelled set, then
                                                 score it (see eval --manifest --help)

Scores recognizer output against reference transcripts: word error rate
(or character error rate with --cer), sentence error rate, substitutions,
deletions, insertions, per-speaker summaries. The counts equal those of
NIST sclite ("sclite -i rm", "-c" for characters).

Transcript files hold one utterance per line, in any of
  id<TAB>text        TSV
  id text            Kaldi "text" file
  text (id)          sclite trn
The speaker is the part of the id before the first "_" or "-".
A manifest (transcripts.tsv: a header row naming path, transcript and
other columns; or path<TAB>transcript<TAB>speaker lines) is read by its
columns: the path is the id, the transcript is scored, the speaker column
names the speaker, and the other columns are ignored.
A reference without a hypothesis is scored as all deletions and listed.

Examples:
  transcribe eval --ref test/text --hyp out.txt
  transcribe eval --ref ref.trn --hyp hyp.trn --details
  transcribe eval --ref ref.tsv --hyp hyp.tsv --cer --normalize --format json

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(stderr, `
Exit status: 0 scored, 1 unreadable or malformed input, 2 usage error.
`)
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *ref == "" || *hyp == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "transcribe eval: need --ref and --hyp (and no other arguments); see transcribe eval --help")
		return exitUsage
	}
	if *ref == "-" && *hyp == "-" {
		fmt.Fprintln(stderr, "transcribe eval: --ref and --hyp cannot both be stdin")
		return exitUsage
	}
	if err := ef.check(); err != nil {
		fmt.Fprintln(stderr, "transcribe eval:", err)
		return exitUsage
	}
	inf, _ := wer.ParseFormat(ef.inFormat)
	speakers := map[string]string{}
	read := func(name string) ([]wer.Transcript, error) {
		var r io.Reader = stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			r = f
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		if (inf == wer.Auto || inf == wer.TSV) && isManifest(b) {
			return readManifestTranscripts(b, name, speakers, stderr)
		}
		return wer.ReadTranscripts(bytes.NewReader(b), name, inf)
	}
	refs, err := read(*ref)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe eval:", err)
		return exitFailed
	}
	hyps, err := read(*hyp)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe eval:", err)
		return exitFailed
	}
	opts := ef.options()
	if len(speakers) > 0 {
		opts.Speaker = func(id string) string {
			if s := speakers[id]; s != "" {
				return s
			}
			return wer.SpeakerOf(id)
		}
	}
	rep := wer.Score(refs, hyps, opts)
	if err := ef.writeReport(stdout, rep); err != nil {
		fmt.Fprintln(stderr, "transcribe eval:", err)
		return exitFailed
	}
	return exitOK
}

// isManifest reports whether b, a transcript file, is a corpus manifest
// rather than id<TAB>text: its first line is a header naming a path and a
// transcript column, or has three or more tab-separated fields. Read as
// id<TAB>text, such a file would score the header as an utterance and the
// extra columns (speaker, age, ...) as words.
func isManifest(b []byte) bool {
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimPrefix(strings.TrimRight(line, "\r"), "\uFEFF")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) >= 3 {
			return true
		}
		if len(f) == 2 {
			a, b := strings.ToLower(strings.TrimSpace(f[0])), strings.ToLower(strings.TrimSpace(f[1]))
			return a == "path" && (b == "transcript" || b == "text" || b == "sentence")
		}
		return false
	}
	return false
}

// readManifestTranscripts reads a manifest with the corpus reader: the id is
// the path column as written, the text the transcript column, and speakers
// gets the speaker column.
func readManifestTranscripts(b []byte, name string, speakers map[string]string, stderr io.Writer) ([]wer.Transcript, error) {
	us, layout, err := corpus.ReadTSV(bytes.NewReader(b), name, "")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "transcribe eval: %s: a %s: its path column is the id, its transcript column is scored, other columns are not\n", name, layout)
	out := make([]wer.Transcript, 0, len(us))
	seen := map[string]bool{}
	for _, u := range us {
		if seen[u.ID] {
			return nil, fmt.Errorf("%s: %s is listed twice", name, u.ID)
		}
		seen[u.ID] = true
		out = append(out, wer.Transcript{ID: u.ID, Text: strings.Join(strings.Fields(u.Transcript), " ")})
		if u.Speaker != "" {
			speakers[u.ID] = u.Speaker
		}
	}
	return out, nil
}
