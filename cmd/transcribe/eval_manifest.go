package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/corpus"
	"github.com/ecoute/ecoute/text"
	"github.com/ecoute/ecoute/text/wer"
)

// manifestMode reports whether eval's arguments ask for --manifest (the
// transcribe-and-score mode of this file).
func manifestMode(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name := strings.TrimLeft(a, "-")
		if name, _, _ = strings.Cut(name, "="); strings.HasPrefix(a, "-") && name == "manifest" {
			return true
		}
	}
	return false
}

// A labelled utterance: audio and what was said.
type labelled struct {
	in      input
	ref     string
	speaker string
}

// readLabelled reads an evaluation set with the library's corpus reader
// (asr/corpus, the one the trainer uses): a TSV manifest with or without a
// header row, a folder holding transcripts.tsv, a Common Voice split, a
// Kaldi data folder (wav.scp, text, segments, utt2spk) or a LibriSpeech
// folder. It returns the utterances, the kind of set, and the problems that
// left some lines out (bad lines, repeated ids): those are reported while
// the rest is scored. err is set when nothing can be scored.
func readLabelled(data string) (utts []labelled, kind string, problems []error, err error) {
	us, layout, err := corpus.Read(data)
	if err != nil {
		if len(us) == 0 {
			return nil, "", nil, err
		}
		problems = unjoin(err)
	}
	seen := map[string]bool{}
	for i := range us {
		u := &us[i]
		if seen[u.ID] {
			problems = append(problems, fmt.Errorf("%s: %s is listed twice; scored once", data, u.ID))
			continue
		}
		seen[u.ID] = true
		in := input{name: u.Path, id: u.ID, path: u.Path}
		switch {
		case u.Segment():
			in = input{name: fmt.Sprintf("%s (segment of %s)", u.ID, u.Source()), id: u.ID, seg: u}
		case u.Command != "":
			in = input{name: u.ID + " (wav.scp)", id: u.ID, cmd: u.Command}
		case layout == corpus.Kaldi && u.ID != u.Path:
			in.name = u.Path + " (" + u.ID + ")"
		}
		utts = append(utts, labelled{in: in, ref: u.Transcript, speaker: u.Speaker})
	}
	return utts, layout.String(), problems, nil
}

// unjoin lists the errors joined in err.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func runEvalManifest(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d decodeFlags
	d.register(fs)
	data := fs.String("manifest", "", "the labelled set: a TSV manifest, a Common Voice split, or a Kaldi or LibriSpeech folder")
	normalize := fs.Bool("normalize", true, "normalize references and hypotheses (lower case, punctuation removed, numbers spelled out)")
	caseSens := fs.Bool("case-sensitive", false, "compare words exactly (sclite -s)")
	format := fs.String("format", "text", "report format: text or json")
	details := fs.Bool("details", false, "add every utterance's alignment to the report")
	worst := fs.Int("worst", 10, "list this many utterances with the most errors")
	limit := fs.Int("limit", 0, "score only the first N utterances (0: all)")
	hypOut := fs.String("hyp-out", "", "also write the hypotheses as ID<TAB>text to `FILE`")
	quiet := fs.Bool("quiet", false, "no progress bar")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: transcribe eval --manifest DATA [flags]

Transcribes a labelled set and scores it: word and character error rates
with their counts (the same counts as NIST sclite), per-speaker totals, the
utterances with the most errors, and the real-time factor of recognition.
Both sides are normalized first (lower case, punctuation dropped, numbers
spelled out) unless --normalize=false.

