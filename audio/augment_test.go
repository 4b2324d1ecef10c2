package audio

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func augTone(n, rate int, freq float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(0.5 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return x
}

// power returns the power of x at freq Hz (Goertzel, normalized so that a
// full-band sine of amplitude A gives about A²/4).
func augPower(x []float32, rate int, freq float64) float64 {
	w := 2 * math.Pi * freq / float64(rate)
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range x {
		s := float64(v) + c*s1 - s2
		s2, s1 = s1, s
	}
	p := s1*s1 + s2*s2 - c*s1*s2
	n := float64(len(x))
	return p / (n * n)
}

func TestSpeedPerturbLengthAndPitch(t *testing.T) {
	const rate = 16000
	x := augTone(16000, rate, 1000)
	for _, f := range []float64{0.9, 1.1} {
		y := SpeedPerturb(x, f)
		want := int(float64(len(x)) / f)
		if len(y) != want {
			t.Errorf("factor %v: len %d, want %d", f, len(y), want)
		}
		// The tone moves to 1000*f Hz.
		at := augPower(y[100:len(y)-100], rate, 1000*f)
		old := augPower(y[100:len(y)-100], rate, 1000)
		if at < 100*old || at < 0.04 {
			t.Errorf("factor %v: power at %v Hz %.4g, at 1000 Hz %.4g", f, 1000*f, at, old)
		}
	}
	// Speeding up attenuates content that would alias: 7.95 kHz at 1.1x would be 8.7 kHz.
	hi := augTone(16000, rate, 7950)
	y := SpeedPerturb(hi, 1.1)
	if r := RMS(y[100 : len(y)-100]); r > 0.09 {
		t.Errorf("7.95 kHz tone (RMS 0.35) sped up 1.1x: RMS %.3f, want it attenuated", r)
	}
}

func TestColoredNoiseSlopes(t *testing.T) {
	const rate = 16000
	rng := rand.New(rand.NewPCG(1, 2))
	// Average the band power over several seeds' worth of samples.
	slope := func(c NoiseColor) float64 {
		x := ColoredNoise(rng, 1<<16, c)
		if r := RMS(x); math.Abs(r-1) > 1e-3 {
			t.Fatalf("%v: RMS %v, want 1", c, r)
		}
		band := func(f float64) float64 {
			var s float64
			for k := -20; k <= 20; k++ {
				s += augPower(x, rate, f*(1+float64(k)/100))
			}
			return s
		}
		// dB change per octave between 500 Hz and 4 kHz.
		return 10 * math.Log10(band(4000)/band(500)) / 3
	}
	for _, tc := range []struct {
		c    NoiseColor
		want float64
	}{{NoiseWhite, 0}, {NoisePink, -3}, {NoiseBrown, -6}, {NoiseBlue, 3}} {
		got := slope(tc.c)
		if math.Abs(got-tc.want) > 1.5 {
			t.Errorf("%v noise: %.2f dB/octave, want %.0f", tc.c, got, tc.want)
		}
	}
}

func TestMixAtSNR(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := augTone(32000, 16000, 440)
	clean := append([]float32(nil), x...)
	noise := ColoredNoise(rng, 8000, NoisePink) // shorter: repeated
	for _, snr := range []float64{0, 10, 30} {
		y := append([]float32(nil), clean...)
		MixAtSNR(y, noise, snr)
		d := make([]float32, len(y))
		for i := range y {
			d[i] = y[i] - clean[i]
		}
		got := 20 * math.Log10(RMS(clean)/RMS(d))
		if math.Abs(got-snr) > 0.01 {
			t.Errorf("SNR %v dB: measured %.3f", snr, got)
		}
	}
	MixAtSNR(x, make([]float32, 10), 0) // silent noise: unchanged
	for i := range x {
		if x[i] != clean[i] {
			t.Fatal("silent noise changed the signal")
		}
	}
}

func TestTelephoneBand(t *testing.T) {
	const rate = 16000
	for _, tc := range []struct {
		freq     float64
		pass     bool
		minRatio float64
	}{{100, false, 0}, {1000, true, 0}, {6000, false, 0}} {
		x := augTone(16000, rate, tc.freq)
		y := TelephoneBand(x, rate, false)
		g := 20 * math.Log10(RMS(y[4000:])/RMS(x[4000:]))
		if tc.pass && g < -1 {
			t.Errorf("%v Hz: gain %.1f dB, want about 0", tc.freq, g)
		}
		if !tc.pass && g > -20 {
			t.Errorf("%v Hz: gain %.1f dB, want below -20", tc.freq, g)
		}
	}
	y := TelephoneBand(augTone(8000, rate, 1000), rate, true)
	if r := RMS(y[2000:]); math.Abs(r-0.5/math.Sqrt2) > 0.03 {
		t.Errorf("mu-law 1 kHz RMS %.3f, want about %.3f", r, 0.5/math.Sqrt2)
	}
}

func TestConvolveMatchesDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := ColoredNoise(rng, 1000, NoiseWhite)
	h := ColoredNoise(rng, 100, NoiseWhite)
	got := Convolve(x, h)
	var worst float64
	for i := range x {
		var want float64
		for j := 0; j < len(h) && j <= i; j++ {
			want += float64(h[j]) * float64(x[i-j])
		}
		worst = math.Max(worst, math.Abs(want-float64(got[i])))
	}
	if worst > 1e-3 {
		t.Errorf("FFT convolution: max abs error %.3g", worst)
	}
}

