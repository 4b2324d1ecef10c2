package features

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecoute/ecoute/audio"
)

func loadClip(t testing.TB, name string) []float32 {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../../testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return p.Samples
}

// AddDeltas against torchaudio.functional.compute_deltas (win_length 5),
// which equals Kaldi's first order everywhere and its second order away from
// the edges (testdata/gen/features_golden.py).
func TestDeltasGolden(t *testing.T) {
	m, _ := NewMFCC(DefaultMFCCOptions())
	feats := m.Compute(loadClip(t, "audio/clip16k.wav"))
	got := AddDeltas(feats, 2, 2)
	want := readMatrix(t, filepath.Join(goldenDir, "deltas_mfcc_default_16k.txt"))
	if len(got) != len(want) || len(got[0]) != 39 {
		t.Fatalf("deltas: %dx%d, torchaudio %dx%d", len(got), len(got[0]), len(want), len(want[0]))
	}
	// Orders 0 and 1 on every frame.
	var g01 [][]float32
	var w01 [][]float64
	for i := range got {
		g01 = append(g01, got[i][:26])
		w01 = append(w01, want[i][:26])
	}
	e1 := compareFeatures(t, "deltas order 0-1", g01, w01, 1e-4, false)
	// Order 2 away from the 4 edge frames.
	var g2 [][]float32
	var w2 [][]float64
	for i := 4; i < len(got)-4; i++ {
		g2 = append(g2, got[i][26:])
		w2 = append(w2, want[i][26:])
	}
	e2 := compareFeatures(t, "deltas order 2", g2, w2, 1e-4, false)
	t.Logf("max error vs torchaudio compute_deltas: order 0-1 %.3g, order 2 %.3g", e1, e2)
}

func TestDeltasRamp(t *testing.T) {
	// A linear ramp has delta equal to its slope and zero acceleration,
	// except near the replicated edges.
	T := 20
	feats := make([][]float32, T)
	for i := range feats {
		feats[i] = []float32{float32(3 * i), 5}
	}
	out := AddDeltas(feats, 2, 2)
	for i := 4; i < T-4; i++ {
		want := []float32{float32(3 * i), 5, 3, 0, 0, 0}
		for j, w := range want {
			if math.Abs(float64(out[i][j]-w)) > 1e-5 {
				t.Fatalf("frame %d: %v, want %v", i, out[i], want)
			}
		}
	}
	// Kaldi's first-order edge: frame 0 sees frames 0,0,0,1,2 -> (1*1+2*2)*3/10.
	if d := out[0][2]; math.Abs(float64(d)-1.5) > 1e-6 {
		t.Errorf("edge delta %v, want 1.5", d)
	}
	if len(AddDeltas(nil, 2, 2)) != 0 {
		t.Error("deltas of nothing")
	}
	if got := AddDeltas(feats, 0, 2); len(got[0]) != 2 || got[3][0] != 9 {
		t.Errorf("order 0: %v", got[3])
	}
}

func TestCMVN(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	feats := make([][]float32, 50)
	for i := range feats {
		feats[i] = []float32{float32(10 + 3*r.NormFloat64()), float32(-4 + 0.1*r.NormFloat64()), 7}
	}
	orig := make([][]float32, len(feats))
	for i := range feats {
		orig[i] = append([]float32(nil), feats[i]...)
	}
	CMVN(feats, false)
	for d := 0; d < 3; d++ {
		var s float64
		for i := range feats {
			s += float64(feats[i][d])
			if diff := float64(orig[i][d]-feats[i][d]) - float64(orig[0][d]-feats[0][d]); math.Abs(diff) > 1e-5 {
				t.Fatalf("CMN did not shift dim %d uniformly", d)
			}
		}
		if math.Abs(s/50) > 1e-5 {
			t.Errorf("dim %d mean %v after CMN", d, s/50)
		}
	}
	CMVN(feats, true)
	for d := 0; d < 2; d++ {
		var s, sq float64
		for i := range feats {
			s += float64(feats[i][d])
			sq += float64(feats[i][d]) * float64(feats[i][d])
		}
		if math.Abs(s/50) > 1e-5 || math.Abs(sq/50-1) > 1e-4 {
			t.Errorf("dim %d: mean %v var %v after CMVN", d, s/50, sq/50)
		}
	}
	// A constant dimension stays finite (variance floored) and becomes 0.
	for i := range feats {
		if feats[i][2] != 0 {
			t.Fatalf("constant dim became %v", feats[i][2])
		}
	}
	CMVN(nil, true)
}

