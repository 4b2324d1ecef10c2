package asr

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randomBursts returns n burst lengths in seconds, each lo plus up to span.
func randomBursts(rng *rand.Rand, n int, lo, span float64) []float64 {
	b := make([]float64, n)
	for i := range b {
		b[i] = lo + rng.Float64()*span
	}
	return b
}

// speechLike returns rate*secs samples: bursts of a 300 Hz tone ("speech")
// between quiet gaps, with a little white noise throughout. The tone's
// loudness swings by 20 dB four times a second, as syllables do: a steady
// tone is what the VAD takes for steady noise.
func speechLike(rng *rand.Rand, rate int, bursts []float64, gap float64) (x []float32, gaps [][2]int) {
	for _, b := range bursts {
		for i := 0; i < int(b*float64(rate)); i++ {
			t := float64(i) / float64(rate)
			env := 0.165 + 0.135*math.Cos(2*math.Pi*4*t)
			x = append(x, float32(env*math.Sin(2*math.Pi*300*t)))
		}
		g0 := len(x)
		x = append(x, make([]float32, int(gap*float64(rate)))...)
		gaps = append(gaps, [2]int{g0, len(x)})
	}
	for i := range x {
		x[i] += float32(0.001 * rng.NormFloat64())
	}
	return x, gaps
}

func TestSplitAtPausesCutsInPauses(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const rate = 8000
	bursts := randomBursts(rng, 40, 2, 6)
	x, gaps := speechLike(rng, rate, bursts, 0.5)
	o := DefaultVADOptions()
	spans := SplitAtPauses(x, rate, o)
	if len(spans) < 2 {
		t.Fatalf("%d spans for %.0f s", len(spans), float64(len(x))/rate)
	}
	if spans[0].Start != 0 || spans[len(spans)-1].End != len(x) {
		t.Errorf("spans do not cover the audio: %v ... %v", spans[0], spans[len(spans)-1])
	}
	for i, s := range spans {
		if i > 0 && s.Start != spans[i-1].End {
			t.Errorf("span %d starts at %d, previous ended at %d", i, s.Start, spans[i-1].End)
		}
		if d := float64(s.End-s.Start) / rate; d > o.MaxChunk+1e-9 {
			t.Errorf("span %d is %.2f s long", i, d)
		}
		// Only a last span inside the final gap (the end of the recording)
		// may be without speech.
		if last := gaps[len(gaps)-1]; !s.Speech && !(i == len(spans)-1 && s.Start >= last[0]) {
			t.Errorf("span %d has speech but Speech is false", i)
		}
		if i == len(spans)-1 {
			continue
		}
		inGap := false
		for _, g := range gaps {
			inGap = inGap || (s.End > g[0] && s.End < g[1])
		}
		if !inGap {
			t.Errorf("span %d ends at %.2f s, not in a pause", i, float64(s.End)/rate)
		}
	}
}

func TestSplitAtPausesNoPausesAndSilence(t *testing.T) {
	const rate = 1000
	// 95 s of continuous tone: cut anyway, every piece <= 30 s.
	x := make([]float32, 95*rate)
	for i := range x {
		x[i] = float32(0.5 * math.Sin(float64(i)))
	}
	spans := SplitAtPauses(x, rate, DefaultVADOptions())
	total := 0
	for _, s := range spans {
		if s.End-s.Start > 30*rate {
			t.Errorf("span %v longer than 30 s", s)
		}
		total += s.End - s.Start
	}
	if total != len(x) || len(spans) < 4 {
		t.Errorf("%d spans covering %d of %d samples", len(spans), total, len(x))
	}
	// Digital silence is not speech.
	spans = SplitAtPauses(make([]float32, 3*rate), rate, DefaultVADOptions())
	if len(spans) != 1 || spans[0].Speech {
		t.Errorf("silence: %v", spans)
	}
	if SplitAtPauses(nil, rate, DefaultVADOptions()) != nil {
		t.Error("empty input gave spans")
	}
}

func TestStackFrames(t *testing.T) {
	x := [][]float32{{1, 2}, {3, 4}, {5, 6}, {7, 8}}
	got := StackFrames(x, 3)
	want := [][]float32{{1, 2, 3, 4, 5, 6}, {7, 8, 7, 8, 7, 8}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("got %v, want %v", got, want)
			}
		}
	}
	if g := StackFrames(x, 1); len(g) != 4 || g[3][1] != 8 {
		t.Errorf("k=1: %v", g)
	}
}

func TestConfigValidate(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.InputSize != 117 || c.OutputSize != 29 {
		t.Errorf("input %d output %d", c.InputSize, c.OutputSize)
	}
	if n := c.NumParams(); n > 4_000_000 {
		t.Errorf("default model has %d parameters, budget 4M", n)
	}
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Version = 9 }, "version 9"},
		{func(c *Config) { c.Format = "x" }, "format"},
		{func(c *Config) { c.FrontEnd.Stack = 0 }, "stack"},
		{func(c *Config) { c.InputSize = 5 }, "input_size"},
		{func(c *Config) { c.Tokenizer.Blank = 40 }, "blank"},
		{func(c *Config) { c.FrontEnd.Type = "wavelet" }, "front_end.type"},
		{func(c *Config) { c.FrontEnd.Dither = -1 }, "dither"},
		{func(c *Config) { c.FrontEnd.Dither = math.NaN() }, "dither"},
	} {
		c := DefaultConfig()
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error about %q", err, tc.want)
		}
	}
}

// TestFrontEndDither: the model's dither reaches the feature extractor
// (frames of digital silence get the log energy of one-step noise instead of
// the log floor), and equal audio still gives equal features, also through
// the VTLP path.
func TestFrontEndDither(t *testing.T) {
	x, _ := speechLike(rand.New(rand.NewPCG(3, 3)), 16000, []float64{0.4, 0.3}, 0.15)
	x = append(append(make([]float32, 4800), x...), make([]float32, 4800)...)
	f := DefaultConfig().FrontEnd
	f.CMVN = "none"
	plain, err := NewFrontEnd(f)
	if err != nil {
		t.Fatal(err)
	}
	f.Dither = 1
	dith, err := NewFrontEnd(f)
	if err != nil {
		t.Fatal(err)
	}
	a, b := plain.Compute(x), dith.Compute(x)
	// Column 0 is the log energy (use_energy). Without dither a frame of
	// zeros sits at log(FLT_EPSILON) = -15.9; with noise of one 16-bit step
	// over 400 samples it is near log(400) = 6.
	if a[5][0] > -15 || b[5][0] < 4 || b[5][0] > 8 {
		t.Errorf("log energy of a silent frame: %.2f without dither, %.2f with dither 1 (want about -15.9 and 6)", a[5][0], b[5][0])
	}
	if c := dith.Compute(x); !slices.EqualFunc(b, c, slices.Equal[[]float32]) {
		t.Error("dither: the same audio gave different features")
	}
	if !slices.EqualFunc(dith.ComputeWarped(x, 1.1), dith.ComputeWarped(x, 1.1), slices.Equal[[]float32]) {
		t.Error("dither with VTLP: the same audio gave different features")
	}
}
