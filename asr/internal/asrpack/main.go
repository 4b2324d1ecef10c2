// Command asrpack assembles a deployable model file: a trained model, a word
// n-gram LM (ARPA, stored inside the file) and optionally F16 weights.
//
//	go run ./asr/internal/asrpack -model phase-b.safetensors -lm lm.arpa -half \
//	    -o asr/default/model.safetensors
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/ecoute/ecoute/asr"
)

func main() {
	in := flag.String("model", "", "trained model file")
	lmPath := flag.String("lm", "", "ARPA word LM to embed (empty: keep the model's)")
	half := flag.Bool("half", false, "store weights as F16")
	notes := flag.String("notes", "", "append to the provenance notes")
	out := flag.String("o", "", "output model file")
	flag.Parse()
	m, err := asr.LoadFile(*in)
	check(err)
	if *lmPath != "" {
		b, err := os.ReadFile(*lmPath)
		check(err)
		m.LM, _ = asr.ParseLanguageModel(b)
		if _, err := m.LM.Model(); err != nil {
			check(fmt.Errorf("%s: %w", *lmPath, err))
		}
	}
	if *notes != "" {
		m.Config.Provenance.Notes += *notes
	}
	var buf bytes.Buffer
	if *half {
		check(m.SaveHalf(&buf))
	} else {
		check(m.Save(&buf))
	}
	// Check that it loads.
	_, err = asr.Load(buf.Bytes())
	check(err)
	check(os.WriteFile(*out, buf.Bytes(), 0o644))
	fmt.Printf("wrote %s: %d bytes, %d parameters\n", *out, buf.Len(), m.NumParams())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "asrpack:", err)
		os.Exit(1)
	}
}
