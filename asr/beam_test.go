package asr

import (
	"math"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/text/lm"
)

// TestBeamHotwordAndTimes runs the recognizer's beam search (ctc's decoder
// with the recognizer's options) on hand-made log-probabilities: one
// ambiguous letter, b slightly more likely than a, then a space and a
// sure "a". A hotword "A" (matched lower-cased) flips the first word; word
// times are the frames of the word's labels.
func TestBeamHotwordAndTimes(t *testing.T) {
	m := randomModel(t, smallConfig(), 5)
	v := newCharVocab(m.Config.Tokenizer)
	a, b, sp, blank := v.encode("a")[0], v.encode("b")[0], v.space, v.blank
	V := m.Config.OutputSize
	row := func(p map[int]float64) []float32 { return probRow(V, p) }
	lp := [][]float32{
		row(map[int]float64{blank: 0.9}),
		row(map[int]float64{blank: 0.1, a: 0.40, b: 0.48}),
		row(map[int]float64{blank: 0.9}),
		row(map[int]float64{sp: 0.95}),
		row(map[int]float64{a: 0.95}),
		row(map[int]float64{a: 0.95}),
	}
	fs := m.Config.FrontEnd.FrameSeconds()
	for _, tc := range []struct {
		hot  []Hotword
		want string
	}{{nil, "b"}, {[]Hotword{{Word: "A", Boost: 1}}, "a"}} {
		r := NewRecognizer(m, Options{Beam: 8, NBest: 3, Hotwords: tc.hot})
		words, hyps := r.decode(lp)
		if len(words) != 2 || words[0].Word != tc.want || words[1].Word != "a" {
			t.Fatalf("hotwords %v: words %+v, want %q then \"a\"", tc.hot, words, tc.want)
		}
		if words[0].Start != 1*fs || words[0].End != 2*fs || words[1].Start != 4*fs || words[1].End != 6*fs {
			t.Errorf("hotwords %v: word times %+v, want [1,2) and [4,6) frames of %v s", tc.hot, words, fs)
		}
		if len(hyps) != 3 || hyps[0].Text != tc.want+" a" || hyps[0].Score < hyps[1].Score {
			t.Errorf("hotwords %v: n-best %+v, want 3 best first starting with %q", tc.hot, hyps, tc.want+" a")
		}
	}
}

// TestBeamLexicon: the acoustic evidence spells "ab" (not a word of the LM)
// with "aa" a close second; with Lexicon the recognizer may only spell the
// LM's words, so it says "aa", and without it "ab".
func TestBeamLexicon(t *testing.T) {
	m := randomModel(t, smallConfig(), 5)
	lmod, err := lm.Build(strings.NewReader("aa b\nb aa\naa\n"), lm.BuildOptions{Order: 2})
	if err != nil {
		t.Fatal(err)
	}
	if m.LM, err = NewLanguageModel(lmod); err != nil {
		t.Fatal(err)
	}
	v := newCharVocab(m.Config.Tokenizer)
	a, b, blank := v.encode("a")[0], v.encode("b")[0], v.blank
	V := m.Config.OutputSize
	row := func(p map[int]float64) []float32 { return probRow(V, p) }
	lp := [][]float32{
		row(map[int]float64{a: 0.95}),
		row(map[int]float64{blank: 0.95}),
		row(map[int]float64{b: 0.5, a: 0.45}),
	}
	for _, tc := range []struct {
		lexicon bool
		want    string
	}{{false, "ab"}, {true, "aa"}} {
		// Alpha 0 leaves the choice to the acoustics and the lexicon alone.
		r := NewRecognizer(m, Options{Beam: 8, NBest: 1, UseLM: true, Lexicon: tc.lexicon})
		words, _ := r.decode(lp)
		if len(words) != 1 || words[0].Word != tc.want {
			t.Errorf("lexicon %v: words %+v, want %q", tc.lexicon, words, tc.want)
		}
	}
}

// probRow is one frame of log-probabilities over V labels: the labels in p
// get their probability, the others share the rest evenly.
func probRow(V int, p map[int]float64) []float32 {
	r := make([]float32, V)
	rest := 1.0
	for _, q := range p {
		rest -= q
	}
	for k := range r {
		q, ok := p[k]
		if !ok {
			q = rest / float64(V-len(p))
		}
		r[k] = float32(math.Log(q))
	}
	return r
}

// TestBlankPenalty: a weak "a" between frames where the blank is likely is
// dropped by beam search; a blank penalty of 1.5 nats makes it cheap enough
// to keep. Greedy decoding ignores the penalty, and the caller's
// log-probabilities are not modified.
func TestBlankPenalty(t *testing.T) {
	m := randomModel(t, smallConfig(), 5)
	v := newCharVocab(m.Config.Tokenizer)
	a, b, blank := v.encode("a")[0], v.encode("b")[0], v.blank
	V := m.Config.OutputSize
	row := func(p map[int]float64) []float32 { return probRow(V, p) }
	lp := [][]float32{
		row(map[int]float64{b: 0.9}),
		row(map[int]float64{blank: 0.7, a: 0.25}),
		row(map[int]float64{blank: 0.7, a: 0.25}),
		row(map[int]float64{b: 0.9}),
	}
	before := lp[1][blank]
	for _, tc := range []struct {
		beam int
		pen  float64
		want string
	}{{8, 0, "bb"}, {8, 1.5, "bab"}, {1, 1.5, "bb"}} {
		r := NewRecognizer(m, Options{Beam: tc.beam, BlankPenalty: tc.pen})
		words, _ := r.decode(lp)
		if len(words) != 1 || words[0].Word != tc.want {
			t.Errorf("beam %d, blank penalty %g: words %+v, want %q", tc.beam, tc.pen, words, tc.want)
		}
	}
	if lp[1][blank] != before {
		t.Errorf("the log-probabilities were modified: %v, was %v", lp[1][blank], before)
	}
}
