package transcript

import (
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
)

// TestAlignCues: a cue that must be cut is cut after a sentence's end before
// a comma, after a comma before a plain word boundary, and at the longest
// pause when there is no punctuation; a long pause always ends a cue.
func TestAlignCues(t *testing.T) {
	mk := func(words string, gaps ...float64) *asr.Alignment {
		a := &asr.Alignment{Duration: 100}
		t0 := 0.0
		for i, w := range strings.Fields(words) {
			if i > 0 {
				g := 0.05
				if i-1 < len(gaps) {
					g = gaps[i-1]
				}
				t0 += g
			}
			a.Words = append(a.Words, asr.AlignedWord{Word: w, Start: t0, End: t0 + 0.3, Found: true})
			t0 += 0.3
		}
		return a
	}
	o := CueOptions{MaxLineChars: 20, MaxLines: 1, MaxDuration: 100, MinPause: 1}
	o12 := o
	o12.MaxLineChars = 12
	text := func(segs []AlignCue) []string {
		var out []string
		for _, s := range segs {
			out = append(out, strings.Join(s.Lines, "|"))
		}
		return out
	}
	for _, c := range []struct {
		a    *asr.Alignment
		o    CueOptions
		want []string
	}{
		{mk("One, two. Three four five"), o, []string{"One, two.", "Three four five"}},
		{mk("aa bb, cc dd ee ff"), o12, []string{"aa bb,", "cc dd ee ff"}},
		{mk("aa bb cc dd ee ff", 0.05, 0.4, 0.05, 0.05), o12, []string{"aa bb", "cc dd ee ff"}},
		{mk("aa bb cc", 1.5), o, []string{"aa", "bb cc"}},
		{mk("aa bb cc dd", 0.05, 0.05, 0.05), CueOptions{MaxLineChars: 42, MaxLines: 2, MaxDuration: 0.7, MinPause: 1}, []string{"aa bb", "cc dd"}},
		{mk("averyveryverylongwordindeed x"), o, []string{"averyveryverylongwordindeed", "x"}},
	} {
		got := text(AlignCues(c.a, c.o))
		if strings.Join(got, "/") != strings.Join(c.want, "/") {
			t.Errorf("cues %q, want %q", got, c.want)
		}
	}
	// Words that were not found are left out of cues.
	a := mk("aa bb cc")
	a.Words[1].Found = false
	if got := text(AlignCues(a, o)); len(got) != 1 || got[0] != "aa cc" {
		t.Errorf("cues %q", got)
	}
}

// TestFormatAlignmentUnknown: an unknown format is a *FormatError that
// names the alignment formats.
func TestFormatAlignmentUnknown(t *testing.T) {
	_, err := FormatAlignment("tsv", "x", &asr.Alignment{}, CueOptions{})
	fe, ok := err.(*FormatError)
	if !ok || fe.Format != "tsv" || !strings.Contains(err.Error(), "textgrid") {
		t.Errorf("err %v", err)
	}
}
