// Command asrpack assembles a deployable model file: a trained model (or the
// average of the weights of several snapshots of one training run), a word
// n-gram LM (ARPA, stored inside the file), and F32, F16 or int8 weights.
//
//	go run ./asr/internal/asrpack -model phase-b.safetensors -lm lm.arpa -half \
//	    -o asr/default/model.safetensors
//	go run ./asr/internal/asrpack -model big.safetensors -lm lm.arpa -int8 -dither 1 -o small.safetensors
//	go run ./asr/internal/asrpack -model ep13.safetensors,ep14.safetensors,ep15.safetensors -o avg.safetensors
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/ecoute/ecoute/asr"
)

func main() {
	in := flag.String("model", "", "trained model file, or a comma-separated list of files of the same configuration whose weights are averaged")
	lmPath := flag.String("lm", "", "ARPA word LM to embed (empty: keep the model's)")
	half := flag.Bool("half", false, "store weights as F16")
	int8 := flag.Bool("int8", false, "store weight matrices as int8 with per-row scales (biases F32)")
	notes := flag.String("notes", "", "append to the provenance notes")
	dither := flag.Float64("dither", -1, "set the front end's dither (Gaussian noise, in 16-bit sample units, added before analysis; 0 off); negative: keep the model's")
	out := flag.String("o", "", "output model file")
	flag.Parse()
	m, err := load(strings.Split(*in, ","))
	check(err)
	if *lmPath != "" {
		b, err := os.ReadFile(*lmPath)
		check(err)
		m.LM, err = asr.ParseLanguageModel(b)
		if err != nil {
			check(fmt.Errorf("%s: %w", *lmPath, err))
		}
	}
	if *notes != "" {
		m.Config.Provenance.Notes += *notes
	}
	if *dither >= 0 {
		m.Config.FrontEnd.Dither = *dither
	}
	var buf bytes.Buffer
	switch {
	case *half && *int8:
		check(fmt.Errorf("-half and -int8 exclude each other"))
	case *int8:
		check(m.SaveInt8(&buf))
	case *half:
		check(m.SaveHalf(&buf))
	default:
		check(m.Save(&buf))
	}
	// Check that it loads.
	_, err = asr.Load(buf.Bytes())
	check(err)
	check(os.WriteFile(*out, buf.Bytes(), 0o644))
	fmt.Printf("wrote %s: %d bytes, %d parameters\n", *out, buf.Len(), m.NumParams())
}

// load reads one model, or averages the weights of several with the same
// configuration (the first one's metadata and LM are kept).
func load(paths []string) (*asr.Model, error) {
	first, err := asr.LoadFile(paths[0])
	if err != nil || len(paths) == 1 {
		return first, err
	}
	specs := asr.TensorSpecs(&first.Config)
	sum := map[string][]float64{}
	for _, s := range specs {
		sum[s.Name] = make([]float64, len(first.Tensor(s.Name)))
	}
	for i, p := range paths {
		m := first
		if i > 0 {
			if m, err = asr.LoadFile(p); err != nil {
				return nil, err
			}
		}
		if m.Config.InputSize != first.Config.InputSize || m.Config.HiddenSize != first.Config.HiddenSize ||
			m.Config.NumLayers != first.Config.NumLayers || m.Config.OutputSize != first.Config.OutputSize ||
			m.Config.Bidirectional != first.Config.Bidirectional {
			return nil, fmt.Errorf("%s: its sizes differ from %s's; only snapshots of one model can be averaged", p, paths[0])
		}
		for _, s := range specs {
			for i, v := range m.Tensor(s.Name) {
				sum[s.Name][i] += float64(v)
			}
		}
	}
	avg := map[string][]float32{}
	for name, v := range sum {
		a := make([]float32, len(v))
		for i := range v {
			a[i] = float32(v[i] / float64(len(paths)))
		}
		avg[name] = a
	}
	m, err := asr.NewModel(first.Config, avg)
	if err != nil {
		return nil, err
	}
	m.LM = first.LM
	m.Config.Provenance.Notes += fmt.Sprintf(" Weights averaged over %d snapshots.", len(paths))
	return m, nil
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "asrpack:", err)
		os.Exit(1)
	}
}
