package asr

import (
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/ecoute/ecoute/internal/safetensors"
)

// TestTorchImport loads a BiLSTM-CTC model built and exported by PyTorch
// (testdata/gen/asr_torch_model.py, torch 1.13) and checks our per-frame
// log-probabilities against PyTorch's for the same input frames.
func TestTorchImport(t *testing.T) {
	m, err := LoadFile("../testdata/asr/torch_small.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.HiddenSize != 16 || m.Config.NumLayers != 2 || !m.Config.Bidirectional {
		t.Fatalf("config %+v", m.Config)
	}
	b, err := os.ReadFile("../testdata/asr/torch_small_io.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	x := tensor2D(t, f, "input")
	want := tensor2D(t, f, "logprobs")
	got := m.LogProbsOf(x)
	compare2D(t, "log-probs vs PyTorch", got, want, 1e-4)
}

func tensor2D(t *testing.T, f *safetensors.File, name string) [][]float32 {
	t.Helper()
	info, ok := f.Lookup(name)
	if !ok || len(info.Shape) != 2 {
		t.Fatalf("tensor %s missing or not 2-D", name)
	}
	v, err := f.Float32(name)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]float32, info.Shape[0])
	for i := range out {
		out[i] = v[i*info.Shape[1] : (i+1)*info.Shape[1]]
	}
	return out
}

// compare2D fails with the worst mismatches when got and want differ by more
// than tol anywhere.
func compare2D(t *testing.T, what string, got, want [][]float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	type miss struct {
		i, j      int
		got, want float32
		err       float64
	}
	var all []miss
	var maxErr float64
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("%s: row %d has %d values, want %d", what, i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			e := math.Abs(float64(got[i][j] - want[i][j]))
			if math.IsNaN(e) {
				e = math.Inf(1)
			}
			maxErr = math.Max(maxErr, e)
			all = append(all, miss{i, j, got[i][j], want[i][j], e})
		}
	}
	if maxErr > tol {
		sort.Slice(all, func(a, b int) bool { return all[a].err > all[b].err })
		s := ""
		for _, m := range all[:min(5, len(all))] {
			s += fmt.Sprintf("\n  [%d][%d] got %.6f want %.6f (err %.2g)", m.i, m.j, m.got, m.want, m.err)
		}
		t.Fatalf("%s: max abs error %.3g > %.g; worst:%s", what, maxErr, tol, s)
	}
	t.Logf("%s: max abs error %.3g", what, maxErr)
}
