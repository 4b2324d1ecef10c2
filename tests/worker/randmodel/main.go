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
	"os"

	"github.com/ecoute/ecoute/asr/asrtest"
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
	m, err := asrtest.Model(asrtest.Options{Hidden: *hidden, Layers: *layers, Std: 0.1, Seed: [2]uint64{*seed, 0x6563}})
	if err == nil {
		m.Config.Provenance.Notes = "random weights for load tests; not a trained model"
		err = m.SaveFile(*out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "randmodel:", err)
		os.Exit(1)
	}
	fmt.Printf("randmodel: %s: %d parameters\n", *out, m.NumParams())
}