DATA is one of (the corpora "transcribe train --train" reads, read the same way)
  a TSV manifest     path<TAB>transcript[<TAB>speaker...] per line, paths relative to
                     the manifest's folder; a first line naming the columns (path,
                     transcript, speaker, ...) is a header, and other columns are ignored
  a folder with transcripts.tsv (such a manifest)
  a Common Voice split   train.tsv, dev.tsv or test.tsv of a release (audio in clips/)
  a Kaldi data folder   wav.scp ("ID PATH" or "ID COMMAND |") and text ("ID words");
                        segments (time ranges of the recordings) and utt2spk when present
  a LibriSpeech folder   SPEAKER/CHAPTER/*.trans.txt ("ID WORDS" lines) beside ID.flac
Lines that cannot be read are reported and left out; the rest is scored.

Examples:
  transcribe eval --manifest ../shared/data/speech/speechocean762-dev
  transcribe eval --manifest data/test --beam 1 -j 2        Kaldi folder, greedy decoding
  transcribe eval --manifest LibriSpeech/test-clean --limit 200 --format json
  transcribe eval --manifest cv-corpus/en/test.tsv
  transcribe eval --manifest dev.tsv --model my.safetensors --hyp-out hyp.tsv --worst 20

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(stderr, `
Exit status: 0 all scored, 1 some audio failed (scored as deletions), some
lines were left out, or unreadable data, 2 usage or setup error (a --model or
--lm that cannot be loaded).
`)
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" { // also "eval --manifest --help"
			fs.Usage()
			return exitOK
		}
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "transcribe eval: "+format+" (see transcribe eval --manifest --help)\n", a...)
		return exitUsage
	}
	if *data == "" {
		return usageErr("--manifest needs a value")
	}
	if len(pos) > 0 {
		return usageErr("unexpected argument %q", pos[0])
	}
	if err := d.check(); err != nil {
		return usageErr("%v", err)
	}
	if *format != "text" && *format != "json" {
		return usageErr("--format must be text or json, not %q", *format)
	}
	utts, kind, problems, err := readLabelled(*data)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe eval:", err)
		return exitFailed
	}
	for _, e := range problems { // bad lines: reported, the rest is scored
		fmt.Fprintln(stderr, "transcribe eval:", e)
	}
	if *limit > 0 && *limit < len(utts) {
		utts = utts[:*limit]
	}
	loadStart := time.Now()
	m, modelName, err := d.loadModel()
	if err != nil {
		fmt.Fprintln(stderr, "transcribe eval:", err)
		return exitUsage // a setup error, as in transcribing
	}
	loadTime := time.Since(loadStart)
	rec := asr.NewRecognizer(m, d.options())

	inputs := make([]input, len(utts))
	for i := range utts {
		inputs[i] = utts[i].in
	}
	hyps := make([]string, len(utts))
	ok := make([]bool, len(utts))
	b := &batch{rec: rec, jobs: d.jobs, decode: d.decodeOptions(), stdin: stdin, stderr: stderr,
		progress: !*quiet && isTerminal(stderr), quiet: *quiet}
	start := time.Now()
	st := b.run(inputs, func(i int, o *outcome) error {
		hyps[i], ok[i] = o.res.Text, true
		return nil
	})
	wall := time.Since(start)
	if st.interrupted {
		fmt.Fprintf(stderr, "transcribe eval: interrupted after %d of %d utterances\n", st.done, len(inputs))
		return exitInterrupted
	}

	speakers := map[string]string{}
	for _, u := range utts {
		speakers[u.in.id] = u.speaker
	}
	opts := wer.Options{CaseSensitive: *caseSens, Speaker: func(id string) string {
		if s := speakers[id]; s != "" {
			return s
		}
		return wer.SpeakerOf(id)
	}}
	if *normalize {
		opts.Normalize = text.Normalize
	}
	ws := wer.NewScorer(opts)
	copts := opts
	copts.Chars = true
	cs := wer.NewScorer(copts)
	cs.KeepUtterances(false)
	for i, u := range utts {
		if ok[i] {
			ws.Add(u.in.id, u.ref, hyps[i])
			cs.Add(u.in.id, u.ref, hyps[i])
		} else {
			ws.AddMissing(u.in.id, u.ref)
			cs.AddMissing(u.in.id, u.ref)
		}
	}
	wrep, crep := ws.Report(), cs.Report()
	worstUtts := worstUtterances(wrep.Utterances, *worst)

	if *hypOut != "" {
		err := writeFileAtomic(*hypOut, func(w io.Writer) error {
			bw := bufio.NewWriter(w)
			for i, u := range utts {
				if ok[i] {
					fmt.Fprintf(bw, "%s\t%s\n", u.in.id, hyps[i])
				}
			}
			return bw.Flush()
		})
		if err != nil {
			fmt.Fprintln(stderr, "transcribe eval: --hyp-out:", err)
			return exitFailed
		}
	}

	var out bytes.Buffer
	dec := fmt.Sprintf("beam %d", d.beam)
	if d.beam == 1 {
		dec = "greedy"
	} else if !d.noLM && m.LM != nil {
		dec += fmt.Sprintf(", LM alpha %g beta %g", d.alpha, d.beta)
	}
	if d.beam > 1 && d.blankPen != 0 {
		dec += fmt.Sprintf(", blank penalty %g", d.blankPen)
	}
	if *format == "json" {
		var wj, cj bytes.Buffer
		wrep.WriteJSON(&wj, *details)
		crep.WriteJSON(&cj, false)
		type worstJSON struct {
			ID     string  `json:"id"`
			Errors int     `json:"errors"`
			Words  int     `json:"ref_words"`
			WER    float64 `json:"wer"`
			Ref    string  `json:"ref"`
			Hyp    string  `json:"hyp"`
		}
		wl := []worstJSON{}
		for _, u := range worstUtts {
			wl = append(wl, worstJSON{u.ID, u.Errors(), u.RefLen(), u.ErrorRate(), strings.Join(u.Ref, " "), strings.Join(u.Hyp, " ")})
		}
		failed := []string{}
		for i, u := range utts {
			if !ok[i] {
				failed = append(failed, u.in.id)
			}
		}
		enc := json.NewEncoder(&out)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			Data         string          `json:"data"`
			Kind         string          `json:"kind"`
			Model        string          `json:"model"`
			Decoding     string          `json:"decoding"`
			WER          json.RawMessage `json:"wer"`
			CER          json.RawMessage `json:"cer"`
			Worst        []worstJSON     `json:"worst"`
			Failed       []string        `json:"failed"`
			AudioSeconds ms              `json:"audio_seconds"`
			WallSeconds  ms              `json:"wall_seconds"`
			RTF          ms              `json:"rtf"`
			Jobs         int             `json:"jobs"`
		}{*data, kind, modelName, dec, wj.Bytes(), cj.Bytes(), wl, failed, ms(st.audio), ms(wall.Seconds()), ms(rtfValue(wall.Seconds(), st.audio)), d.jobs})
	} else {
		fmt.Fprintf(&out, "%s (%s): %d utterances; %s, %s\n", *data, kind, len(utts), modelName, dec)
		wrep.WriteText(&out, *details)
		var cb bytes.Buffer
		crep.WriteText(&cb, false)
		line, _, _ := strings.Cut(cb.String(), "\n")
		fmt.Fprintln(&out, line)
		if len(worstUtts) > 0 {
			fmt.Fprintf(&out, "\nMost errors (of %d utterances):\n", len(wrep.Utterances))
			for _, u := range worstUtts {
				writeWorst(&out, &u)
			}
		}
		fmt.Fprintf(&out, "\nReal-time factor %s: %s of audio in %s with -j %d (model loaded in %s)\n",
			rtf(wall.Seconds(), st.audio), clock(st.audio), seconds(wall.Seconds()), d.jobs, seconds(loadTime.Seconds()))
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintln(stderr, "transcribe eval:", err)
		return exitFailed
	}
	if st.failed > 0 {
		fmt.Fprintf(stderr, "transcribe eval: %d of %d utterances failed and were scored as all deletions\n", st.failed, len(utts))
		return exitFailed
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "transcribe eval: %s: some lines were left out (see above); the others were scored\n", *data)
		return exitFailed
	}
	return exitOK
}

func rtfValue(wall, audioSec float64) float64 {
	if audioSec <= 0 {
		return 0
	}
	return wall / audioSec
}

// worstUtterances returns the n utterances with the most errors (ties: the
// higher error rate, then input order).
func worstUtterances(us []wer.Utterance, n int) []wer.Utterance {
	idx := make([]int, 0, len(us))
	for i := range us {
		if us[i].Errors() > 0 {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ua, ub := &us[idx[a]], &us[idx[b]]
		if ua.Errors() != ub.Errors() {
			return ua.Errors() > ub.Errors()
		}
		return ua.ErrorRate() > ub.ErrorRate()
	})
	if len(idx) > n {
		idx = idx[:max(0, n)]
	}
	out := make([]wer.Utterance, len(idx))
	for k, i := range idx {
		out[k] = us[i]
	}
	return out
}

// writeWorst prints one utterance's alignment: errors in upper case, "*"
// for a missing word, as sclite's pra report.
func writeWorst(w io.Writer, u *wer.Utterance) {
	fmt.Fprintf(w, "  %s: %d errors / %d words (%d sub, %d del, %d ins)\n", u.ID, u.Errors(), u.RefLen(), u.Sub, u.Del, u.Ins)
	if u.MissingHyp {
		fmt.Fprintf(w, "    REF: %s\n    (no hypothesis: the audio failed)\n", strings.Join(u.Ref, " "))
		return
	}
	var ref, hyp strings.Builder
	al := u.Alignment
	for k, op := range al.Ops {
		var rt, ht string
		if al.RefPos[k] >= 0 {
			rt = u.Ref[al.RefPos[k]]
		}
		if al.HypPos[k] >= 0 {
			ht = u.Hyp[al.HypPos[k]]
		}
		if op != wer.Correct {
			rt, ht = strings.ToUpper(rt), strings.ToUpper(ht)
		}
		width := max(utf8.RuneCountInString(rt), utf8.RuneCountInString(ht))
		if rt == "" {
			rt = strings.Repeat("*", width)
		}
		if ht == "" {
			ht = strings.Repeat("*", width)
		}
		ref.WriteString(rt + strings.Repeat(" ", width-utf8.RuneCountInString(rt)+1))
		hyp.WriteString(ht + strings.Repeat(" ", width-utf8.RuneCountInString(ht)+1))
	}
	fmt.Fprintf(w, "    REF: %s\n    HYP: %s\n", strings.TrimRight(ref.String(), " "), strings.TrimRight(hyp.String(), " "))
}
