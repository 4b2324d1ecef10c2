package lstm

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/ecoute/ecoute/internal/numtest"
	"github.com/ecoute/ecoute/internal/safetensors"
)

// goldenCase is one file written by testdata/gen/lstm_golden.py with
// PyTorch 1.13's nn.LSTM (float64 on float32-representable values).
type goldenCase struct {
	f   *safetensors.File
	cfg struct {
		T, B, Input, Hidden, Layers int
		Bidirectional               bool
		Output                      int
	}
}

func loadGolden(t *testing.T, name string) *goldenCase {
	t.Helper()
	b, err := os.ReadFile("../testdata/lstm/" + name + ".safetensors")
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	g := &goldenCase{f: f}
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &g.cfg); err != nil {
		t.Fatal(err)
	}
	return g
}

func (g *goldenCase) get(t *testing.T, name string) []float32 {
	t.Helper()
	v, err := g.f.Float32(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (g *goldenCase) has(name string) bool { _, ok := g.f.Lookup(name); return ok }

// compare reports the worst mismatches between got and want (only where
// keep(i) is true; internal/numtest) and returns the maximum absolute error.
func compare(t *testing.T, what string, got, want []float32, tol float64, keep func(i int) bool) float64 {
	t.Helper()
	return numtest.Compare(t, what, got, want, numtest.Options{Tol: tol, Keep: keep})
}

const goldenTol = 1e-4

// TestGoldenPyTorch compares outputs, final states and gradients with those
// of PyTorch for the three cases of testdata/gen/lstm_golden.py.
func TestGoldenPyTorch(t *testing.T) {
	for _, name := range []string{"case_a", "case_b", "case_c"} {
		for _, threads := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/threads=%d", name, threads), func(t *testing.T) {
				runGolden(t, name, threads)
			})
		}
	}
}

func runGolden(t *testing.T, name string, threads int) {
	g := loadGolden(t, name)
	c := g.cfg
	m := New(Config{Input: c.Input, Hidden: c.Hidden, Layers: c.Layers, Bidirectional: c.Bidirectional, Output: c.Output})
	m.Threads = threads
	for _, p := range m.Params.Tensors {
		copy(p.W(), g.get(t, p.Name))
	}
	m.Params.ZeroGrad()
	lf := g.get(t, "lengths")
	lengths := make([]int, len(lf))
	for i, v := range lf {
		lengths[i] = int(v)
	}
	batch := Batch{X: g.get(t, "x"), T: c.T, B: c.B, Lengths: lengths}
	if g.has("h0") {
		batch.H0, batch.C0 = g.get(t, "h0"), g.get(t, "c0")
	}
	ws := NewWorkspace(1)
	ws.InputGrad = true
	out := m.Forward(ws, batch, true)
	width := c.Hidden * m.Dirs()
	var logp []float32
	if c.Output > 0 {
		width = c.Output
		logp = make([]float32, len(out))
		LogSoftmax(logp, out, c.Output)
		out = logp
	}
	valid := func(i int) bool { r := i / width; return r/c.B < lengths[r%c.B] }
	var worst float64
	worst = max(worst, compare(t, "out", out, g.get(t, "out"), goldenTol, valid))
	worst = max(worst, compare(t, "hn", ws.HN(), g.get(t, "hn"), goldenTol, nil))
	worst = max(worst, compare(t, "cn", ws.CN(), g.get(t, "cn"), goldenTol, nil))

	// Backward of loss = Σ out*wy (valid frames) + Σ hn*whn + Σ cn*wcn.
	dy := append([]float32(nil), g.get(t, "wy")...)
	if c.Output > 0 {
		LogSoftmaxBackward(dy, dy, logp, c.Output)
	}
	ws.DHN, ws.DCN = g.get(t, "whn"), g.get(t, "wcn")
	m.Backward(ws, dy)
	inW := c.Input
	validX := func(i int) bool { r := i / inW; return r/c.B < lengths[r%c.B] }
	worst = max(worst, compare(t, "grad.x", ws.DX(), g.get(t, "grad.x"), goldenTol, validX))
	if g.has("h0") {
		worst = max(worst, compare(t, "grad.h0", ws.DH0(), g.get(t, "grad.h0"), goldenTol, nil))
		worst = max(worst, compare(t, "grad.c0", ws.DC0(), g.get(t, "grad.c0"), goldenTol, nil))
	}
	for _, p := range m.Params.Tensors {
		worst = max(worst, compare(t, "grad."+p.Name, p.G(), g.get(t, "grad."+p.Name), goldenTol, nil))
	}
	t.Logf("%s: max abs error %.3g over outputs, states and gradients (reference: PyTorch, %s)", name, worst, g.f.Metadata["generator"])
}
