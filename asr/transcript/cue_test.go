package transcript

import (
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
)

// words makes evenly spoken words: each lasts dur seconds, gap apart, with
// extra pauses before the words at the given indices.
func words(text string, dur, gap float64, pauses map[int]float64) []asr.Word {
	var out []asr.Word
	t := 0.0
	for i, w := range strings.Fields(text) {
		t += pauses[i]
		out = append(out, asr.Word{Word: w, Start: t, End: t + dur, Confidence: 0.9})
		t += dur + gap
	}
	return out
}

func TestCues(t *testing.T) {
	o := DefaultCueOptions
	// A pause of 0.8 s after the third word ends the first cue.
	ws := words("the cat sat on the mat", 0.3, 0.1, map[int]float64{3: 0.8})
	cues := Cues(ws, o)
	if len(cues) != 2 || cues[0].Lines[0] != "the cat sat" || cues[1].Lines[0] != "on the mat" {
		t.Fatalf("pause: %+v", cues)
	}
	if cues[0].Start != 0 || cues[0].End != ws[2].End || cues[1].Start != ws[3].Start {
		t.Errorf("cue times %+v", cues)
	}
	if len(cues[0].Words) != 3 || cues[0].Words[2] != ws[2] || len(cues[1].Words) != 3 || cues[1].Words[0] != ws[3] {
		t.Errorf("cue words %+v", cues)
	}
	// Without pauses, text that does not fit two lines of 42 characters is
	// cut, each cue's lines balanced, none over the width, no word lost.
	long := strings.Repeat("alpha beta gamma delta epsilon zeta eta theta ", 6)
	cues = Cues(words(long, 0.1, 0.02, nil), o)
	var all []string
	for _, c := range cues {
		if len(c.Lines) > o.MaxLines {
			t.Errorf("cue with %d lines: %q", len(c.Lines), c.Lines)
		}
		for _, l := range c.Lines {
			if len(l) > o.MaxLineChars {
				t.Errorf("line of %d characters: %q", len(l), l)
			}
			all = append(all, strings.Fields(l)...)
		}
		if len(c.Lines) == 2 {
			if d := len(c.Lines[0]) - len(c.Lines[1]); d > 12 || d < -12 {
				t.Errorf("unbalanced lines %q", c.Lines)
			}
		}
		if c.End-c.Start > o.MaxDuration {
			t.Errorf("cue of %.2f s", c.End-c.Start)
		}
	}
	if strings.Join(all, " ") != strings.Join(strings.Fields(long), " ") {
		t.Errorf("words lost or reordered")
	}
	if len(cues) < 4 {
		t.Errorf("%d cues for %d characters", len(cues), len(long))
	}
	// 12 words of 7 letters: two cues, the first of two balanced lines.
	cues = Cues(words(strings.Repeat("abcdefg ", 12), 0.25, 0.05, nil), o)
	if len(cues) != 2 || strings.Join(cues[0].Lines, "|") != "abcdefg abcdefg abcdefg abcdefg abcdefg|abcdefg abcdefg abcdefg abcdefg abcdefg" {
		t.Errorf("balance: %+v", cues)
	}
	// Slow speech is cut by duration: 1.5 s per word, at most 7 s a cue.
	cues = Cues(words("one two three four five six seven eight", 1.4, 0.1, nil), o)
	if len(cues) != 2 || cues[0].Text() != "one two three four" {
		t.Errorf("duration: %+v", cues)
	}
	// A pause just under MinPause keeps the cue; at MinPause it ends it.
	// (0.25 and 0.75 are exact in binary, so the pause is exactly 0.5 s.)
	two := func(start float64) int {
		return len(Cues([]asr.Word{{Word: "a", End: 0.25}, {Word: "b", Start: start, End: start + 0.25}}, o))
	}
	if two(0.74) != 1 || two(0.75) != 2 {
		t.Errorf("pause threshold: %d cues at 0.49 s, %d at 0.5 s", two(0.74), two(0.75))
	}
	// A word longer than a line stands alone; empty words are skipped;
	// empty input gives no cue.
	cues = Cues([]asr.Word{{Word: "a"}, {Word: strings.Repeat("x", 60), Start: 0.1, End: 0.2}, {Word: ""}, {Word: "b", Start: 0.2, End: 0.3}}, o)
	if len(cues) != 3 || len(cues[2].Words) != 1 || cues[2].Words[0].Word != "b" {
		t.Errorf("long word: %+v", cues)
	}
	if c := Cues(nil, o); len(c) != 0 {
		t.Errorf("no words: %+v", c)
	}
	// A zero-length word still gets a cue that ends after it starts.
	if c := Cues([]asr.Word{{Word: "a", Start: 1, End: 1}}, o); c[0].End != 1.001 {
		t.Errorf("zero length: %+v", c)
	}
	// Width counts code points, not bytes: 21 two-byte letters and a
	// space and 20 more fit one 42-character line.
	wide := []string{strings.Repeat("é", 21), strings.Repeat("é", 20)}
	if !Fits(wide, CueOptions{MaxLineChars: 42, MaxLines: 1}) {
		t.Errorf("42 code points do not fit 42 characters")
	}
	if Fits(append(wide, "x"), CueOptions{MaxLineChars: 42, MaxLines: 1}) {
		t.Errorf("44 code points fit one line of 42")
	}
}

func TestTimestamp(t *testing.T) {
	for _, c := range []struct {
		s    float64
		sep  byte
		want string
	}{
		{0, ',', "00:00:00,000"},
		{1.2345, ',', "00:00:01,235"},
		{3661.0004, '.', "01:01:01.000"},
		{3661.2345, ',', "01:01:01,235"},
		{59.9996, '.', "00:01:00.000"},
		{-1, '.', "00:00:00.000"},
		{100 * 3600, ',', "100:00:00,000"},
	} {
		if got := Timestamp(c.s, c.sep); got != c.want {
			t.Errorf("Timestamp(%v) = %s, want %s", c.s, got, c.want)
		}
	}
}
