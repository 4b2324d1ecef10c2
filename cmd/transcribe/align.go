package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

func init() {
	register(&command{name: "align", summary: "align a known transcript to its audio (subtitles, word times)", run: runAlign})
}

var alignFormats = []string{"srt", "vtt", "json", "textgrid"}

const alignHelp = `transcribe align: find where each word of a known text is spoken.

Usage:
  transcribe align [flags] AUDIO TEXT

AUDIO is a WAV, FLAC or MP3 file ("-" reads stdin); TEXT is a plain-text file
("-" reads stdin, not both). The text's words keep their written form
(punctuation and case) in the output; numbers and symbols are read out by the
normalizer ("42" is aligned as "forty two"). Words the model cannot spell at
all are kept and reported; words whose alignment scores low (the audio may
not say them) are flagged. Audio of any length is aligned in bounded memory.

Examples:
  transcribe align talk.wav talk.txt > talk.srt
  transcribe align --format vtt --max-chars 32 --max-seconds 4 clip.flac script.txt
  transcribe align --format json chapter.mp3 chapter.txt -o chapter.json
  transcribe align --format textgrid utt.wav utt.txt > utt.TextGrid   (Praat)

Formats (--format):
  srt, vtt   subtitles: a cue ends at a pause of --min-pause seconds, and when
             it would exceed --max-lines lines of --max-chars characters or
             --max-seconds on screen it is cut at the best place inside it:
             after a sentence's end, else after a comma or other clause
             mark, else at the longest pause
  json       {"file","words":[{"word","spoken","start","end","score",
             "confidence","found","low"}],"segments":[{"text","start","end",
             "first","last"}],"score","duration","processing_time"}; segments
             are the subtitle cues, first/last the indices of their words
  textgrid   Praat TextGrid (long text format), tiers "words" and "segments"

Exit status: 0 ok (flagged words are warned about on stderr), 1 the
alignment failed (no speech, text too long for the audio, no spellable
word), 2 usage or setup error.

Flags:
`

func runAlign(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("align", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model file (default: the embedded English model)")
	format := fs.String("format", "srt", "output format: "+strings.Join(alignFormats, ", "))
	out := fs.String("o", "", "write the output to `FILE` (replaced only when done)")
	o := defaultCueOptions
	fs.IntVar(&o.MaxLineChars, "max-chars", o.MaxLineChars, "subtitles: characters per line at most")
	fs.IntVar(&o.MaxLines, "max-lines", o.MaxLines, "subtitles: lines per cue at most")
	fs.Float64Var(&o.MaxDuration, "max-seconds", o.MaxDuration, "subtitles: seconds a cue stays on screen at most")
	fs.Float64Var(&o.MinPause, "min-pause", o.MinPause, "subtitles: a pause this long (seconds) always ends a cue")
	beam := fs.Float64("beam", 400, "prune alignment paths this far (log units) below the best at each frame")
	low := fs.Float64("low-score", asr.DefaultLowScore, "flag words whose mean log-probability per frame is below this")
	quiet := fs.Bool("quiet", false, "no warnings about flagged words")
	fs.Usage = func() {
		fmt.Fprint(stdout, alignHelp)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(stderr, "(see transcribe align --help)")
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "transcribe align: "+format+" (see transcribe align --help)\n", a...)
		return exitUsage
	}
	switch {
	case len(pos) != 2:
		return usageErr("want AUDIO and TEXT, got %d arguments", len(pos))
	case pos[0] == "-" && pos[1] == "-":
		return usageErr("AUDIO and TEXT cannot both be stdin")
	case !contains(alignFormats, *format):
		return usageErr("unknown --format %q; want one of %s", *format, strings.Join(alignFormats, ", "))
	case o.MaxLineChars < 1 || o.MaxLines < 1:
		return usageErr("--max-chars and --max-lines must be at least 1")
	case o.MaxDuration <= 0 || o.MinPause <= 0:
		return usageErr("--max-seconds and --min-pause must be positive")
	case *beam <= 0 || *low >= 0:
		return usageErr("--beam must be positive and --low-score negative")
	}
	m, err := loadAlignModel(*model)
	if err != nil {
		fmt.Fprintln(stderr, "transcribe align:", err)
		return exitUsage
	}
	readArg := func(name string) ([]byte, error) {
		if name == "-" {
			return io.ReadAll(stdin)
		}
		return os.ReadFile(name)
	}
	audioBytes, err := readArg(pos[0])
	if err != nil {
		fmt.Fprintln(stderr, "transcribe align:", err)
		return exitFailed
	}
	p, err := audio.Decode(bytes.NewReader(audioBytes))
	audioBytes = nil
	if err != nil {
		fmt.Fprintf(stderr, "transcribe align: %s: %v\n", pos[0], err)
		return exitFailed
	}
	text, err := readArg(pos[1])
	if err != nil {
		fmt.Fprintln(stderr, "transcribe align:", err)
		return exitFailed
	}
	r := asr.NewRecognizer(m, asr.DefaultOptions())
	res, err := r.Align(p, string(text), asr.AlignOptions{Beam: *beam, LowScore: *low})
	if err != nil {
		fmt.Fprintf(stderr, "transcribe align: %s: %v\n", pos[0], err)
		return exitFailed
	}
	if !*quiet {
		warnAlign(stderr, res)
	}
	rec := formatAlignment(*format, pos[0], res, o)
	if *out != "" {
		err = writeFileAtomic(*out, func(w io.Writer) error { _, err := w.Write(rec); return err })
	} else {
		_, err = stdout.Write(rec)
	}
	if err != nil {
		fmt.Fprintln(stderr, "transcribe align:", err)
		return exitFailed
	}
	return exitOK
}

