package asr

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/ctc"
)

func decodeFile(t *testing.T, path string) *audio.PCM {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := audio.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func defaultRecognizer(t *testing.T) *Recognizer {
	t.Helper()
	m, err := Default()
	if err != nil {
		t.Skip(err)
	}
	return NewRecognizer(m, DefaultOptions())
}

// TestAlignKnownBoundary joins two recordings with 0.7 s of silence between
// them and aligns their transcripts: the first word of the second clip must
// start where its speech starts, as found by an energy threshold on the clip
// itself (audio.QuietEnds, independent of the model), and the words of the
// first clip must end before the gap does.
func TestAlignKnownBoundary(t *testing.T) {
	r := defaultRecognizer(t)
	a := decodeFile(t, "../testdata/asr/weather.wav")
	b := decodeFile(t, "../testdata/asr/digits.wav")
	if a.Rate != b.Rate {
		b = audio.ResamplePCM(b, a.Rate)
	}
	gap := int(0.7 * float64(a.Rate))
	x := append(append(append([]float32(nil), a.Samples...), make([]float32, gap)...), b.Samples...)
	lead, _ := audio.QuietEnds(b.Samples, b.Rate, 40)
	bStart := float64(len(a.Samples)+gap+lead) / float64(a.Rate)
	_, aTrail := audio.QuietEnds(a.Samples, a.Rate, 40)
	aEnd := float64(len(a.Samples)-aTrail) / float64(a.Rate)

	res, err := r.Align(&audio.PCM{Samples: x, Rate: a.Rate}, "The weather is nice today. Seven, three, 9, one!", AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"the", "weather", "is", "nice", "today", "seven", "three", "nine", "one"}
	if len(res.Words) != len(want) {
		t.Fatalf("%d words, want %d", len(res.Words), len(want))
	}
	prev := 0.0
	for i, w := range res.Words {
		if w.Spoken != want[i] || !w.Found || w.Low {
			t.Errorf("word %d: %+v, want spoken %q, found, not low", i, w, want[i])
		}
		if w.Start < prev || w.End <= w.Start || w.End > res.Duration {
			t.Errorf("word %d %q: [%.3f, %.3f] after %.3f in %.3f s", i, w.Word, w.Start, w.End, prev, res.Duration)
		}
		prev = w.End
	}
	if res.Words[3].Word != "nice" || res.Words[4].Word != "today." || res.Words[7].Word != "9," {
		t.Errorf("written forms not kept: %q %q %q", res.Words[3].Word, res.Words[4].Word, res.Words[7].Word)
	}
	// The refined edges (posteriors, then the energy edge) within 30 ms;
	// the Viterbi path's raw label frames (Raw) put the end 53 ms early and
	// the start 32 ms late.
	if d := res.Words[5].Start - bStart; math.Abs(d) > 0.03 {
		t.Errorf("%q starts at %.3f s, its speech at %.3f s (off by %.0f ms)", res.Words[5].Word, res.Words[5].Start, bStart, 1000*d)
	}
	if d := res.Words[4].End - aEnd; math.Abs(d) > 0.03 {
		t.Errorf("%q ends at %.3f s, its speech at %.3f s (off by %.0f ms)", res.Words[4].Word, res.Words[4].End, aEnd, 1000*d)
	}
	t.Logf("second clip: speech at %.3f s, aligned %.3f s; first clip ends %.3f s, aligned %.3f s", bStart, res.Words[5].Start, aEnd, res.Words[4].End)
	raw, err := r.Align(&audio.PCM{Samples: x, Rate: a.Rate}, "The weather is nice today. Seven, three, 9, one!", AlignOptions{Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("raw label frames: second clip %.3f s, first clip ends %.3f s", raw.Words[5].Start, raw.Words[4].End)
}

// TestAlignBadInput: empty text, text of symbols only, silence, a text
// longer than the audio can say, a text the audio does not say and words
// the model cannot spell each give a typed error or a flagged alignment.
func TestAlignBadInput(t *testing.T) {
	r := defaultRecognizer(t)
	hello := decodeFile(t, "../testdata/hello.wav")
	for _, text := range []string{"", "  \n\t", "— § ¶ ...", "你好 世界"} {
		if _, err := r.Align(hello, text, AlignOptions{}); !errors.Is(err, ErrEmptyText) {
			t.Errorf("text %q: %v, want ErrEmptyText", text, err)
		}
	}
	for _, p := range []*audio.PCM{
		{Samples: make([]float32, 32000), Rate: 16000},
		{Samples: nil, Rate: 16000},
		{Samples: make([]float32, 100), Rate: 16000},
	} {
		if _, err := r.Align(p, "hello world", AlignOptions{}); !errors.Is(err, ErrNoSpeech) {
			t.Errorf("%d samples of silence: %v, want ErrNoSpeech", len(p.Samples), err)
		}
	}
	long := ""
	for range 200 {
		long += "extraordinary "
	}
	_, err := r.Align(hello, long, AlignOptions{})
	var ae *AlignError
	if !errors.Is(err, ErrTextTooLong) || !errors.As(err, &ae) || ae.Needed <= ae.Have {
		t.Errorf("long text: %v", err)
	}

	res, err := r.Align(hello, "zebra xylophone quantum mechanics", AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.LowWords()) != 4 {
		t.Errorf("unspoken text: %d of 4 words flagged low: %+v", len(res.LowWords()), res.Words)
	}
	good, err := r.Align(hello, "The quick brown fox jumps over the lazy dog.", AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(good.LowWords()) != 0 || good.Score <= res.Score {
		t.Errorf("spoken text: low words %v, score %.3f (unspoken %.3f)", good.LowWords(), good.Score, res.Score)
	}

	res, err = r.Align(hello, "The quick 你好 brown fox jumps over the lazy dog ©", AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if nf := res.NotFound(); len(res.Words) != 11 || len(nf) != 2 || nf[0] != 2 || nf[1] != 10 {
		t.Fatalf("not found %v in %+v", nf, res.Words)
	}
	if w := res.Words[2]; w.Start != res.Words[1].End || w.End != w.Start {
		t.Errorf("unspelled word placed at [%.3f, %.3f], previous word ends %.3f", w.Start, w.End, res.Words[1].End)
	}
	if len(res.LowWords()) != 0 {
		t.Errorf("low words %v", res.LowWords())
	}
}

// TestAlignLongAudio aligns 100 s of tone bursts, cut into several chunks,
// with a random model and a narrow beam: no error, every word inside the
// audio, times in order. (The model knows no speech; this checks the chunk
// clocks and the windowed search, not accuracy.)
func TestAlignLongAudio(t *testing.T) {
	m := randomModel(t, smallConfig(), 26)
	rng := rand.New(rand.NewPCG(26, 26))
	bursts := randomBursts(rng, 25, 2, 3)
	x, _ := speechLike(rng, 16000, bursts, 0.6)
	r := NewRecognizer(m, Options{})
	text := ""
	for i := range 150 {
		text += []string{"alpha ", "bravo ", "charlie ", "delta "}[i%4]
	}
	p := &audio.PCM{Samples: x, Rate: 16000}
	res, err := r.Align(p, text, AlignOptions{Beam: 30})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Words) != 150 {
		t.Fatalf("%d words", len(res.Words))
	}
	if n := len(SplitAtPauses(x, 16000, r.o.VAD)); n < 3 {
		t.Fatalf("only %d chunks: the test does not cross chunks", n)
	}
	prev := 0.0
	for i, w := range res.Words {
		if w.Start < prev-1e-9 || w.End <= w.Start || w.End > res.Duration+1e-9 {
			t.Fatalf("word %d: [%.3f, %.3f] after %.3f in %.3f s", i, w.Start, w.End, prev, res.Duration)
		}
		prev = w.End
	}
}

// TestAlignEdgeCore: a word whose last label the network never heard has
// it placed by the Viterbi path at the next word's onset; core keeps the
// cluster of labels that carry the word's probability.
func TestAlignEdgeCore(t *testing.T) {
	v := &charVocab{blank: 0, space: 1}
	// Labels 2,3 heard at frames 5 and 7 (p=0.9); label 4 forced at frame
	// 30 (p=0.01), 23 frames later.
	lp := make([][]float32, 40)
	for f := range lp {
		lp[f] = []float32{float32(math.Log(0.97)), float32(math.Log(0.01)), float32(math.Log(0.01)), float32(math.Log(0.01)), float32(math.Log(0.01))}
	}
	lp[5][2], lp[7][3] = float32(math.Log(0.9)), float32(math.Log(0.9))
	al := &ctc.Alignment{Tokens: []ctc.AlignedToken{{Label: 2, Start: 5, End: 6}, {Label: 3, Start: 7, End: 8}, {Label: 4, Start: 30, End: 31}}}
	if f0, f1 := v.core(lp, al, 0, 2); f0 != 5 || f1 != 8 {
		t.Errorf("core [%d, %d), want [5, 8)", f0, f1)
	}
	// Within gapFrames the labels are one word.
	al.Tokens[2] = ctc.AlignedToken{Label: 4, Start: 8 + gapFrames, End: 9 + gapFrames}
	if f0, f1 := v.core(lp, al, 0, 2); f0 != 5 || f1 != 9+gapFrames {
		t.Errorf("core [%d, %d), want [5, %d)", f0, f1, 9+gapFrames)
	}
}

// TestAlignEnergySnap: an edge moves to the nearest energy edge within
// reach, never past the neighbours' limits, and stays put in continuous
// sound.
func TestAlignEnergySnap(t *testing.T) {
	const rate = 16000
	x := make([]float32, 3*rate)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = float32(1e-4 * rng.NormFloat64()) // -80 dBFS floor
	}
	for i := rate / 2; i < 5*rate/2; i++ { // a tone from 0.5 to 2.5 s
		x[i] += float32(0.3 * math.Sin(float64(i)*0.2))
	}
	e := newEnergies(x, rate)
	near := func(got, want float64) bool { return math.Abs(got-want) <= 0.011 }
	if s, en := e.snap(0.6, 2.3, 0, 3); !near(s, 0.5) || !near(en, 2.5) {
		t.Errorf("inside: [%.3f, %.3f], want [0.5, 2.5]", s, en)
	}
	if s, en := e.snap(0.47, 2.54, 0, 3); !near(s, 0.5) || !near(en, 2.5) {
		t.Errorf("outside: [%.3f, %.3f], want [0.5, 2.5]", s, en)
	}
	// An end moves back, and a start forward, by snapBack at most.
	if s, en := e.snap(0.3, 2.7, 0, 3); s > 0.3+snapBack+0.011 || en < 2.7-snapBack-0.011 {
		t.Errorf("far outside: [%.3f, %.3f] moved more than %.2f s inwards", s, en, snapBack)
	}
	if s, en := e.snap(0.6, 2.3, 0.55, 2.4); s < 0.55 || en > 2.4 {
		t.Errorf("[%.3f, %.3f] past the limits [0.55, 2.4]", s, en)
	}
	if s, en := e.snap(1.4, 1.6, 0, 3); s != 1.4 || en != 1.6 {
		t.Errorf("mid-tone, edges out of reach: [%.3f, %.3f], want unchanged", s, en)
	}
	// Each edge has the floor of its own side: noise at -45 dBFS between
	// two tones (1.0-1.5 s), digital silence after the second: the second
	// tone's start is where it rises out of the noise.
	y := make([]float32, 4*rate)
	for i := range y {
		switch ts := float64(i) / rate; {
		case ts >= 0.2 && ts < 1.0, ts >= 1.5 && ts < 2.5:
			y[i] = float32(0.3 * math.Sin(float64(i)*0.2))
		case ts >= 1.0 && ts < 1.5:
			y[i] = float32(0.0056 * rng.NormFloat64())
		default:
			y[i] = float32(3e-5 * rng.NormFloat64())
		}
	}
	e = newEnergies(y, rate)
	if s, en := e.snap(1.6, 2.4, 1.0, 4); !near(s, 1.5) || !near(en, 2.5) {
		t.Errorf("noise before, silence after: [%.3f, %.3f], want [1.5, 2.5]", s, en)
	}
}

// TestAlignSnapPauses: an edge goes to the nearest pause within reach (the
// longest quiet stretch when there is none), so a stop's closure does not
// end a word, and neither a click in a pause nor a breath beyond one starts
// one; the threshold comes from the background next to the word, so a word
// in noise that steps down to digital silence ends where the word does, not
// at the step, and a recording's steady hiss is not part of the word.
func TestAlignSnapPauses(t *testing.T) {
	const rate = 16000
	rng := rand.New(rand.NewPCG(3, 4))
	// signal returns audio of the given seconds whose level at second ts
	// is level(ts): "tone", "noise" (-47 dBFS), "low" (-65 dBFS noise),
	// "burst" (-20 dBFS noise) or anything else for digital silence
	// (-90 dBFS).
	signal := func(seconds float64, level func(ts float64) string) []float32 {
		x := make([]float32, int(seconds*rate))
		for i := range x {
			switch level(float64(i) / rate) {
			case "tone":
				x[i] = float32(0.3 * math.Sin(float64(i)*0.2))
			case "noise":
				x[i] = float32(0.0045 * rng.NormFloat64())
			case "low":
				x[i] = float32(0.00056 * rng.NormFloat64())
			case "burst":
				x[i] = float32(0.1 * rng.NormFloat64())
			default:
				x[i] = float32(3e-5 * rng.NormFloat64())
			}
		}
		return x
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 0.011 }
	in := func(ts, a, b float64) bool { return ts >= a && ts < b }

	// "up": a vowel 0.5-0.8 s, a 70 ms closure, a 50 ms release, a pause
	// to 2.0 s and the next word.
	e := newEnergies(signal(3, func(ts float64) string {
		switch {
		case in(ts, 0.5, 0.8), in(ts, 2.0, 2.5):
			return "tone"
		case in(ts, 0.87, 0.92):
			return "burst"
		}
		return ""
	}), rate)
	if _, end := e.snap(0.55, 0.75, 0, 2.0); !near(end, 0.92) {
		t.Errorf("closure: end %.3f, want 0.92 (after the release)", end)
	}
	// In running speech a closure can outlast the pause between words:
	// "quick brown" with the /k/ closed 0.36-0.40 s, released 0.40-0.46 s,
	// 20 ms of pause and "brown" from 0.48 s. The pause that counts is the
	// one after the posteriors' last frame of the word (the release, at
	// 0.45 s), not the longest before it.
	e = newEnergies(signal(1, func(ts float64) string {
		switch {
		case in(ts, 0.1, 0.36), in(ts, 0.48, 0.9):
			return "tone"
		case in(ts, 0.40, 0.46):
			return "burst"
		}
		return ""
	}), rate)
	if _, end := e.snap(0.15, 0.45, 0, 0.5); !near(end, 0.46) {
		t.Errorf("closure longer than the pause: end %.3f, want 0.46", end)
	}
	if start, _ := e.snap(0.5, 0.85, 0.46, 1); !near(start, 0.48) {
		t.Errorf("after the closure: start %.3f, want 0.48", start)
	}
	// A 20 ms click at 1.52 s in the pause between words at 0.5-1.0 and
	// 1.6-2.0 s: the second word, placed from 1.56 s, starts at 1.6.
	e = newEnergies(signal(3, func(ts float64) string {
		switch {
		case in(ts, 0.5, 1.0), in(ts, 1.6, 2.0):
			return "tone"
		case in(ts, 1.52, 1.54):
			return "burst"
		}
		return ""
	}), rate)
	if start, _ := e.snap(1.56, 1.9, 1.0, 3); !near(start, 1.6) {
		t.Errorf("click: start %.3f, want 1.6", start)
	}
	// A word at 0.5-1.0 s in noise from 0.2 to 1.3 s, digital silence
	// around it: its edges are where the word leaves the noise.
	e = newEnergies(signal(2.5, func(ts float64) string {
		switch {
		case in(ts, 0.5, 1.0):
			return "tone"
		case in(ts, 0.2, 1.3):
			return "noise"
		}
		return ""
	}), rate)
	if start, end := e.snap(0.55, 0.95, 0, 2.5); !near(start, 0.5) || !near(end, 1.0) {
		t.Errorf("noise then silence: [%.3f, %.3f], want [0.5, 1.0]", start, end)
	}
	// A breath at 0.50-0.58 s, a 0.22 s pause and the word at 0.8-1.3 s,
	// placed from 0.76 s: the word starts after the pause next to it, not
	// after the longer silence before the breath.
	e = newEnergies(signal(2, func(ts float64) string {
		switch {
		case in(ts, 0.8, 1.3):
			return "tone"
		case in(ts, 0.5, 0.58):
			return "burst"
		}
		return ""
	}), rate)
	if start, _ := e.snap(0.76, 1.25, 0, 2); !near(start, 0.8) {
		t.Errorf("breath beyond a pause: start %.3f, want 0.8", start)
	}
	// The recording's own hiss (-47 dBFS) from 0.4 s up to the word at
	// 0.8-1.3 s, quieter noise (-65 dBFS) before it: the hiss is the
	// word's background, not part of the word.
	e = newEnergies(signal(2, func(ts float64) string {
		switch {
		case in(ts, 0.8, 1.3):
			return "tone"
		case in(ts, 0.4, 0.8):
			return "noise"
		}
		return "low"
	}), rate)
	if start, _ := e.snap(0.76, 1.25, 0, 2); !near(start, 0.8) {
		t.Errorf("steady hiss before the word: start %.3f, want 0.8", start)
	}
}

// newEnergies measures all of x at once.
func newEnergies(x []float32, rate int) *energies {
	e := newEnergyMeter(rate)
	e.add(x, true)
	return &e.energies
}
