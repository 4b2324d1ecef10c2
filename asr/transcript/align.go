package transcript

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/ecoute/ecoute/asr"
)

// AlignFormats are the formats FormatAlignment writes, the first the
// default of `transcribe align`.
var AlignFormats = []string{"srt", "vtt", "json", "textgrid"}

// KnownAlign reports whether FormatAlignment writes format.
func KnownAlign(format string) bool {
	for _, f := range AlignFormats {
		if f == format {
			return true
		}
	}
	return false
}

// An AlignCue is a subtitle cue of a forced alignment ([asr.Alignment]):
// First and Last are the indices in Alignment.Words of its first and last
// words.
type AlignCue struct {
	Cue
	First, Last int
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

// AlignCues groups the found words of a into subtitle cues. A cue ends at a
// pause of at least o.MinPause; when the next word would not fit (o's lines,
// characters and duration, as Cues judges), the cue is cut after its last
// sentence end, else its last clause mark, else at its longest pause (the
// later of equals), and the words after the cut start the next cue. Each
// cue's lines are laid out by Cues. The zero o means DefaultCueOptions.
func AlignCues(a *asr.Alignment, o CueOptions) []AlignCue {
	if o == (CueOptions{}) {
		o = DefaultCueOptions
	}
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
	var out []AlignCue
	emit := func(ids []int) {
		ws := make([]asr.Word, len(ids))
		for k, i := range ids {
			ws[k] = word(i)
		}
		for _, c := range Cues(ws, CueOptions{MaxLineChars: o.MaxLineChars, MaxLines: o.MaxLines, MaxDuration: 1e18, MinPause: 1e18}) {
			out = append(out, AlignCue{Cue: c, First: ids[0], Last: ids[len(ids)-1]})
		}
	}
	fitsCue := func(ids []int) bool {
		ws := make([]string, len(ids))
		for k, i := range ids {
			ws[k] = a.Words[i].Word
		}
		return Fits(ws, o) && a.Words[ids[len(ids)-1]].End-a.Words[ids[0]].Start <= o.MaxDuration
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

// FormatAlignment returns the alignment a of the audio file name as a
// complete file of the format (one of AlignFormats), its subtitles cut by
// AlignCues with o:
//
//	srt, vtt  the cues, as Format writes a recognizer's
//	json      one line: {"file","words":[{"word","spoken","start","end",
//	          "score","confidence","found","low"}],"segments":[{"text",
//	          "start","end","first","last"}],"score","duration",
//	          "processing_time"}; segments are the cues, first and last the
//	          indices of their words; numbers rounded by asr.Round3
//	textgrid  Praat TextGrid (long text format), interval tiers "words"
//	          and "segments"
//
// `transcribe align` and the server's /v1/align write their files with it.
// An unknown format gives a *FormatError.
func FormatAlignment(format, name string, a *asr.Alignment, o CueOptions) ([]byte, error) {
	if !KnownAlign(format) {
		return nil, &FormatError{Format: format, Want: AlignFormats}
	}
	var b bytes.Buffer
	segs := AlignCues(a, o)
	switch format {
	case "srt":
		for k, s := range segs {
			fmt.Fprintf(&b, "%d\n%s --> %s\n%s\n\n", k+1, Timestamp(s.Start, ','), Timestamp(s.End, ','), strings.Join(s.Lines, "\n"))
		}
	case "vtt":
		b.Write(Header("vtt"))
		for _, s := range segs {
			fmt.Fprintf(&b, "%s --> %s\n%s\n\n", Timestamp(s.Start, '.'), Timestamp(s.End, '.'), strings.Join(s.Lines, "\n"))
		}
	case "json":
		type jw struct {
			Word       string      `json:"word"`
			Spoken     string      `json:"spoken"`
			Start      asr.Rounded `json:"start"`
			End        asr.Rounded `json:"end"`
			Score      asr.Rounded `json:"score"`
			Confidence asr.Rounded `json:"confidence"`
			Found      bool        `json:"found"`
			Low        bool        `json:"low"`
		}
		type js struct {
			Text  string      `json:"text"`
			Start asr.Rounded `json:"start"`
			End   asr.Rounded `json:"end"`
			First int         `json:"first"`
			Last  int         `json:"last"`
		}
		rec := struct {
			File           string      `json:"file"`
			Words          []jw        `json:"words"`
			Segments       []js        `json:"segments"`
			Score          asr.Rounded `json:"score"`
			Duration       asr.Rounded `json:"duration"`
			ProcessingTime asr.Rounded `json:"processing_time"`
		}{File: name, Words: []jw{}, Segments: []js{}, Score: asr.Rounded(a.Score), Duration: asr.Rounded(a.Duration), ProcessingTime: asr.Rounded(a.ProcessingTime)}
		for _, w := range a.Words {
			rec.Words = append(rec.Words, jw{w.Word, w.Spoken, asr.Rounded(w.Start), asr.Rounded(w.End), asr.Rounded(w.Score), asr.Rounded(w.Confidence), w.Found, w.Low})
		}
		for _, s := range segs {
			rec.Segments = append(rec.Segments, js{s.Text(), asr.Rounded(s.Start), asr.Rounded(s.End), s.First, s.Last})
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rec); err != nil {
			panic("transcript: " + err.Error()) // strings and rounded numbers only
		}
	case "textgrid":
		writeTextGrid(&b, a, segs)
	}
	return b.Bytes(), nil
}

// writeTextGrid writes a Praat TextGrid (long text format) with an interval
// tier of words and one of segments; stretches between them are empty
// intervals, as Praat requires tiers to cover the whole time range. Words
// that were not found have no duration and no interval.
func writeTextGrid(b *bytes.Buffer, a *asr.Alignment, segs []AlignCue) {
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
		cues = append(cues, iv{s.Start, s.End, s.Text()})
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
