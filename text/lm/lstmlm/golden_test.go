package lstmlm

import (
	"encoding/json"
	"math"
	"os"
	"sort"
	"testing"
)

// TestGoldenPyTorch compares one chunk's loss and every parameter gradient
// with PyTorch 1.13 (word_language_model's Embedding -> nn.LSTM -> Linear,
// cross_entropy), computed by testdata/gen/lstmlm_golden.py from the same
// weights, inputs and initial state.
func TestGoldenPyTorch(t *testing.T) {
	for _, name := range []string{"golden", "golden_tied"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("../../../testdata/lstmlm/" + name + ".safetensors")
			if err != nil {
				t.Fatal(err)
			}
			m, err := Load(b)
			if err != nil {
				t.Fatal(err)
			}
			js, err := os.ReadFile("../../../testdata/lstmlm/" + name + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var g struct {
				T, B          int
				Input, Target []int
				H0, C0        []float32
				Loss          float64
				Grads         map[string][]float64
			}
			if err := json.Unmarshal(js, &g); err != nil {
				t.Fatal(err)
			}
			tr := NewTrainer(m, TrainConfig{BPTT: g.T, Batch: g.B})
			copy(tr.state.H, g.H0)
			copy(tr.state.C, g.C0)
			loss := tr.lossGrad(g.Input, g.Target, g.T)
			if math.Abs(loss-g.Loss) > 1e-5 {
				t.Errorf("loss %.7f, PyTorch %.7f", loss, g.Loss)
			}
			type mis struct {
				name      string
				got, want float64
			}
			var bad []mis
			maxErr := 0.0
			off := 0
			for _, ts := range m.tensors() {
				want, ok := g.Grads[ts.Name]
				if !ok || len(want) != len(ts.F32) {
					t.Fatalf("golden gradient of %s missing or has %d values", ts.Name, len(want))
				}
				for i, w := range want {
					got := float64(m.Grad[off+i])
					e := math.Abs(got - w)
					maxErr = max(maxErr, e)
					if e > 1e-5+1e-4*math.Abs(w) {
						bad = append(bad, mis{ts.Name, got, w})
					}
				}
				off += len(ts.F32)
			}
			sort.Slice(bad, func(a, b int) bool { return math.Abs(bad[a].got-bad[a].want) > math.Abs(bad[b].got-bad[b].want) })
			for _, x := range bad[:min(5, len(bad))] {
				t.Errorf("%s: gradient %.7g, PyTorch %.7g", x.name, x.got, x.want)
			}
			t.Logf("loss %.7f (PyTorch %.7f), max gradient error %.2g over %d parameters", loss, g.Loss, maxErr, len(m.Data))
		})
	}
}
