package features

import "math"

// Fbank computes Kaldi's log-mel filterbank energies.
// It is not safe for concurrent use.
type Fbank struct {
	o    FbankOptions
	fr   *framer
	mel  *melBanks
	melE []float64
}

// NewFbank checks the options and precomputes the window and filterbank.
func NewFbank(o FbankOptions) (*Fbank, error) {
	if err := o.Frame.validate(); err != nil {
		return nil, err
	}
	mel, err := newMelBanks(o.Mel, o.Frame)
	if err != nil {
		return nil, err
	}
	f := &Fbank{o: o, mel: mel, melE: make([]float64, o.Mel.NumBins)}
	f.fr = newFramer(o.Frame, o.RawEnergy, o.UsePower, o.EnergyFloor)
	return f, nil
}

// Options returns the options f was made with.
func (f *Fbank) Options() FbankOptions { return f.o }

// Dim is the number of values per frame: NumBins, plus one with UseEnergy.
func (f *Fbank) Dim() int {
	if f.o.UseEnergy {
		return f.o.Mel.NumBins + 1
	}
	return f.o.Mel.NumBins
}

// NumFrames is the number of frames Compute returns for n samples.
func (f *Fbank) NumFrames(n int) int { return f.o.Frame.NumFrames(n) }

// Compute returns the filterbank features of samples (in [-1, 1], at
// Frame.SampFreq): [NumFrames][Dim], all rows views of one allocation.
func (f *Fbank) Compute(samples []float32) [][]float32 {
	return f.ComputeInto(nil, samples)
}

// ComputeInto is Compute writing into dst's rows when they have the
// capacity; it returns the rows used.
func (f *Fbank) ComputeInto(dst [][]float32, samples []float32) [][]float32 {
	dst = makeRows(dst, f.NumFrames(len(samples)), f.Dim())
	f.fr.reset()
	for i, row := range dst {
		f.frame(row, samples, i)
	}
	return dst
}

func (f *Fbank) frame(out []float32, samples []float32, i int) {
	logE := f.fr.process(samples, i)
	f.mel.apply(f.melE, f.fr.spec)
	bins := out
	if f.o.UseEnergy {
		if f.o.HTKCompat {
			out[len(out)-1] = float32(logE)
			bins = out[:len(out)-1]
		} else {
			out[0] = float32(logE)
			bins = out[1:]
		}
	}
	for b, e := range f.melE {
		if f.o.UseLogFbank {
			e = math.Log(math.Max(e, epsilon))
		}
		bins[b] = float32(e)
	}
}
