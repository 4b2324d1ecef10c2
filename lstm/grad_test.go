package lstm

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/internal/kernel"
	"github.com/ecoute/ecoute/internal/safetensors"
)

// lossOf runs a training Forward (fixed dropout seed) and returns
// Σ out*w over valid frames + Σ hn*wh + Σ cn*wc.
func lossOf(m *Model, b Batch, w, wh, wc []float32, seed uint64) float64 {
	ws := NewWorkspace(seed)
	out := m.Forward(ws, b, true)
	B := b.B
	width := len(out) / (b.T * B)
	var s float64
	for i, v := range out {
		r := i / width
		if r/B < b.Lengths[r%B] {
			s += float64(v) * float64(w[i])
		}
	}
	for i, v := range ws.HN() {
		s += float64(v) * float64(wh[i])
	}
	for i, v := range ws.CN() {
		s += float64(v) * float64(wc[i])
	}
	return s
}

func randF(r *rand.Rand, n int, scale float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64() * scale)
	}
	return s
}

// TestGradFiniteDifference checks every parameter gradient, the input
// gradient and the initial-state gradients against central differences,
// for models with and without head, embedding and dropout.
func TestGradFiniteDifference(t *testing.T) {
	cfgs := []Config{
		{Input: 3, Hidden: 2, Layers: 1},
		{Input: 2, Hidden: 3, Layers: 2, Bidirectional: true},
		{Input: 3, Hidden: 2, Layers: 2, Bidirectional: true, Output: 4, Dropout: 0.3},
		{Input: 3, Hidden: 2, Layers: 2, Output: 5, Vocab: 6},
	}
	for ci, cfg := range cfgs {
		t.Run(fmt.Sprintf("%+v", cfg), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(ci), 9))
			m := New(cfg)
			m.Init(uint64(ci), InitOptions{ForgetBias: 0.5})
			T, B := 4, 3
			b := Batch{T: T, B: B, Lengths: []int{4, 2, 3}}
			if cfg.Vocab > 0 {
				b.IDs = make([]int, T*B)
				for i := range b.IDs {
					b.IDs[i] = r.IntN(cfg.Vocab)
				}
			} else {
				b.X = randF(r, T*B*cfg.Input, 1)
			}
			ns := cfg.Layers * cfg.Dirs() * B * cfg.Hidden
			if ci%2 == 1 {
				b.H0, b.C0 = randF(r, ns, 0.5), randF(r, ns, 0.5)
			}
			outW := cfg.OutSize()
			if cfg.Output > 0 {
				outW = cfg.Output
			}
			w, wh, wc := randF(r, T*B*outW, 1), randF(r, ns, 1), randF(r, ns, 1)
			ws := NewWorkspace(7)
			ws.InputGrad = true
			m.Forward(ws, b, true)
			ws.DHN, ws.DCN = wh, wc
			m.Params.ZeroGrad()
			m.Backward(ws, w)
			check := func(name string, v []float32, an []float32) {
				t.Helper()
				for i := range v {
					if an == nil {
						continue
					}
					old := v[i]
					const eps = 1e-2
					v[i] = old + eps
					lp := lossOf(m, b, w, wh, wc, 7)
					v[i] = old - eps
					lm := lossOf(m, b, w, wh, wc, 7)
					v[i] = old
					fd := (lp - lm) / (2 * eps)
					if d := math.Abs(fd - float64(an[i])); d > 2e-3*max(1, math.Abs(fd)) {
						t.Errorf("%s[%d]: backward %g, finite difference %g", name, i, an[i], fd)
					}
				}
			}
			for _, p := range m.Params.Tensors {
				check(p.Name, p.W(), p.G())
			}
			if b.X != nil {
				// Only valid frames have a gradient; padding frames must get 0.
				dx := append([]float32(nil), ws.DX()...)
				check("x", b.X, dx)
			}
			if b.H0 != nil {
				dh0, dc0 := append([]float32(nil), ws.DH0()...), append([]float32(nil), ws.DC0()...)
				check("h0", b.H0, dh0)
				check("c0", b.C0, dc0)
			}
		})
	}
}