func loadAlignModel(path string) (*asr.Model, error) {
	if path == "" {
		m, err := asr.Default()
		if err != nil {
			return nil, fmt.Errorf("%v; pass --model FILE", err)
		}
		return m, nil
	}
	return asr.LoadFile(path)
}

// warnAlign lists the words that were not found or scored low.
func warnAlign(w io.Writer, a *asr.Alignment) {
	list := func(idx []int) string {
		var b strings.Builder
		for k, i := range idx {
			if k == 10 {
				fmt.Fprintf(&b, " ... (%d more)", len(idx)-10)
				break
			}
			fmt.Fprintf(&b, " %q@%s", a.Words[i].Word, fixed3(a.Words[i].Start))
		}
		return b.String()
	}
	if nf := a.NotFound(); len(nf) > 0 {
		fmt.Fprintf(w, "transcribe align: %d word(s) the model cannot spell, placed between their neighbours:%s\n", len(nf), list(nf))
	}
	if lw := a.LowWords(); len(lw) > 0 {
		fmt.Fprintf(w, "transcribe align: %d of %d word(s) scored low (the audio may not say them):%s\n", len(lw), len(a.Words), list(lw))
	}
}

// alignSegment is a subtitle cue of an alignment: words [first, last].
type alignSegment struct {
	cue
	first, last int
}

// breakClass ranks the place after a written word as a place to cut a
// subtitle: 2 after a sentence's end, 1 after a clause mark, 0 elsewhere.
func breakClass(word string) int {
	w := strings.TrimRightFunc(word, func(r rune) bool { return strings.ContainsRune("\"')]}»”’", r) })
	if w == "" {
		return 0
	}
	switch last := []rune(w)[len([]rune(w))-1]; {
	case strings.ContainsRune(".?!…", last):
		return 2
	case strings.ContainsRune(",;:—–-", last) || unicode.Is(unicode.Pd, last):
		return 1
	}
	return 0
}

// alignCues groups the found words of a into subtitle cues. A cue ends at a
// pause of at least o.MinPause; when the next word would not fit (o's lines,
// characters and duration, as makeCues judges), the cue is cut after its
// last sentence end, else its last clause mark, else at its longest pause
// (the later of equals), and the words after the cut start the next cue.
// Each cue's lines are laid out by makeCues.
func alignCues(a *asr.Alignment, o cueOptions) []alignSegment {
	var idx []int // found words
	for i, w := range a.Words {
		if w.Found {
			idx = append(idx, i)
		}
	}
	word := func(i int) asr.Word {
		w := a.Words[i]
		return asr.Word{Word: w.Word, Start: w.Start, End: w.End, Confidence: w.Confidence}
	}
	var out []alignSegment
	emit := func(ids []int) {
		ws := make([]asr.Word, len(ids))
		for k, i := range ids {
			ws[k] = word(i)
		}
		for _, c := range makeCues(ws, cueOptions{MaxLineChars: o.MaxLineChars, MaxLines: o.MaxLines, MaxDuration: 1e18, MinPause: 1e18}) {
			out = append(out, alignSegment{cue: c, first: ids[0], last: ids[len(ids)-1]})
		}
	}
	fitsCue := func(ids []int) bool {
		ws := make([]string, len(ids))
		for k, i := range ids {
			ws[k] = a.Words[i].Word
		}
		return fits(ws, o) && a.Words[ids[len(ids)-1]].End-a.Words[ids[0]].Start <= o.MaxDuration
	}
	var cur []int
	for _, i := range idx {
		if len(cur) > 0 && a.Words[i].Start-a.Words[cur[len(cur)-1]].End >= o.MinPause {
			emit(cur)
			cur = nil
		}
		next := append(cur[:len(cur):len(cur)], i)
		if len(cur) == 0 || fitsCue(next) {
			cur = next
			continue
		}
		// Cut cur: after word k (keep cur[:k+1]).
		best, bestClass, bestPause := len(cur)-1, -1, -1.0
		for k := 0; k < len(cur); k++ {
			class := breakClass(a.Words[cur[k]].Word)
			pause := 0.0
			if k+1 < len(cur) {
				pause = a.Words[cur[k+1]].Start - a.Words[cur[k]].End
			} else {
				pause = a.Words[i].Start - a.Words[cur[k]].End
			}
			if class > bestClass || (class == bestClass && pause >= bestPause) {
				best, bestClass, bestPause = k, class, pause
			}
		}
		emit(cur[:best+1])
		cur = append(append([]int(nil), cur[best+1:]...), i)
		for len(cur) > 1 && !fitsCue(cur) { // the rest and the new word still do not fit
			emit(cur[:len(cur)-1])
			cur = cur[len(cur)-1:]
		}
	}
	if len(cur) > 0 {
		emit(cur)
	}
	return out
}