func TestSyntheticRIRDecay(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const rate = 16000
	h := SyntheticRIR(rng, rate, 0.5, 0.005)
	if len(h) != 8001 || h[0] != 1 {
		t.Fatalf("len %d h[0] %v", len(h), h[0])
	}
	// Energy in the last 100 ms of the tail is far below the first 100 ms.
	e := func(a, b int) float64 { return RMS(h[a:b]) }
	drop := 20 * math.Log10(e(100, 1700)/e(6400, 8000))
	if drop < 35 || drop > 60 {
		t.Errorf("tail drop over 0.4 s: %.1f dB, want about 48", drop)
	}
	x := augTone(16000, rate, 500)
	y := Reverberate(rng, x, rate, 0.5, 0.7)
	if math.Abs(RMS(y)-RMS(x)) > 1e-3 {
		t.Errorf("reverberation changed RMS %.4f -> %.4f", RMS(x), RMS(y))
	}
}

func TestApplyGainClips(t *testing.T) {
	x := []float32{0.1, -0.5, 0.9}
	ApplyGain(x, 20*math.Log10(2))
	want := []float32{0.2, -1, 1}
	for i := range x {
		if math.Abs(float64(x[i]-want[i])) > 1e-6 {
			t.Fatalf("got %v, want %v", x, want)
		}
	}
}

func TestAugmenterDeterministic(t *testing.T) {
	src := augTone(24000, 16000, 300)
	other := augTone(5000, 16000, 700)
	o := DefaultAugmentOptions()
	o.SpeedProb, o.NoiseProb, o.ReverbProb, o.BabbleProb, o.TelephoneProb, o.HumProb = 1, 1, 1, 1, 1, 1
	a := &Augmenter{Options: o, Babble: func(*rand.Rand) []float32 { return other }}
	y1 := a.Apply(rand.New(rand.NewPCG(9, 9)), src, 16000)
	y2 := a.Apply(rand.New(rand.NewPCG(9, 9)), src, 16000)
	y3 := a.Apply(rand.New(rand.NewPCG(9, 10)), src, 16000)
	if len(y1) != len(y2) {
		t.Fatal("same seed, different lengths")
	}
	for i := range y1 {
		if y1[i] != y2[i] {
			t.Fatal("same seed, different output")
		}
		if y1[i] > 1 || y1[i] < -1 || math.IsNaN(float64(y1[i])) {
			t.Fatalf("sample %d = %v out of range", i, y1[i])
		}
	}
	same := len(y1) == len(y3)
	for i := 0; same && i < len(y1); i++ {
		same = y1[i] == y3[i]
	}
	if same {
		t.Error("different seeds gave identical output")
	}
	if src[100] != augTone(24000, 16000, 300)[100] {
		t.Error("Apply modified its input")
	}
	if len(a.Apply(rand.New(rand.NewPCG(1, 1)), nil, 16000)) != 0 {
		t.Error("empty input")
	}
}

