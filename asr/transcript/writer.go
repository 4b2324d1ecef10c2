package transcript

import (
	"fmt"
	"strings"

	"github.com/ecoute/ecoute/asr"
)

// A Writer writes the record of one result while it is being decoded
// (asr.Recognizer.TranscribeEach): plain txt a segment's text at a time,
// srt, vtt and txt with Timestamps a cue at a time, as soon as no later word
// can join it; the other formats (json, tsv, trn, txt with NBest) wait for
// the whole result. What Segment and Finish return, joined, is
// AppendRecord's record of the result, byte for byte.
type Writer struct {
	format  string
	o       Options
	cues    CueOptions
	whole   bool       // the format is written by Finish alone
	texts   int        // segments of plain txt written
	pending []asr.Word // the words of the last, still open cue
	written int        // cues written
}

// NewWriter returns a Writer of the format, or a *FormatError.
func NewWriter(format string, o Options) (*Writer, error) {
	if !Known(format) {
		return nil, &FormatError{Format: format}
	}
	w := &Writer{format: format, o: o, cues: o.Cues}
	if w.cues == (CueOptions{}) {
		w.cues = DefaultCueOptions
	}
	switch format {
	case "srt", "vtt":
	case "txt":
		w.whole = o.NBest > 0
	default:
		w.whole = true
	}
	return w, nil
}

// Segment appends to dst what seg completes, and returns the extended
// slice. Segments must come in order; an empty one (silence) adds nothing.
func (w *Writer) Segment(dst []byte, seg asr.Segment) []byte {
	if w.whole {
		return dst
	}
	if w.format == "txt" && !w.o.Timestamps {
		if seg.Text == "" {
			return dst
		}
		if w.texts == 0 {
			dst = append(dst, w.o.Prefix...)
		} else {
			dst = append(dst, ' ')
		}
		w.texts++
		return append(dst, seg.Text...)
	}
	w.pending = append(w.pending, seg.Words...)
	cs := Cues(w.pending, w.cues)
	if len(cs) < 2 {
		return dst
	}
	// Cues is greedy from the left: a cue that another one follows is
	// final, and the last one starts afresh from its own first word.
	for _, c := range cs[:len(cs)-1] {
		dst = w.appendCue(dst, c)
	}
	w.pending = append(w.pending[:0:0], cs[len(cs)-1].Words...)
	return dst
}

// Finish appends the rest of r's record to dst and returns the extended
// slice; r is the result whose segments were given to Segment.
func (w *Writer) Finish(dst []byte, r *asr.Result) []byte {
	if w.whole {
		out, err := AppendRecord(dst, w.format, r, w.o)
		if err != nil {
			panic(err) // the format was checked by NewWriter
		}
		return out
	}
	if w.format == "txt" && !w.o.Timestamps {
		if w.texts == 0 {
			return append(append(append(dst, w.o.Prefix...), r.Text...), '\n')
		}
		return append(dst, '\n')
	}
	for _, c := range Cues(w.pending, w.cues) {
		dst = w.appendCue(dst, c)
	}
	w.pending = nil
	return dst
}

func (w *Writer) appendCue(dst []byte, c Cue) []byte {
	w.written++
	switch w.format {
	case "srt":
		return fmt.Appendf(dst, "%d\n%s --> %s\n%s\n\n", w.written, Timestamp(c.Start, ','), Timestamp(c.End, ','), strings.Join(c.Lines, "\n"))
	case "vtt":
		return fmt.Appendf(dst, "%s --> %s\n%s\n\n", Timestamp(c.Start, '.'), Timestamp(c.End, '.'), strings.Join(c.Lines, "\n"))
	default: // txt with Timestamps
		return fmt.Appendf(dst, "%s[%s --> %s] %s\n", w.o.Prefix, Timestamp(c.Start, '.'), Timestamp(c.End, '.'), c.Text())
	}
}
