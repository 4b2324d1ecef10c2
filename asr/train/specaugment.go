package train

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SpecAugment masks bands of feature channels and stretches of frames with
// zeros (the mean after CMVN), after Park et al. 2019. Time warping is left
// out: speed perturbation covers it.
type SpecAugment struct {
	FreqMasks   int     // number of channel bands masked
	FreqWidth   int     // each band is 0..FreqWidth channels wide
	TimeMasks   int     // number of frame stretches masked
	TimeWidth   int     // each stretch is 0..TimeWidth frames long
	MaxTimeFrac float64 // at most this fraction of one utterance per stretch
}

// DefaultSpecAugment returns 2 frequency masks of up to 4 channels (of 13
// base channels; a band masks the same channels of the static, Δ and ΔΔ
// blocks) and 2 time masks of up to 20 frames, at most 10% of the utterance
// each.
func DefaultSpecAugment() SpecAugment {
	return SpecAugment{FreqMasks: 2, FreqWidth: 4, TimeMasks: 2, TimeWidth: 20, MaxTimeFrac: 0.1}
}

// Apply masks feats in place. feats: [T][blocks*base]; a frequency band
// [f, f+w) of the base channels is zeroed in every block (statics and their
// deltas alike). It panics if base does not divide the frame width.
func (s SpecAugment) Apply(rng *rand.Rand, feats [][]float32, base int) {
	if len(feats) == 0 {
		return
	}
	d := len(feats[0])
	if base <= 0 || d%base != 0 {
		panic("train: SpecAugment base does not divide the feature width")
	}
	for m := 0; m < s.FreqMasks && s.FreqWidth > 0; m++ {
		w := rng.IntN(s.FreqWidth + 1)
		if w == 0 || w >= base {
			continue
		}
		f0 := rng.IntN(base - w + 1)
		for _, row := range feats {
			for b := 0; b < d; b += base {
				clear(row[b+f0 : b+f0+w])
			}
		}
	}
	T := len(feats)
	maxW := s.TimeWidth
	if s.MaxTimeFrac > 0 {
		maxW = min(maxW, int(s.MaxTimeFrac*float64(T)))
	}
	for m := 0; m < s.TimeMasks && maxW > 0; m++ {
		w := rng.IntN(maxW + 1)
		if w == 0 || w >= T {
			continue
		}
		t0 := rng.IntN(T - w + 1)
		for t := t0; t < t0+w; t++ {
			clear(feats[t])
		}
	}
}

// VTLP is vocal tract length perturbation: with probability Prob an
// utterance's features are computed with its mel filterbank warped by a
// factor drawn uniformly from [Min, Max] (Kaldi's VTLN warp, see
// features.MelOptions; rounded to 0.01), which moves formants the way a
// shorter or longer vocal tract does. Factors near 0.9-1.1 are usual.
type VTLP struct {
	Prob float64 `json:"prob"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

func (v VTLP) check() error {
	if v == (VTLP{}) {
		return nil
	}
	if !(v.Prob >= 0 && v.Prob <= 1) {
		return fmt.Errorf("train: vtlp prob %v is outside [0, 1]", v.Prob)
	}
	if !(v.Min >= 0.5 && v.Min <= v.Max && v.Max <= 2) {
		return fmt.Errorf("train: vtlp factors [%v, %v] must satisfy 0.5 <= min <= max <= 2", v.Min, v.Max)
	}
	return nil
}

// draw returns a factor in [Min, Max] rounded to 0.01.
func (v VTLP) draw(rng *rand.Rand) float64 {
	return roundWarp(v.Min + (v.Max-v.Min)*rng.Float64())
}

// roundWarp rounds a VTLP factor to 0.01, so that the front end keeps one
// filterbank per distinct factor.
func roundWarp(w float64) float64 { return math.Round(100*w) / 100 }
