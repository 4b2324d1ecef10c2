package asr

import (
	"math"
	"strings"
	"sync"
)

// beamState is the recognizer's beam search setup, built on first use.
type beamState struct {
	once sync.Once
	dec  *prefixBeam
	err  error
}

func (r *Recognizer) decoder() (*prefixBeam, error) {
	r.beam.once.Do(func() {
		d := &prefixBeam{
			blank: r.vocab.blank, space: r.vocab.space, vocab: r.vocab.pieces,
			beam: r.o.Beam, topK: 10,
			// Labels under 1e-4 rarely matter and cost time.
			prune: math.Log(1e-4),
		}
		if r.o.UseLM && r.m.LM != nil {
			lmod, err := r.m.LM.Model()
			if err != nil {
				r.beam.err = err
				return
			}
			d.lm, d.alpha, d.beta = lmod, r.o.Alpha, r.o.Beta
		}
		if len(r.o.Hotwords) > 0 {
			d.hot = map[string]float64{}
			for _, h := range r.o.Hotwords {
				d.hot[strings.ToLower(h.Word)] = h.Boost
			}
		}
		r.beam.dec = d
	})
	return r.beam.dec, r.beam.err
}

// beamDecode runs prefix beam search (with the LM when asked and the model
// has one). ok is false if the LM could not be parsed; the caller then
// decodes greedily.
func (r *Recognizer) beamDecode(lp [][]float32) ([]Word, []Hypothesis, bool) {
	dec, err := r.decoder()
	if err != nil {
		return nil, nil, false
	}
	res := dec.decode(lp, max(1, r.o.NBest))
	if len(res) == 0 {
		return nil, nil, true
	}
	words := r.wordsFromTokens(align(lp, res[0].labels, r.vocab.blank))
	var hyps []Hypothesis
	for _, h := range res {
		hyps = append(hyps, Hypothesis{Text: r.vocab.decode(h.labels), Score: h.score, AcousticScore: h.acoustic, LMScore: h.lmLog10})
	}
	return words, hyps, true
}
