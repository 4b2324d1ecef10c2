// Command randmodel writes a seeded random model in asr's default
// architecture (or a smaller one), for timing and load-testing the worker
// when no trained model is at hand: its transcripts are gibberish but it
// costs exactly what a trained model of the same shape costs.
//
//	go run ./tests/worker/randmodel -o /tmp/rand.safetensors [-hidden 224 -layers 3]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/ecoute/ecoute/asr"
)

func main() {
	out := flag.String("o", "", "output model `file`")
	hidden := flag.Int("hidden", 0, "LSTM units per direction (0: the default architecture's)")
	layers := flag.Int("layers", 0, "LSTM layers (0: the default architecture's)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	c := asr.DefaultConfig()
	if *hidden > 0 {
		c.HiddenSize = *hidden
	}
	if *layers > 0 {
		c.NumLayers = *layers
	}
	c.Fill()
	c.Provenance.Notes = "random weights for load tests; not a trained model"
	rng := rand.New(rand.NewPCG(*seed, 0x6563))
	tensors := map[string][]float32{}
	for _, s := range asr.TensorSpecs(&c) {
		n := 1
		for _, d := range s.Shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 0.1)
		}
		tensors[s.Name] = v
	}
	m, err := asr.NewModel(c, tensors)
	if err == nil {
		err = m.SaveFile(*out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "randmodel:", err)
		os.Exit(1)
	}
	fmt.Printf("randmodel: %s: %d parameters\n", *out, m.NumParams())
}