// formatAlignment renders an alignment of the audio file name in format.
// Subtitles reuse the recognizer's cue layout and timestamps (makeCues,
// timestamp, formatHeader).
func formatAlignment(format, name string, a *asr.Alignment, o cueOptions) []byte {
	var b bytes.Buffer
	segs := alignCues(a, o)
	switch format {
	case "srt":
		for k, s := range segs {
			fmt.Fprintf(&b, "%d\n%s --> %s\n%s\n\n", k+1, timestamp(s.start, ','), timestamp(s.end, ','), strings.Join(s.lines, "\n"))
		}
	case "vtt":
		b.Write(formatHeader("vtt"))
		for _, s := range segs {
			fmt.Fprintf(&b, "%s --> %s\n%s\n\n", timestamp(s.start, '.'), timestamp(s.end, '.'), strings.Join(s.lines, "\n"))
		}
	case "json":
		type jw struct {
			Word       string `json:"word"`
			Spoken     string `json:"spoken"`
			Start      ms     `json:"start"`
			End        ms     `json:"end"`
			Score      ms     `json:"score"`
			Confidence ms     `json:"confidence"`
			Found      bool   `json:"found"`
			Low        bool   `json:"low"`
		}
		type js struct {
			Text  string `json:"text"`
			Start ms     `json:"start"`
			End   ms     `json:"end"`
			First int    `json:"first"`
			Last  int    `json:"last"`
		}
		rec := struct {
			File           string `json:"file"`
			Words          []jw   `json:"words"`
			Segments       []js   `json:"segments"`
			Score          ms     `json:"score"`
			Duration       ms     `json:"duration"`
			ProcessingTime ms     `json:"processing_time"`
		}{File: name, Words: []jw{}, Segments: []js{}, Score: ms(a.Score), Duration: ms(a.Duration), ProcessingTime: ms(a.ProcessingTime)}
		for _, w := range a.Words {
			rec.Words = append(rec.Words, jw{w.Word, w.Spoken, ms(w.Start), ms(w.End), ms(w.Score), ms(w.Confidence), w.Found, w.Low})
		}
		for _, s := range segs {
			rec.Segments = append(rec.Segments, js{strings.Join(s.lines, " "), ms(s.start), ms(s.end), s.first, s.last})
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rec); err != nil {
			panic("transcribe align: " + err.Error()) // strings and finite numbers only
		}
	case "textgrid":
		writeTextGrid(&b, a, segs)
	}
	return b.Bytes()
}

// writeTextGrid writes a Praat TextGrid (long text format) with an interval
// tier of words and one of segments; stretches between them are empty
// intervals, as Praat requires tiers to cover the whole time range. Words
// that were not found have no duration and no interval.
func writeTextGrid(b *bytes.Buffer, a *asr.Alignment, segs []alignSegment) {
	type iv struct {
		start, end float64
		text       string
	}
	tier := func(spans []iv) []iv {
		var out []iv
		t := 0.0
		for _, s := range spans {
			s.start, s.end = max(s.start, t), min(s.end, a.Duration)
			if s.end-s.start < 1e-4 {
				continue
			}
			if s.start > t+1e-4 {
				out = append(out, iv{t, s.start, ""})
			}
			out = append(out, s)
			t = s.end
		}
		if a.Duration > t+1e-4 || len(out) == 0 {
			out = append(out, iv{t, max(a.Duration, t+1e-3), ""})
		}
		return out
	}
	var words, cues []iv
	for _, w := range a.Words {
		if w.Found {
			words = append(words, iv{w.Start, w.End, w.Word})
		}
	}
	for _, s := range segs {
		cues = append(cues, iv{s.start, s.end, strings.Join(s.lines, " ")})
	}
	tiers := []struct {
		name string
		ivs  []iv
	}{{"words", tier(words)}, {"segments", tier(cues)}}
	xmax := tiers[0].ivs[len(tiers[0].ivs)-1].end
	num := func(v float64) string { return fixed3(v) }
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	fmt.Fprintf(b, "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\nxmin = 0 \nxmax = %s \ntiers? <exists> \nsize = %d \nitem []: \n", num(xmax), len(tiers))
	for k, t := range tiers {
		fmt.Fprintf(b, "    item [%d]:\n        class = \"IntervalTier\" \n        name = %s \n        xmin = 0 \n        xmax = %s \n        intervals: size = %d \n", k+1, quote(t.name), num(xmax), len(t.ivs))
		for j, v := range t.ivs {
			end := v.end
			if j == len(t.ivs)-1 {
				end = xmax
			}
			fmt.Fprintf(b, "        intervals [%d]:\n            xmin = %s \n            xmax = %s \n            text = %s \n", j+1, num(v.start), num(end), quote(v.text))
		}
	}
}
