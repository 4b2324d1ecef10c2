package asr

import (
	"os"
	"testing"

	"github.com/ecoute/ecoute/internal/numtest"
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

// compare2D fails with the worst mismatches (internal/numtest) when got and
// want differ by more than tol anywhere.
func compare2D(t *testing.T, what string, got, want [][]float32, tol float64) {
	t.Helper()
	t.Logf("%s: max abs error %.3g", what, numtest.Close2D(t, what, got, want, tol))
}
