package features

import (
	"fmt"
	"math"
)

// MFCC computes Kaldi's mel-frequency cepstral coefficients.
// It is not safe for concurrent use.
type MFCC struct {
	o      MFCCOptions
	fr     *framer
	mel    *melBanks
	dct    []float64 // [NumCeps][NumBins], row-major
	lifter []float64 // [NumCeps]
	melE   []float64 // [NumBins] scratch
}

// NewMFCC checks the options and precomputes the window, filterbank, DCT
// and lifter.
func NewMFCC(o MFCCOptions) (*MFCC, error) {
	if err := o.Frame.validate(); err != nil {
		return nil, err
	}
	mel, err := newMelBanks(o.Mel, o.Frame)
	if err != nil {
		return nil, err
	}
	nb := o.Mel.NumBins
	if o.NumCeps < 1 || o.NumCeps > nb {
		return nil, fmt.Errorf("features: NumCeps %d must be in [1, NumBins=%d]", o.NumCeps, nb)
	}
	if o.EnergyFloor < 0 || o.CepstralLifter < 0 {
		return nil, fmt.Errorf("features: negative EnergyFloor or CepstralLifter")
	}
	m := &MFCC{o: o, mel: mel, melE: make([]float64, nb)}
	m.fr = newFramer(o.Frame, o.RawEnergy, true, o.EnergyFloor)
	// Kaldi's ComputeDctMatrix: the orthonormal DCT-II, first NumCeps rows.
	m.dct = make([]float64, o.NumCeps*nb)
	for k := 0; k < o.NumCeps; k++ {
		norm := math.Sqrt(2 / float64(nb))
		if k == 0 {
			norm = math.Sqrt(1 / float64(nb))
		}
		for n := 0; n < nb; n++ {
			m.dct[k*nb+n] = norm * math.Cos(math.Pi/float64(nb)*(float64(n)+0.5)*float64(k))
		}
	}
	m.lifter = make([]float64, o.NumCeps)
	for i := range m.lifter {
		m.lifter[i] = 1
		if q := o.CepstralLifter; q != 0 {
			m.lifter[i] = 1 + 0.5*q*math.Sin(math.Pi*float64(i)/q)
		}
	}
	return m, nil
}

// Options returns the options m was made with.
func (m *MFCC) Options() MFCCOptions { return m.o }

// Dim is the number of coefficients per frame (NumCeps).
func (m *MFCC) Dim() int { return m.o.NumCeps }

// NumFrames is the number of frames Compute returns for n samples.
func (m *MFCC) NumFrames(n int) int { return m.o.Frame.NumFrames(n) }

// Compute returns the MFCCs of samples (in [-1, 1], at Frame.SampFreq):
// [NumFrames][NumCeps], all rows views of one allocation.
func (m *MFCC) Compute(samples []float32) [][]float32 {
	return m.ComputeInto(nil, samples)
}

// ComputeInto is Compute writing into dst's rows when dst has enough
// capacity (rows of length Dim), so a caller that keeps dst allocates
// nothing. It returns the rows used.
func (m *MFCC) ComputeInto(dst [][]float32, samples []float32) [][]float32 {
	dst = makeRows(dst, m.NumFrames(len(samples)), m.Dim())
	m.fr.reset()
	for i, row := range dst {
		m.frame(row, samples, i)
	}
	return dst
}

// frame computes frame i into out. It allocates nothing.
func (m *MFCC) frame(out []float32, samples []float32, i int) {
	logE := m.fr.process(samples, i)
	m.mel.apply(m.melE, m.fr.spec)
	for b, e := range m.melE {
		m.melE[b] = math.Log(math.Max(e, epsilon))
	}
	nb := len(m.melE)
	nc := m.o.NumCeps
	for k := 0; k < nc; k++ {
		row := m.dct[k*nb : (k+1)*nb]
		var s float64
		for n, v := range m.melE {
			s += row[n] * v
		}
		out[k] = float32(s * m.lifter[k])
	}
	if m.o.UseEnergy {
		out[0] = float32(logE)
	}
	if m.o.HTKCompat {
		energy := out[0]
		copy(out, out[1:nc])
		if !m.o.UseEnergy {
			energy *= math.Sqrt2
		}
		out[nc-1] = energy
	}
}

// makeRows returns n rows of length d, reusing dst's storage when its rows
// have the capacity and allocating one backing array otherwise.
func makeRows(dst [][]float32, n, d int) [][]float32 {
	if cap(dst) >= n {
		dst = dst[:n]
		ok := true
		for _, r := range dst {
			if cap(r) < d {
				ok = false
				break
			}
		}
		if ok {
			for i := range dst {
				dst[i] = dst[i][:d]
			}
			return dst
		}
	}
	rows := make([][]float32, n)
	back := make([]float32, n*d)
	for i := range rows {
		rows[i] = back[i*d : (i+1)*d : (i+1)*d]
	}
	return rows
}