// TestPadSilence: padding puts the untouched speech between two stretches of
// at most PadMax seconds that are either exact zeros or quiet noise (-90 to
// -50 dBFS), both kinds turn up, and options without padding draw nothing
// from the generator for it (their results are as before it existed).
func TestPadSilence(t *testing.T) {
	src := augTone(8000, 16000, 300)
	var zeros, noise int
	for seed := uint64(0); seed < 40; seed++ {
		y := padSilence(rand.New(rand.NewPCG(seed, 1)), src, 16000, 0.5)
		extra := len(y) - len(src)
		if extra < 0 || extra > 16000 {
			t.Fatalf("seed %d: %d samples added, want 0..16000", seed, extra)
		}
		// Find the speech: it is copied unchanged.
		at := -1
		for i := 0; i+len(src) <= len(y) && at < 0; i++ {
			if y[i] == src[0] && y[i+len(src)/2] == src[len(src)/2] && y[i+len(src)-1] == src[len(src)-1] {
				at = i
			}
		}
		if at < 0 || at > 8000 || len(y)-at-len(src) > 8000 {
			t.Fatalf("seed %d: speech at %d of %d samples", seed, at, len(y))
		}
		pad := append(append([]float32(nil), y[:at]...), y[at+len(src):]...)
		if len(pad) < 100 {
			continue
		}
		r := RMS(pad)
		switch {
		case r == 0:
			zeros++
		case r > 2e-5 && r < 5e-3: // -94 .. -46 dBFS
			noise++
		default:
			t.Errorf("seed %d: padding RMS %g is neither zero nor quiet noise", seed, r)
		}
	}
	if zeros == 0 || noise == 0 {
		t.Errorf("%d zero and %d noise paddings in 40 draws, want both kinds", zeros, noise)
	}
	// Without padding, Apply's draws are those of the options alone.
	o := DefaultAugmentOptions()
	a, b := &Augmenter{Options: o}, &Augmenter{Options: o}
	b.Options.PadMax = 1 // PadProb 0: still off
	y1 := a.Apply(rand.New(rand.NewPCG(4, 4)), src, 16000)
	y2 := b.Apply(rand.New(rand.NewPCG(4, 4)), src, 16000)
	if !slices.Equal(y1, y2) {
		t.Error("PadMax without PadProb changed the augmentation")
	}
	b.Options.PadProb = 1
	if y3 := b.Apply(rand.New(rand.NewPCG(4, 4)), src, 16000); len(y3) == len(y1) {
		t.Error("PadProb 1 added no silence")
	}
}

// TestTrimQuiet: QuietEnds finds the quiet around a tone to the frame, and
// trimming cuts a random part of it from each end, never the tone.
func TestTrimQuiet(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	quiet := func(n int) []float32 {
		y := make([]float32, n)
		for i := range y {
			y[i] = float32(1e-3 * rng.NormFloat64()) // -60 dBFS
		}
		return y
	}
	tone := augTone(8000, 16000, 300)
	src := append(append(quiet(6400), tone...), quiet(4800)...)
	lead, trail := QuietEnds(src, 16000, 35)
	if lead != 6400 || trail != 4800 {
		t.Fatalf("QuietEnds = %d, %d; want 6400, 4800", lead, trail)
	}
	if l, r := QuietEnds(make([]float32, 1000), 16000, 35); l != 0 || r != 0 {
		t.Errorf("QuietEnds of digital silence = %d, %d; want 0, 0", l, r)
	}
	if l, r := QuietEnds(tone[:100], 16000, 35); l != 0 || r != 0 {
		t.Errorf("QuietEnds of less than a frame = %d, %d; want 0, 0", l, r)
	}
	var cutLead, cutTrail int
	for seed := uint64(0); seed < 40; seed++ {
		y := trimQuiet(rand.New(rand.NewPCG(seed, 2)), src, 16000)
		a := slices.Index(src, y[0]) // noise samples are distinct
		b := len(src) - a - len(y)
		if a < 0 || a > lead || b < 0 || b > trail || !slices.Equal(y, src[a:a+len(y)]) {
			t.Fatalf("seed %d: kept src[%d:%d] of %d samples (quiet ends %d, %d)", seed, a, a+len(y), len(src), lead, trail)
		}
		if a > lead/4 {
			cutLead++
		}
		if b > trail/4 {
			cutTrail++
		}
	}
	if cutLead < 20 || cutTrail < 20 {
		t.Errorf("over a quarter of the quiet cut at the start %d and the end %d times in 40, want about 30", cutLead, cutTrail)
	}
	// Through Apply (nothing else on: the gain step only clips).
	a := &Augmenter{Options: AugmentOptions{TrimProb: 1}}
	y := a.Apply(rand.New(rand.NewPCG(5, 5)), src, 16000)
	if i := slices.Index(src, y[0]); len(y) >= len(src) || i < 0 || !slices.Equal(y, src[i:i+len(y)]) {
		t.Errorf("Apply with TrimProb 1 gave %d samples, not a part of the %d", len(y), len(src))
	}
}
