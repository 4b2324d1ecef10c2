package lstmlm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ecoute/ecoute/internal/numtest"
	"github.com/ecoute/ecoute/lstm"
)

// TestGradientFiniteDifferences checks every parameter's gradient, through
// the fused softmax/cross-entropy, the stack and the embedding, against
// central differences of the loss, for untied and tied weights, with a
// carried (non-zero) initial state.
func TestGradientFiniteDifferences(t *testing.T) {
	for _, tied := range []bool{false, true} {
		t.Run(fmt.Sprintf("tied=%v", tied), func(t *testing.T) {
			toks := []string{"a", "b", "c", "d", "e", "f", "g"}
			v := NewVocab(Char, toks)
			m := New(Config{Vocab: v, Embed: 5, Hidden: 5, Layers: 2, Tied: tied})
			r := rand.New(rand.NewPCG(11, 12))
			for i := range m.Data {
				m.Data[i] = float32(r.Float64() - 0.5)
			}
			const T, B = 4, 3
			in := make([]int, T*B)
			tgt := make([]int, T*B)
			for i := range in {
				in[i], tgt[i] = r.IntN(len(toks)), r.IntN(len(toks))
			}
			in[0], in[5] = 2, 2 // a repeated id accumulates
			tr := NewTrainer(m, TrainConfig{BPTT: T, Batch: B})
			for i := range tr.state.H {
				tr.state.H[i] = float32(r.Float64() - 0.5)
				tr.state.C[i] = float32(r.Float64() - 0.5)
			}
			h0 := append([]float32(nil), tr.state.H...)
			c0 := append([]float32(nil), tr.state.C...)
			loss := tr.lossGrad(in, tgt, T)
			grad := append([]float32(nil), m.Grad...)
			f := func() float64 {
				st := &State{H: append([]float32(nil), h0...), C: append([]float32(nil), c0...), B: B}
				var h head
				y := m.forward(lstm.NewWorkspace(0), st, in, T, B, make([]float32, T*B*m.Embed))
				return m.run(&h, y, T*B, tgt, nil, 0) / (T * B)
			}
			if l := f(); math.Abs(l-loss) > 1e-5 {
				t.Fatalf("training loss %g, inference loss %g", loss, l)
			}
			const eps = 1e-2
			num := make([]float64, len(m.Data))
			for i := range m.Data {
				x := m.Data[i]
				m.Data[i] = x + eps
				lp := f()
				m.Data[i] = x - eps
				lm := f()
				m.Data[i] = x
				num[i] = (lp - lm) / (2 * eps)
			}
			maxErr := numtest.Compare(t, "analytic vs numeric gradient", grad, num,
				numtest.Options{Tol: 1e-2, Relative: true, Floor: 1e-3, Label: m.paramName})
			t.Logf("%d parameters, max relative error %.2g", len(m.Data), maxErr)
		})
	}
}

// paramName names the tensor holding flat parameter i.
func (m *Model) paramName(i int) string {
	off := 0
	for _, ts := range m.tensors() {
		if i < off+len(ts.F32) {
			return fmt.Sprintf("%s[%d]", ts.Name, i-off)
		}
		off += len(ts.F32)
	}
	return "?"
}
