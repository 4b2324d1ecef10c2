package transcript

import (
	"fmt"
	"math"
	"strings"

	"github.com/ecoute/ecoute/asr"
)

// CueOptions limit one subtitle cue.
type CueOptions struct {
	MaxLineChars int     // characters per line
	MaxLines     int     // lines per cue
	MaxDuration  float64 // seconds on screen at most
	MinPause     float64 // a silence this long (seconds) ends a cue
}

// DefaultCueOptions are the limits of `transcribe --format srt`: two lines
// of 42 characters (the usual broadcast limit), 7 seconds on screen, and a
// cue ends at a pause of half a second.
var DefaultCueOptions = CueOptions{MaxLineChars: 42, MaxLines: 2, MaxDuration: 7, MinPause: 0.5}

// A Cue is one subtitle: its time span in seconds, its lines of text, and
// the words they hold.
type Cue struct {
	Start, End float64
	Lines      []string
	Words      []asr.Word
}

// Text returns the cue's lines joined by spaces.
func (c Cue) Text() string { return strings.Join(c.Lines, " ") }

// Cues groups words into subtitles. A cue ends at a pause of at least
// o.MinPause, and before a word that would take it past o.MaxDuration or past
// o.MaxLines lines of o.MaxLineChars. Lines are balanced: a two-line cue is
// split where its longer line is shortest. A single word longer than a line
// gets a cue (and a line) of its own. Words with an empty Word are skipped;
// a cue that would end where it starts lasts 1 ms. Characters are counted
// as Unicode code points.
func Cues(words []asr.Word, o CueOptions) []Cue {
	var out []Cue
	var cur []string
	var curWords []asr.Word
	var start, end float64
	flush := func() {
		if len(cur) == 0 {
			return
		}
		if end <= start {
			end = start + 0.001
		}
		out = append(out, Cue{Start: start, End: end, Lines: balanceLines(cur, o.MaxLineChars, o.MaxLines), Words: curWords})
		cur, curWords = nil, nil
	}
	for _, w := range words {
		if w.Word == "" {
			continue
		}
		if len(cur) > 0 {
			pause := w.Start - end
			tooLong := w.End-start > o.MaxDuration
			tooWide := !Fits(append(cur[:len(cur):len(cur)], w.Word), o)
			if pause >= o.MinPause || tooLong || tooWide {
				flush()
			}
		}
		if len(cur) == 0 {
			start = w.Start
		}
		cur = append(cur, w.Word)
		curWords = append(curWords, w)
		end = w.End
	}
	flush()
	return out
}

// Fits reports whether words, filled into lines a word at a time, take at
// most o.MaxLines lines, none wider than o.MaxLineChars.
func Fits(words []string, o CueOptions) bool {
	lines := wrapGreedy(words, o.MaxLineChars)
	if len(lines) > o.MaxLines {
		return false
	}
	for _, l := range lines {
		if runeLen(l) > o.MaxLineChars {
			return false
		}
	}
	return true
}

// wrapGreedy fills lines of at most width characters, a word at a time.
func wrapGreedy(words []string, width int) []string {
	var lines []string
	line := ""
	for _, w := range words {
		switch {
		case line == "":
			line = w
		case runeLen(line)+1+runeLen(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// balanceLines wraps words into at most maxLines lines of width characters
// (fewer if they fit on one), making a two-line cue's lines as even as
// possible.
func balanceLines(words []string, width, maxLines int) []string {
	greedy := wrapGreedy(words, width)
	if len(greedy) != 2 || maxLines < 2 {
		return greedy
	}
	best, bestLen := -1, math.MaxInt
	for k := 1; k < len(words); k++ {
		a, b := strings.Join(words[:k], " "), strings.Join(words[k:], " ")
		la, lb := runeLen(a), runeLen(b)
		if la > width || lb > width {
			continue
		}
		if m := max(la, lb); m < bestLen {
			best, bestLen = k, m
		}
	}
	if best < 0 {
		return greedy
	}
	return []string{strings.Join(words[:best], " "), strings.Join(words[best:], " ")}
}

func runeLen(s string) int { return len([]rune(s)) }

// Timestamp formats seconds as HH:MM:SS,mmm (SubRip, sep ',') or
// HH:MM:SS.mmm (WebVTT, sep '.'), rounded to the millisecond; negative
// times are written as 0.
func Timestamp(sec float64, sep byte) string {
	t := int64(math.Round(math.Max(0, sec) * 1000))
	return fmt.Sprintf("%02d:%02d:%02d%c%03d", t/3600000, t/60000%60, t/1000%60, sep, t%1000)
}