func TestNumFramesAndEdges(t *testing.T) {
	o := DefaultFrameOptions()
	for _, c := range []struct {
		n, snip, nosnip int
	}{{0, 0, 0}, {1, 0, 0}, {80, 0, 1}, {399, 0, 2}, {400, 1, 3}, {559, 1, 3}, {560, 2, 4}, {16000, 98, 100}} {
		o.SnipEdges = true
		if got := o.NumFrames(c.n); got != c.snip {
			t.Errorf("NumFrames(%d) snip = %d, want %d", c.n, got, c.snip)
		}
		o.SnipEdges = false
		if got := o.NumFrames(c.n); got != c.nosnip {
			t.Errorf("NumFrames(%d) no snip = %d, want %d", c.n, got, c.nosnip)
		}
	}
	// Very short input with reflection: finite values, no panic.
	mo := DefaultMFCCOptions()
	mo.Frame.SnipEdges = false
	m, _ := NewMFCC(mo)
	for _, n := range []int{0, 1, 3, 80, 200} {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(math.Sin(float64(i)))
		}
		f := m.Compute(x)
		if len(f) != mo.Frame.NumFrames(n) {
			t.Errorf("%d samples: %d frames", n, len(f))
		}
		for _, row := range f {
			for _, v := range row {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("%d samples: non-finite feature", n)
				}
			}
		}
	}
	// Silence: log floors, finite.
	f := m.Compute(make([]float32, 1600))
	if f[3][0] != float32(math.Log(epsilon)) {
		t.Errorf("silence energy %v, want log(eps) %v", f[3][0], math.Log(epsilon))
	}
}

func TestBadOptions(t *testing.T) {
	bad := []func(o *MFCCOptions){
		func(o *MFCCOptions) { o.Frame.SampFreq = 0 },
		func(o *MFCCOptions) { o.Frame.FrameShiftMs = 0 },
		func(o *MFCCOptions) { o.Frame.FrameLengthMs = 0.01 },
		func(o *MFCCOptions) { o.Frame.WindowType = "kaiser" },
		func(o *MFCCOptions) { o.Frame.PreemphCoeff = 1.5 },
		func(o *MFCCOptions) { o.Frame.Dither = -1 },
		func(o *MFCCOptions) { o.Frame.RoundToPowerOfTwo = false; o.Frame.FrameLengthMs = 25.0625 },
		func(o *MFCCOptions) { o.Mel.NumBins = 2 },
		func(o *MFCCOptions) { o.Mel.LowFreq = 9000 },
		func(o *MFCCOptions) { o.Mel.HighFreq = 9000 },
		func(o *MFCCOptions) { o.Mel.LowFreq = 4000; o.Mel.HighFreq = 3000 },
		func(o *MFCCOptions) { o.Mel.VtlnWarp = -1 },
		func(o *MFCCOptions) { o.Mel.VtlnWarp = 100 },
		func(o *MFCCOptions) { o.Mel.VtlnWarp = 1.1; o.Mel.VtlnLow = 10 },
		func(o *MFCCOptions) { o.Mel.VtlnWarp = 0.9; o.Mel.VtlnLow = 5000; o.Mel.VtlnHigh = 4000 },
		func(o *MFCCOptions) { o.NumCeps = 24 },
		func(o *MFCCOptions) { o.NumCeps = 0 },
	}
	for i, f := range bad {
		o := DefaultMFCCOptions()
		f(&o)
		if _, err := NewMFCC(o); err == nil {
			t.Errorf("bad option set %d accepted", i)
		}
		fo := DefaultFbankOptions()
		fo.Frame, fo.Mel = o.Frame, o.Mel
		if _, err := NewFbank(fo); err == nil && i < len(bad)-2 {
			t.Errorf("bad fbank option set %d accepted", i)
		}
	}
}

