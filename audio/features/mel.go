package features

import (
	"fmt"
	"math"
)

// MelScale is Kaldi's mel scale: 1127 ln(1 + f/700).
func MelScale(f float64) float64 { return 1127 * math.Log(1+f/700) }

// InverseMelScale is the inverse of MelScale.
func InverseMelScale(m float64) float64 { return 700 * (math.Exp(m/1127) - 1) }

// melBanks are triangular filters over FFT bins 0..padded/2-1, stored as
// each bin's first FFT index and its non-zero weights.
type melBanks struct {
	offset  []int
	weights [][]float64
}

func newMelBanks(o MelOptions, f FrameOptions) (*melBanks, error) {
	if o.NumBins < 3 {
		return nil, fmt.Errorf("features: %d mel bins (want at least 3)", o.NumBins)
	}
	padded := f.PaddedWindowSize()
	numFFTBins := padded / 2
	nyquist := 0.5 * f.SampFreq
	low, high := o.LowFreq, o.HighFreq
	if high <= 0 {
		high += nyquist
	}
	if !(low >= 0 && low < nyquist && high > 0 && high <= nyquist && low < high) {
		return nil, fmt.Errorf("features: bad mel cut-offs: low %v Hz, high %v Hz, Nyquist %v Hz", o.LowFreq, o.HighFreq, nyquist)
	}
	warp := o.VtlnWarp
	if warp == 0 {
		warp = 1
	}
	vlow, vhigh := o.VtlnLow, o.VtlnHigh
	if warp != 1 {
		if vhigh < 0 {
			vhigh += nyquist
		}
		if !(warp > 0) || math.IsInf(warp, 0) {
			return nil, fmt.Errorf("features: VTLN warp factor %v is not positive", o.VtlnWarp)
		}
		// Kaldi's conditions, and the warped inflection points in order
		// (Kaldi lets a factor like 100 through).
		l, h := vlow*max(1, warp), vhigh*min(1, warp)
		if !(low < vlow && vlow < high && 0 < vhigh && vhigh < high && vlow < vhigh) || !(l > low && h < high && l < h) {
			return nil, fmt.Errorf("features: VTLN warp %v with inflection points %v and %v Hz does not fit the mel range %v-%v Hz",
				warp, o.VtlnLow, o.VtlnHigh, low, high)
		}
	}
	warpMel := func(mel float64) float64 {
		if warp == 1 {
			return mel
		}
		return MelScale(vtlnWarpFreq(vlow, vhigh, low, high, warp, InverseMelScale(mel)))
	}
	binWidth := f.SampFreq / float64(padded)
	melLow, melHigh := MelScale(low), MelScale(high)
	delta := (melHigh - melLow) / float64(o.NumBins+1)
	m := &melBanks{offset: make([]int, o.NumBins), weights: make([][]float64, o.NumBins)}
	for b := 0; b < o.NumBins; b++ {
		left := warpMel(melLow + float64(b)*delta)
		center := warpMel(melLow + float64(b+1)*delta)
		right := warpMel(melLow + float64(b+2)*delta)
		first, last := -1, -1
		w := make([]float64, numFFTBins)
		for i := 0; i < numFFTBins; i++ {
			mel := MelScale(binWidth * float64(i))
			if mel > left && mel < right {
				if mel <= center {
					w[i] = (mel - left) / (center - left)
				} else {
					w[i] = (right - mel) / (right - center)
				}
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first < 0 {
			// An empty bin: Kaldi accepts it; its energy is the log floor.
			m.offset[b] = 0
			m.weights[b] = nil
			continue
		}
		m.offset[b] = first
		m.weights[b] = w[first : last+1]
	}
	return m, nil
}

// vtlnWarpFreq is Kaldi's MelBanks::VtlnWarpFreq: frequency f scaled by
// 1/warp between the inflection points l and h (themselves moved by the
// factor), with linear pieces that keep low and high fixed.
func vtlnWarpFreq(vlow, vhigh, low, high, warp, f float64) float64 {
	if f < low || f > high {
		return f
	}
	l := vlow * max(1, warp)
	h := vhigh * min(1, warp)
	scale := 1 / warp
	fl, fh := scale*l, scale*h
	scaleLeft := (fl - low) / (l - low)
	scaleRight := (high - fh) / (high - h)
	switch {
	case f < l:
		return low + scaleLeft*(f-low)
	case f < h:
		return scale * f
	default:
		return high + scaleRight*(f-high)
	}
}

// apply writes the bank energies of spectrum spec into out.
func (m *melBanks) apply(out []float64, spec []float64) {
	for b, w := range m.weights {
		s := spec[m.offset[b]:]
		s = s[:len(w)]
		var e float64
		for i, v := range w {
			e += v * s[i]
		}
		out[b] = e
	}
}
