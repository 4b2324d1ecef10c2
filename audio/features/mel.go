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
	binWidth := f.SampFreq / float64(padded)
	melLow, melHigh := MelScale(low), MelScale(high)
	delta := (melHigh - melLow) / float64(o.NumBins+1)
	m := &melBanks{offset: make([]int, o.NumBins), weights: make([][]float64, o.NumBins)}
	for b := 0; b < o.NumBins; b++ {
		left := melLow + float64(b)*delta
		center := melLow + float64(b+1)*delta
		right := melLow + float64(b+2)*delta
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
