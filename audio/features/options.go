package features

import (
	"fmt"
	"math"
)

// FrameOptions control framing and per-frame processing, as Kaldi's
// FrameExtractionOptions (same names, same defaults except Dither).
type FrameOptions struct {
	SampFreq          float64 // sample rate in Hz (16000)
	FrameShiftMs      float64 // frame shift in ms (10)
	FrameLengthMs     float64 // frame length in ms (25)
	Dither            float64 // Gaussian dither on the 16-bit scale; 0 turns it off (0; Kaldi's default is 1)
	DitherSeed        uint64  // seed of the dither generator, reset at every Compute (0)
	PreemphCoeff      float64 // pre-emphasis coefficient (0.97)
	RemoveDcOffset    bool    // subtract each frame's mean (true)
	WindowType        string  // "povey", "hamming", "hanning", "sine", "rectangular" or "blackman" ("povey")
	RoundToPowerOfTwo bool    // zero-pad frames to a power of two for the FFT (true)
	BlackmanCoeff     float64 // constant of the generalized Blackman window (0.42)
	SnipEdges         bool    // true: only frames that fit; false: frames every shift, edges reflected (true)
}

// DefaultFrameOptions returns Kaldi's defaults with dither off.
func DefaultFrameOptions() FrameOptions {
	return FrameOptions{
		SampFreq: 16000, FrameShiftMs: 10, FrameLengthMs: 25, PreemphCoeff: 0.97,
		RemoveDcOffset: true, WindowType: "povey", RoundToPowerOfTwo: true,
		BlackmanCoeff: 0.42, SnipEdges: true,
	}
}

// WindowShift is the frame shift in samples.
func (o FrameOptions) WindowShift() int { return int(o.SampFreq * o.FrameShiftMs * 0.001) }

// WindowSize is the frame length in samples.
func (o FrameOptions) WindowSize() int { return int(o.SampFreq * o.FrameLengthMs * 0.001) }

// PaddedWindowSize is the FFT length.
func (o FrameOptions) PaddedWindowSize() int {
	n := o.WindowSize()
	if !o.RoundToPowerOfTwo {
		return n
	}
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

// NumFrames is the number of frames Kaldi extracts from n samples.
func (o FrameOptions) NumFrames(n int) int {
	shift, size := o.WindowShift(), o.WindowSize()
	if o.SnipEdges {
		if n < size {
			return 0
		}
		return 1 + (n-size)/shift
	}
	return (n + shift/2) / shift
}

func (o FrameOptions) validate() error {
	if !(o.SampFreq > 0) || math.IsInf(o.SampFreq, 0) {
		return fmt.Errorf("features: SampFreq %v", o.SampFreq)
	}
	if o.WindowShift() <= 0 {
		return fmt.Errorf("features: frame shift %v ms is under one sample", o.FrameShiftMs)
	}
	if o.WindowSize() < 2 || o.WindowSize() > 1<<20 {
		return fmt.Errorf("features: frame length %v ms gives %d samples", o.FrameLengthMs, o.WindowSize())
	}
	if o.PaddedWindowSize()%2 != 0 {
		return fmt.Errorf("features: FFT length %d is odd; set RoundToPowerOfTwo or change FrameLengthMs", o.PaddedWindowSize())
	}
	if o.PreemphCoeff < 0 || o.PreemphCoeff > 1 {
		return fmt.Errorf("features: PreemphCoeff %v outside [0, 1]", o.PreemphCoeff)
	}
	if o.Dither < 0 {
		return fmt.Errorf("features: Dither %v is negative", o.Dither)
	}
	switch o.WindowType {
	case "povey", "hamming", "hanning", "sine", "rectangular", "blackman":
	default:
		return fmt.Errorf("features: unknown WindowType %q", o.WindowType)
	}
	return nil
}

// MelOptions describe the triangular mel filterbank, as Kaldi's
// MelBanksOptions with its VTLN warping.
type MelOptions struct {
	NumBins  int     // number of triangular bins (23)
	LowFreq  float64 // low cut-off in Hz (20)
	HighFreq float64 // high cut-off in Hz; 0 or negative is an offset from Nyquist (0)

	// VTLN: the bin edges are moved by Kaldi's piecewise-linear frequency
	// warp f -> f/VtlnWarp (1, or 0, for none: above 1 moves the bins down
	// in frequency), exact between VtlnLow and VtlnHigh and pinned at
	// LowFreq and HighFreq. The trainer draws a factor per utterance
	// (vocal tract length perturbation).
	VtlnWarp float64 // warp factor (1)
	VtlnLow  float64 // lower inflection point in Hz (100)
	VtlnHigh float64 // upper inflection point in Hz; negative is an offset from Nyquist (-500)
}

// DefaultMelOptions returns Kaldi's defaults.
func DefaultMelOptions() MelOptions {
	return MelOptions{NumBins: 23, LowFreq: 20, VtlnWarp: 1, VtlnLow: 100, VtlnHigh: -500}
}

// MFCCOptions are Kaldi's MfccOptions.
type MFCCOptions struct {
	Frame          FrameOptions
	Mel            MelOptions
	NumCeps        int     // cepstra kept, including C0 (13)
	UseEnergy      bool    // replace C0 by the log energy (true)
	EnergyFloor    float64 // floor on the energy (absolute, not log); 0 for none (0)
	RawEnergy      bool    // energy before pre-emphasis and windowing (true)
	CepstralLifter float64 // lifter coefficient; 0 for none (22)
	HTKCompat      bool    // energy/C0 last, as HTK (false)
}

// DefaultMFCCOptions returns Kaldi's defaults (dither off).
func DefaultMFCCOptions() MFCCOptions {
	return MFCCOptions{
		Frame: DefaultFrameOptions(), Mel: DefaultMelOptions(), NumCeps: 13,
		UseEnergy: true, RawEnergy: true, CepstralLifter: 22,
	}
}

// FbankOptions are Kaldi's FbankOptions.
type FbankOptions struct {
	Frame       FrameOptions
	Mel         MelOptions
	UseEnergy   bool    // add the log energy as the first column (last with HTKCompat) (false)
	EnergyFloor float64 // floor on the energy (absolute, not log); 0 for none (0)
	RawEnergy   bool    // energy before pre-emphasis and windowing (true)
	HTKCompat   bool    // energy last (false)
	UseLogFbank bool    // log of the mel energies (true)
	UsePower    bool    // power spectrum rather than magnitude (true)
}

// DefaultFbankOptions returns Kaldi's defaults (dither off).
func DefaultFbankOptions() FbankOptions {
	return FbankOptions{
		Frame: DefaultFrameOptions(), Mel: DefaultMelOptions(),
		RawEnergy: true, UseLogFbank: true, UsePower: true,
	}
}
