package asrtest

import (
	"bytes"
	"math"
	"testing"

	"github.com/ecoute/ecoute/asr"
)

func TestModel(t *testing.T) {
	o := Options{Hidden: 8, Layers: 1, Std: 0.5, Seed: [2]uint64{7, 9}}
	m, err := Model(o)
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.HiddenSize != 8 || m.Config.NumLayers != 1 {
		t.Errorf("config %d units x %d layers, want 8 x 1", m.Config.HiddenSize, m.Config.NumLayers)
	}
	if want := asr.DefaultConfig(); m.Config.NumLayers == want.NumLayers && m.Config.HiddenSize == want.HiddenSize {
		t.Error("the options did not resize the default architecture")
	}
	// The weights have the asked spread, and every tensor is filled.
	var n int
	var sum, sq float64
	for _, s := range asr.TensorSpecs(&m.Config) {
		v := m.Tensor(s.Name)
		if len(v) == 0 {
			t.Fatalf("tensor %s is empty", s.Name)
		}
		for _, x := range v {
			sum += float64(x)
			sq += float64(x) * float64(x)
		}
		n += len(v)
	}
	if n != m.Config.NumParams() {
		t.Errorf("%d weights, config says %d", n, m.Config.NumParams())
	}
	mean := sum / float64(n)
	std := math.Sqrt(sq/float64(n) - mean*mean)
	if math.Abs(mean) > 0.05 || math.Abs(std-0.5) > 0.05 {
		t.Errorf("weights mean %.3f std %.3f, want about 0 and 0.5", mean, std)
	}

	// Same options, same file; another seed, another file; the file loads.
	a, err := ModelFile(o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ModelFile(o)
	if !bytes.Equal(a, b) {
		t.Error("the same options gave two different model files")
	}
	o.Seed[1]++
	if c, _ := ModelFile(o); bytes.Equal(a, c) {
		t.Error("another seed gave the same model file")
	}
	l, err := asr.Load(a)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Tensor("fc.bias"), m.Tensor("fc.bias"); len(got) != len(want) || got[0] != want[0] {
		t.Error("the saved model does not load with the same weights")
	}
}

func TestDefaultStd(t *testing.T) {
	a, _ := Model(Options{Hidden: 4, Layers: 1})
	b, _ := Model(Options{Hidden: 4, Layers: 1, Std: 0.3})
	if x, y := a.Tensor("fc.weight"), b.Tensor("fc.weight"); x[0] != y[0] || x[len(x)-1] != y[len(y)-1] {
		t.Error("Std 0 is not 0.3")
	}
}
