package asr

import (
	"math/rand/v2"
	"testing"
)

// spanSeconds is spans as [start, end) seconds.
func spanSeconds(spans []Span, rate int) [][2]float64 {
	out := make([][2]float64, len(spans))
	for i, s := range spans {
		out[i] = [2]float64{float64(s.Start) / float64(rate), float64(s.End) / float64(rate)}
	}
	return out
}

// TestSplitAtPausesOneUtterancePerSpan: utterances of 2.5-4 s, each with a
// 0.3 s pause of its own after its first 2.2 s, separated by 0.8 s pauses.
// Every span must hold exactly one utterance: its own pause is the first
// pause after MinChunk, but the longer pause between utterances starts
// within Lookahead of it, so the cut goes there.
func TestSplitAtPausesOneUtterancePerSpan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const rate = 16000
	var x []float32
	var gaps [][2]int // the pauses between utterances, in samples
	for range 20 {
		a, _ := speechLike(rng, rate, []float64{2.2}, 0.3)
		b, _ := speechLike(rng, rate, []float64{0.3 + rng.Float64()*1.5}, 0)
		x = append(x, a...)
		x = append(x, b...)
		g0 := len(x)
		x = append(x, make([]float32, int(0.8*rate))...)
		gaps = append(gaps, [2]int{g0, len(x)})
	}
	for i := range x {
		x[i] += float32(0.001 * rng.NormFloat64())
	}
	spans := SplitAtPauses(x, rate, DefaultVADOptions())
	if last := spans[len(spans)-1]; !last.Speech && last.Start >= gaps[len(gaps)-1][0] {
		spans = spans[:len(spans)-1] // the second half of the final pause
	}
	if len(spans) != len(gaps) {
		t.Fatalf("%d spans for %d utterances: %v", len(spans), len(gaps), spanSeconds(spans, rate))
	}
	for i, s := range spans[:len(spans)-1] {
		if g := gaps[i]; s.End <= g[0] || s.End >= g[1] {
			t.Errorf("span %d ends at %.2f s, not in the pause after utterance %d (%.2f-%.2f s)",
				i, float64(s.End)/rate, i, float64(g[0])/rate, float64(g[1])/rate)
		}
	}
}

// TestSplitAtPausesShortRecordingWhole: a recording of at most MaxChunk
// seconds is one span, pauses or not; a longer one is cut at them.
func TestSplitAtPausesShortRecordingWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	const rate = 16000
	o := DefaultVADOptions()
	x, _ := speechLike(rng, rate, []float64{3, 3, 3, 3}, 0.6) // 14.4 s
	if spans := SplitAtPauses(x, rate, o); len(spans) != 1 || !spans[0].Speech || spans[0].End != len(x) {
		t.Errorf("%.1f s recording: spans %v, want one", float64(len(x))/rate, spanSeconds(spans, rate))
	}
	y, _ := speechLike(rng, rate, []float64{3, 3, 3, 3, 3}, 0.6) // 18 s
	if spans := SplitAtPauses(y, rate, o); len(spans) < 4 {
		t.Errorf("%.1f s recording: spans %v, want one per burst", float64(len(y))/rate, spanSeconds(spans, rate))
	}
}

// TestSplitAtPausesLocalFloor: the cuts in the first minute of a recording
// do not depend on what comes long after it (the noise floor is measured
// within FloorWindow seconds), here ten minutes of loud hum. A floor taken
// over the whole file would move with the hum.
func TestSplitAtPausesLocalFloor(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const rate = 8000
	bursts := randomBursts(rng, 15, 2, 3)
	x, _ := speechLike(rng, rate, bursts, 0.5)
	o := DefaultVADOptions()
	alone := SplitAtPauses(x, rate, o)
	long := append([]float32(nil), x...)
	for i := range 600 * rate {
		long = append(long, float32(0.05*float64(i%40-20)/20+0.01*rng.NormFloat64()))
	}
	with := SplitAtPauses(long, rate, o)
	// Spans that end before the last MaxChunk + FloorWindow + 1 s of x
	// cannot see the hum.
	limit := len(x) - int((o.MaxChunk+o.FloorWindow+1)*rate)
	n := 0
	for i, s := range alone {
		if s.End > limit {
			break
		}
		n++
		if i >= len(with) || with[i] != s {
			t.Fatalf("span %d: %v alone, %v with ten minutes after it", i, s, with[min(i, len(with)-1)])
		}
	}
	if n < 5 {
		t.Fatalf("only %d spans compared", n)
	}
}