// TestCellBackward checks kernel.CellBackward against finite differences of
// kernel.CellForward for a loss Σ h*wh + Σ c*wc.
func TestCellBackward(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	H := 5
	z0, cp := randF(r, 4*H, 1.5), randF(r, H, 1)
	wh, wc := randF(r, H, 1), randF(r, H, 1)
	loss := func(z, cp []float32) float64 {
		zz := append([]float32(nil), z...)
		c, h := make([]float32, H), make([]float32, H)
		kernel.CellForward(zz, cp, c, h)
		var s float64
		for j := range h {
			s += float64(h[j])*float64(wh[j]) + float64(c[j])*float64(wc[j])
		}
		return s
	}
	act := append([]float32(nil), z0...)
	c, h := make([]float32, H), make([]float32, H)
	kernel.CellForward(act, cp, c, h)
	dc := append([]float32(nil), wc...)
	dz := make([]float32, 4*H)
	kernel.CellBackward(act, c, cp, wh, dc, dz)
	fd := func(v []float32, i int) float64 {
		old := v[i]
		v[i] = old + 1e-2
		lp := loss(z0, cp)
		v[i] = old - 1e-2
		lm := loss(z0, cp)
		v[i] = old
		return (lp - lm) / 2e-2
	}
	for i := range z0 {
		if f := fd(z0, i); math.Abs(f-float64(dz[i])) > 1e-3 {
			t.Errorf("dz[%d] = %g, finite difference %g", i, dz[i], f)
		}
	}
	for i := range cp {
		if f := fd(cp, i); math.Abs(f-float64(dc[i])) > 1e-3 {
			t.Errorf("dcprev[%d] = %g, finite difference %g", i, dc[i], f)
		}
	}
}

func TestLogSoftmaxBackward(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	x, w := randF(r, 12, 2), randF(r, 12, 1)
	loss := func() float64 {
		y := make([]float32, 12)
		LogSoftmax(y, x, 4)
		var s float64
		for i := range y {
			s += float64(y[i]) * float64(w[i])
		}
		return s
	}
	y := make([]float32, 12)
	LogSoftmax(y, x, 4)
	dx := make([]float32, 12)
	LogSoftmaxBackward(dx, w, y, 4)
	for i := range x {
		old := x[i]
		x[i] = old + 1e-2
		lp := loss()
		x[i] = old - 1e-2
		lm := loss()
		x[i] = old
		if f := (lp - lm) / 2e-2; math.Abs(f-float64(dx[i])) > 1e-3 {
			t.Errorf("dx[%d] = %g, finite difference %g", i, dx[i], f)
		}
	}
}

// TestThreadsAndPaddingIndependence checks that results are bit-identical
// for any number of threads, and that a sequence's results do not depend on
// the rest of the batch (even NaN padding and NaN in another sequence).
func TestThreadsAndPaddingIndependence(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	cfg := Config{Input: 5, Hidden: 7, Layers: 2, Bidirectional: true, Output: 3}
	m := New(cfg)
	m.Init(1, InitOptions{})
	T, B := 9, 5
	b := Batch{X: randF(r, T*B*5, 1), T: T, B: B, Lengths: []int{9, 3, 7, 9, 1}}
	run := func(threads int, b Batch) ([]float32, []float32, []float32) {
		m.Threads = threads
		m.Params.ZeroGrad()
		ws := NewWorkspace(1)
		out := append([]float32(nil), m.Forward(ws, b, true)...)
		m.Backward(ws, randF(rand.New(rand.NewPCG(4, 4)), len(out), 1))
		return out, append([]float32(nil), ws.HN()...), append([]float32(nil), m.Params.Grad...)
	}
	o1, h1, g1 := run(1, b)
	for _, th := range []int{2, 3, 8} {
		o, h, g := run(th, b)
		for i := range o1 {
			if o[i] != o1[i] {
				t.Fatalf("threads=%d: out[%d] %g != %g", th, i, o[i], o1[i])
			}
		}
		for i := range h1 {
			if h[i] != h1[i] {
				t.Fatalf("threads=%d: hn[%d] differs", th, i)
			}
		}
		for i := range g1 {
			if g[i] != g1[i] {
				t.Fatalf("threads=%d: grad[%d] %g != %g", th, i, g[i], g1[i])
			}
		}
	}
	// Sequence 0 alone must give the same output as inside the batch, with
	// NaN in the padding of the others and NaN in sequence 1's frames.
	bn := b
	bn.X = append([]float32(nil), b.X...)
	for t_ := 0; t_ < T; t_++ {
		for s := 0; s < B; s++ {
			if t_ >= b.Lengths[s] || s == 1 {
				for f := 0; f < 5; f++ {
					bn.X[(t_*B+s)*5+f] = float32(math.NaN())
				}
			}
		}
	}
	m.Threads = 2
	ws := NewWorkspace(1)
	out := m.Forward(ws, bn, false)
	single := Batch{X: make([]float32, T*5), T: T, B: 1}
	for t_ := 0; t_ < T; t_++ {
		copy(single.X[t_*5:(t_+1)*5], b.X[(t_*B)*5:])
	}
	ws1 := NewWorkspace(1)
	out1 := m.Forward(ws1, single, false)
	for t_ := 0; t_ < T; t_++ {
		for j := 0; j < 3; j++ {
			a, c := out[(t_*B)*3+j], out1[t_*3+j]
			if math.Abs(float64(a-c)) > 1e-5 || a != a {
				t.Fatalf("t=%d: batched %g, alone %g", t_, a, c)
			}
		}
	}
	for j := 0; j < 3; j++ {
		if v := out[(0*B+1)*3+j]; v == v {
			t.Errorf("NaN input of sequence 1 gave finite output %g", v)
		}
	}
}