// A VTLN factor of 1 (or 0) leaves the filterbank alone; other factors move
// it (the warped values themselves are checked against torchaudio in
// TestGoldenTorchaudio), and more for a larger change.
func TestVtlnWarpMoves(t *testing.T) {
	x := loadClip(t, "audio/clip16k.wav")
	fbank := func(warp float64) [][]float32 {
		o := DefaultFbankOptions()
		o.Mel.VtlnWarp = warp
		f, err := NewFbank(o)
		if err != nil {
			t.Fatal(err)
		}
		return f.Compute(x)
	}
	diff := func(a, b [][]float32) float64 {
		d := 0.0
		for i := range a {
			for j := range a[i] {
				d = math.Max(d, math.Abs(float64(a[i][j]-b[i][j])))
			}
		}
		return d
	}
	ref := fbank(1)
	if d := diff(ref, fbank(0)); d != 0 {
		t.Errorf("warp 0 differs from warp 1 by %g", d)
	}
	small, large := diff(ref, fbank(1.02)), diff(ref, fbank(1.2))
	if !(small > 0.01 && large > small) {
		t.Errorf("warp 1.02 moved log-mel energies by %g, 1.2 by %g", small, large)
	}
}

// Dither is seeded: equal seeds give equal features, other seeds differ, and
// small dither barely moves loud frames.
func TestDither(t *testing.T) {
	x := loadClip(t, "audio/clip16k.wav")
	o := DefaultMFCCOptions()
	o.Frame.Dither = 1
	o.Frame.DitherSeed = 7
	m, _ := NewMFCC(o)
	a := m.Compute(x)
	b := m.Compute(x)
	o.Frame.DitherSeed = 8
	m2, _ := NewMFCC(o)
	c := m2.Compute(x)
	m0, _ := NewMFCC(DefaultMFCCOptions())
	z := m0.Compute(x)
	same, differ := true, false
	for i := range a {
		for j := range a[i] {
			same = same && a[i][j] == b[i][j]
			differ = differ || a[i][j] != c[i][j]
		}
	}
	if !same || !differ {
		t.Errorf("dither: same seed equal %v, other seed differs %v", same, differ)
	}
	// Frame 40 is speech: dither of 1 (on the 16-bit scale) moves its energy little.
	if d := math.Abs(float64(a[40][0] - z[40][0])); d > 0.01 {
		t.Errorf("dither moved a speech frame's energy by %v", d)
	}
}

// The steady state allocates nothing: ComputeInto with a kept buffer.
func TestComputeIntoAllocs(t *testing.T) {
	x := loadClip(t, "audio/clip16k.wav")
	m, _ := NewMFCC(DefaultMFCCOptions())
	dst := m.Compute(x)
	fb, _ := NewFbank(DefaultFbankOptions())
	fdst := fb.Compute(x)
	if n := testing.AllocsPerRun(5, func() { dst = m.ComputeInto(dst, x) }); n != 0 {
		t.Errorf("MFCC.ComputeInto: %v allocations per call", n)
	}
	if n := testing.AllocsPerRun(5, func() { fdst = fb.ComputeInto(fdst, x) }); n != 0 {
		t.Errorf("Fbank.ComputeInto: %v allocations per call", n)
	}
	// Compute allocates the result only: two allocations (rows and backing).
	if n := testing.AllocsPerRun(5, func() { m.Compute(x) }); n > 2 {
		t.Errorf("MFCC.Compute: %v allocations per call, want 2", n)
	}
	// Same result into the reused buffer.
	again := m.Compute(x)
	for i := range again {
		for j := range again[i] {
			if again[i][j] != dst[i][j] {
				t.Fatal("ComputeInto differs from Compute")
			}
		}
	}
}

func TestMelScale(t *testing.T) {
	for _, f := range []float64{0, 20, 700, 4000, 8000} {
		if g := InverseMelScale(MelScale(f)); math.Abs(g-f) > 1e-9 {
			t.Errorf("InverseMelScale(MelScale(%v)) = %v", f, g)
		}
	}
	if m := MelScale(700); math.Abs(m-1127*math.Ln2) > 1e-9 {
		t.Errorf("MelScale(700) = %v", m)
	}
}
