package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ecoute/ecoute/asr"
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

// readLabelled reads an evaluation set: a TSV manifest file
// (path<TAB>transcript[<TAB>speaker...], paths relative to its folder), a
// folder holding transcripts.tsv, a Kaldi data folder (wav.scp + text,
// utt2spk optional) or a LibriSpeech-style folder (*.trans.txt beside the
// FLAC files). It returns the utterances and the kind of set.
func readLabelled(data string) ([]labelled, string, error) {
	st, err := os.Stat(data)
	if err != nil {
		return nil, "", err
	}
	if !st.IsDir() {
		u, err := readTSVManifest(data)
		return u, "TSV manifest", err
	}
	if exists(filepath.Join(data, "wav.scp")) && exists(filepath.Join(data, "text")) {
		u, err := readKaldiDir(data)
		return u, "Kaldi data folder", err
	}
	if exists(filepath.Join(data, "transcripts.tsv")) {
		u, err := readTSVManifest(filepath.Join(data, "transcripts.tsv"))
		return u, "TSV manifest", err
	}
	u, err := readLibriSpeech(data)
	if err != nil {
		return nil, "", err
	}
	if len(u) == 0 {
		return nil, "", fmt.Errorf("%s: no wav.scp + text, transcripts.tsv or *.trans.txt files found", data)
	}
	return u, "LibriSpeech-style folder", nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func readTSVManifest(path string) ([]labelled, error) {
	us, err := asr.ReadManifest(path)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	out := make([]labelled, 0, len(us))
	seen := map[string]bool{}
	for _, u := range us {
		id := u.Path
		if r, err := filepath.Rel(dir, u.Path); err == nil && !strings.HasPrefix(r, "..") {
			id = filepath.ToSlash(r)
		}
		if seen[id] {
			return nil, fmt.Errorf("%s: %s is listed twice", path, id)
		}
		seen[id] = true
		out = append(out, labelled{in: input{name: u.Path, id: id, path: u.Path}, ref: u.Transcript, speaker: u.Speaker})
	}
	return out, nil
}

func readKaldiDir(dir string) ([]labelled, error) {
	f, err := os.Open(filepath.Join(dir, "wav.scp"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ins, err := readSCP(f, filepath.Join(dir, "wav.scp"), dir)
	if err != nil {
		return nil, err
	}
	tf, err := os.Open(filepath.Join(dir, "text"))
	if err != nil {
		return nil, err
	}
	defer tf.Close()
	refs, err := wer.ReadTranscripts(tf, filepath.Join(dir, "text"), wer.Kaldi)
	if err != nil {
		return nil, err
	}
	rm := map[string]string{}
	for _, r := range refs {
		rm[r.ID] = r.Text
	}
	spk := map[string]string{}
	if b, err := os.ReadFile(filepath.Join(dir, "utt2spk")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if fs := strings.Fields(line); len(fs) >= 2 {
				spk[fs[0]] = fs[1]
			}
		}
	}
	var out []labelled
	for _, in := range ins {
		ref, ok := rm[in.id]
		if !ok {
			continue // Kaldi tools skip utterances without a transcript too
		}
		out = append(out, labelled{in: in, ref: ref, speaker: spk[in.id]})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no wav.scp id has a line in text", dir)
	}
	return out, nil
}

// readLibriSpeech finds every *.trans.txt under dir ("ID TEXT" lines) and
// pairs each ID with ID.flac (or .wav) in the same folder, in path order.
func readLibriSpeech(dir string) ([]labelled, error) {
	var trans []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".trans.txt") {
			trans = append(trans, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(trans)
	var out []labelled
	for _, t := range trans {
		f, err := os.Open(t)
		if err != nil {
			return nil, err
		}
		refs, err := wer.ReadTranscripts(f, t, wer.Kaldi)
		f.Close()
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			p := filepath.Join(filepath.Dir(t), r.ID+".flac")
			if !exists(p) && exists(filepath.Join(filepath.Dir(t), r.ID+".wav")) {
				p = filepath.Join(filepath.Dir(t), r.ID+".wav")
			}
			out = append(out, labelled{in: input{name: p, id: r.ID, path: p}, ref: r.Text, speaker: wer.SpeakerOf(r.ID)})
		}
	}
	return out, nil
}

func runEvalManifest(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d decodeFlags
	d.register(fs)
	data := fs.String("manifest", "", "the labelled set: a TSV manifest, or a Kaldi or LibriSpeech-style folder")
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

DATA is one of
  a TSV manifest     path<TAB>transcript[<TAB>speaker...] per line, paths relative to
                     the manifest's folder; a first line starting "path" is a header
  a folder with transcripts.tsv (such a manifest)
  a Kaldi data folder   wav.scp ("ID PATH" or "ID COMMAND |") and text ("ID words"),
                        utt2spk for speakers when present
  a LibriSpeech-style folder   *.trans.txt ("ID WORDS" lines) beside ID.flac files

Examples:
  transcribe eval --manifest ../shared/data/speech/speechocean762-dev
  transcribe eval --manifest data/test --beam 1 -j 2        Kaldi folder, greedy decoding
  transcribe eval --manifest LibriSpeech/test-clean --limit 200 --format json
  transcribe eval --manifest dev.tsv --model my.safetensors --hyp-out hyp.tsv --worst 20

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(stderr, `
Exit status: 0 all scored, 1 some audio failed (scored as deletions) or
unreadable data, 2 usage error.
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
	utts, kind, err := readLabelled(*data)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe eval:", err)
		return exitFailed
	}
	if *limit > 0 && *limit < len(utts) {
		utts = utts[:*limit]
	}
	loadStart := time.Now()
	m, modelName, err := d.loadModel()
	if err != nil {
		fmt.Fprintln(stderr, "transcribe eval:", err)
		return exitFailed
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