func TestSaveLoad(t *testing.T) {
	cfg := Config{Input: 4, Hidden: 3, Layers: 2, Bidirectional: true, Output: 5}
	m := New(cfg)
	m.Init(42, InitOptions{ForgetBias: 1})
	var buf bytes.Buffer
	if err := m.Save(&buf, map[string]string{"x": "y"}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	m2, meta, err := NewFromBytes(cfg, data)
	if err != nil {
		t.Fatal(err)
	}
	if meta["x"] != "y" {
		t.Errorf("metadata %v", meta)
	}
	for i := range m.Params.Data {
		if m.Params.Data[i] != m2.Params.Data[i] {
			t.Fatalf("param %d differs", i)
		}
	}
	if !m2.Params.Aliased(data) {
		t.Error("file written by Save was copied, want a zero-copy view")
	}
	// A misaligned copy still loads (copying).
	mis := make([]byte, len(data)+1)
	copy(mis[1:], data)
	m3, _, err := NewFromBytes(cfg, mis[1:])
	if err != nil {
		t.Fatal(err)
	}
	if m3.Params.Aliased(mis) || m3.Params.Data[5] != m.Params.Data[5] {
		t.Error("misaligned load: aliased or wrong")
	}
	// Wrong models name the tensor.
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Input: 4, Hidden: 3, Layers: 3, Bidirectional: true, Output: 5}, "lstm.weight_ih_l2"},
		{Config{Input: 4, Hidden: 3, Layers: 1, Bidirectional: true, Output: 5}, "lstm.weight_ih_l1"},
		{Config{Input: 6, Hidden: 3, Layers: 2, Bidirectional: true, Output: 5}, "lstm.weight_ih_l0"},
	} {
		_, _, err := NewFromBytes(c.cfg, data)
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Tensor != c.want {
			t.Errorf("config %+v: error %v, want one naming %s", c.cfg, err, c.want)
		}
	}
	for n := 0; n < len(data); n += 7 {
		if _, _, err := NewFromBytes(cfg, data[:n]); err == nil {
			t.Fatalf("truncated to %d bytes: no error", n)
		}
	}
	var fe *safetensors.FormatError
	if _, _, err := NewFromBytes(cfg, data[:len(data)-1]); !errors.As(err, &fe) || fe.Tensor == "" {
		t.Errorf("truncated file: %v, want a FormatError naming a tensor", err)
	}
}

func TestOptimizers(t *testing.T) {
	// Minimise Σ (p-3)² with each optimizer.
	for _, o := range []Optimizer{&SGD{Momentum: 0.9}, &SGD{Momentum: 0.9, Nesterov: true}, NewAdam(), NewAdamW()} {
		p := []float32{0, 10, -5}
		g := make([]float32, 3)
		lr := float32(0.05)
		if _, ok := o.(*Adam); ok {
			lr = 0.3
		}
		for step := 0; step < 500; step++ {
			for i := range p {
				g[i] = 2 * (p[i] - 3)
			}
			o.Step(p, g, lr)
		}
		for i := range p {
			if math.Abs(float64(p[i]-3)) > 0.1 {
				t.Errorf("%T %+v: p[%d] = %g, want 3", o, o, i, p[i])
			}
		}
	}
	// One Adam step from zero state moves each parameter by lr (sign of g).
	a := NewAdam()
	p, g := []float32{1, 1}, []float32{0.5, -2}
	a.Step(p, g, 0.1)
	if math.Abs(float64(p[0]-0.9)) > 1e-6 || math.Abs(float64(p[1]-1.1)) > 1e-6 {
		t.Errorf("first Adam step: %v, want [0.9 1.1]", p)
	}
}

