package asrtest

import (
	"bytes"
	"math/rand/v2"

	"github.com/ecoute/ecoute/asr"
)

// Options describe a random model: asr.DefaultConfig's front end, tokenizer
// and architecture with the LSTM resized.
type Options struct {
	Hidden int       // LSTM units per direction; 0 keeps asr.DefaultConfig's
	Layers int       // LSTM layers; 0 keeps asr.DefaultConfig's
	Std    float64   // standard deviation of the weights; 0 means 0.3
	Seed   [2]uint64 // the seeds of rand.NewPCG
}

// Config returns the filled asr.Config of a model with options o.
func Config(o Options) asr.Config {
	c := asr.DefaultConfig()
	if o.Hidden > 0 {
		c.HiddenSize = o.Hidden
	}
	if o.Layers > 0 {
		c.NumLayers = o.Layers
	}
	c.Fill()
	return c
}

// Model returns a model of Config(o) whose weights are drawn from a normal
// distribution of mean 0 and standard deviation o.Std by
// rand.New(rand.NewPCG(o.Seed[0], o.Seed[1])), tensor after tensor in
// asr.TensorSpecs order. Its error is asr.NewModel's.
func Model(o Options) (*asr.Model, error) {
	c := Config(o)
	std := o.Std
	if std == 0 {
		std = 0.3
	}
	rng := rand.New(rand.NewPCG(o.Seed[0], o.Seed[1]))
	tensors := map[string][]float32{}
	for _, s := range asr.TensorSpecs(&c) {
		n := 1
		for _, d := range s.Shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * std)
		}
		tensors[s.Name] = v
	}
	return asr.NewModel(c, tensors)
}

// ModelFile returns Model(o) saved as a model file (asr.Load reads it).
func ModelFile(o Options) ([]byte, error) {
	m, err := Model(o)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := m.Save(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
