package train

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/ecoute/ecoute/asr"
)

// batches returns epoch e's batches (indices into t.utts): utterances sorted
// by length with a seeded jitter, cut into batches of at most BatchFrames
// padded frames and MaxBatch utterances, in a seeded random order.
func (t *trainer) batches(e int) [][]int {
	rng := rand.New(rand.NewPCG(t.o.Seed, uint64(e)<<32|0xba7c))
	type key struct {
		i int
		k float64
	}
	keys := make([]key, len(t.utts))
	for i, u := range t.utts {
		keys[i] = key{i, u.Seconds * (1 + 0.15*(rng.Float64()-0.5))}
	}
	sort.SliceStable(keys, func(a, b int) bool { return keys[a].k < keys[b].k })
	var out [][]int
	var cur []int
	maxLen := 0.0
	for _, k := range keys {
		s := t.utts[k.i].Seconds * 1.12 // room for speed perturbation
		frames := func(n int, l float64) int { return int(float64(n) * l * 1000 / t.cfg.FrontEnd.FrameShiftMs) }
		if len(cur) > 0 && (len(cur) >= t.o.MaxBatch || frames(len(cur)+1, math.Max(maxLen, s)) > t.o.BatchFrames) {
			out = append(out, cur)
			cur, maxLen = nil, 0
		}
		cur = append(cur, k.i)
		maxLen = math.Max(maxLen, s)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	rng.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}

// prepared is a batch ready for the network.
type prepared struct {
	idx    []int
	inputs [][][]float32 // [b][T'][In]
	err    error
}

// prepare computes the network inputs of a batch; with augment it applies
// the utterance's seeded augmentations.
func (t *trainer) prepare(e int, idx []int, augment bool) prepared {
	p := prepared{idx: idx, inputs: make([][][]float32, len(idx))}
	base := t.cfg.FrontEnd.NumCeps
	if t.cfg.FrontEnd.Type != "mfcc" {
		base = t.cfg.FrontEnd.Dim() / (1 + t.cfg.FrontEnd.DeltaOrder)
	}
	for j, i := range idx {
		x, err := t.samples(&t.utts[i].Utterance)
		if err != nil {
			p.err = err
			return p
		}
		rng := t.uttRNG(e, i)
		if augment && t.aug != nil && rng.Float64() < t.o.AugmentProb {
			x = t.aug.Apply(rng, x, t.cfg.FrontEnd.SampleRate)
		}
		var feats [][]float32
		if augment && t.o.VTLP.Prob > 0 && rng.Float64() < t.o.VTLP.Prob {
			feats = t.fe.ComputeWarped(x, t.o.VTLP.draw(rng))
		} else {
			feats = t.fe.Compute(x)
		}
		if augment && t.o.SpecAugment.TimeMasks+t.o.SpecAugment.FreqMasks > 0 {
			t.o.SpecAugment.Apply(rng, feats, base)
		}
		p.inputs[j] = asr.StackFrames(feats, max(1, t.cfg.FrontEnd.Stack))
	}
	return p
}