// TestAdamState checks that an Adam restored with SetState from another's
// State continues bit for bit as the original does.
func TestAdamState(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 0))
	grad := func(p []float32) []float32 {
		g := make([]float32, len(p))
		for i := range p {
			g[i] = 2*(p[i]-float32(i)) + float32(r.NormFloat64())
		}
		return g
	}
	for _, mk := range []func() *Adam{NewAdam, NewAdamW} {
		a := mk()
		p := []float32{0, 10, -5, 1}
		for range 7 {
			a.Step(p, grad(p), 0.05)
		}
		m, v, n := a.State()
		if n != 7 || len(m) != len(p) || len(v) != len(p) {
			t.Fatalf("State: %d and %d moments at step %d, want %d at 7", len(m), len(v), n, len(p))
		}
		b := mk()
		b.SetState(m, v, n)
		q := slices.Clone(p)
		for range 5 {
			g := grad(p)
			a.Step(p, g, 0.05)
			b.Step(q, g, 0.05)
		}
		if !slices.Equal(p, q) || b.Steps() != 12 {
			t.Errorf("%+v: resumed %v at step %d, uninterrupted %v at 12", a, q, b.Steps(), p)
		}
	}
}

func TestClipAndSchedule(t *testing.T) {
	g := []float32{3, 4}
	if n := ClipGlobalNorm(g, 1); n != 5 || math.Abs(float64(g[0])-0.6) > 1e-6 {
		t.Errorf("clip: norm %g, g %v", n, g)
	}
	// Two slices clipped together: joint norm 13 (3, 4 | 12), scale 1/13.
	a, b := []float32{3, 4}, []float32{12}
	if n := ClipNorms(1, a, b); n != 13 || math.Abs(float64(a[1])-4.0/13) > 1e-6 || math.Abs(float64(b[0])-12.0/13) > 1e-6 {
		t.Errorf("joint clip: norm %g, %v %v", n, a, b)
	}
	before := b[0]
	if n := ClipNorms(100, a, b); n > 1+1e-6 || b[0] != before {
		t.Errorf("joint clip under the limit changed the gradients: norm %g, %v", n, b)
	}
	s := Schedule{Base: 1, Warmup: 10, Kind: Cosine, Total: 110, Min: 0.1}
	if s.LR(0) != 0.1 || s.LR(9) != 1 || math.Abs(float64(s.LR(60))-0.55) > 1e-6 || s.LR(200) != float32(0.1) {
		t.Errorf("cosine: %g %g %g %g", s.LR(0), s.LR(9), s.LR(60), s.LR(200))
	}
	st := Schedule{Base: 1, Kind: StepDecay, StepSize: 10, Gamma: 0.5}
	if st.LR(9) != 1 || st.LR(10) != 0.5 || st.LR(25) != 0.25 {
		t.Errorf("step: %g %g %g", st.LR(9), st.LR(10), st.LR(25))
	}
}

func TestShapePanics(t *testing.T) {
	m := New(Config{Input: 3, Hidden: 2, Layers: 1})
	defer func() {
		r := recover()
		if r == nil || !bytes.Contains([]byte(fmt.Sprint(r)), []byte("Input=3")) {
			t.Errorf("panic %v, want one naming both shapes", r)
		}
	}()
	m.Forward(NewWorkspace(0), Batch{X: make([]float32, 10), T: 2, B: 2}, false)
}

// TestLayerGradsChecked: LayerGrads of the wrong count or length panic with
// a message that names the shapes, before any gradient is written.
func TestLayerGradsChecked(t *testing.T) {
	m := New(Config{Input: 3, Hidden: 2, Layers: 2, Bidirectional: true, Output: 3})
	m.Init(1, InitOptions{})
	for _, c := range []struct {
		grads [][]float32
		want  string
	}{
		{[][]float32{nil}, "1 entries for 2 layers"},
		{[][]float32{make([]float32, 7), nil}, "LayerGrads[0] has 7 values, layer output is [T=2][B=2][4]"},
	} {
		ws := NewWorkspace(0)
		m.Forward(ws, Batch{X: make([]float32, 12), T: 2, B: 2}, true)
		ws.LayerGrads = c.grads
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), c.want) {
					t.Errorf("panic %v, want one saying %q", r, c.want)
				}
			}()
			m.Backward(ws, slices.Repeat([]float32{1}, 12))
		}()
		if i := slices.IndexFunc(m.Params.Grad, func(v float32) bool { return v != 0 }); i >= 0 {
			t.Errorf("%q: gradient %d was written before the panic", c.want, i)
		}
	}
}
