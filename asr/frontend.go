package asr

import (
	"sync"

	"github.com/ecoute/ecoute/audio/features"
)

// FrontEndComputer turns samples at the model rate into normalized network
// input frames (before stacking): MFCC or log-mel, deltas, CMVN. It is safe
// for concurrent use (feature extractors come from a pool).
type FrontEndComputer struct {
	cfg  FrontEnd
	pool sync.Pool
}

type extractor interface {
	Compute(samples []float32) [][]float32
}

// NewFrontEnd returns the computer for f, or a *ModelError if the options are
// rejected by audio/features.
func NewFrontEnd(f FrontEnd) (*FrontEndComputer, error) {
	fe := &FrontEndComputer{cfg: f}
	if _, err := fe.newExtractor(); err != nil {
		return nil, &ModelError{What: "front_end", Msg: err.Error()}
	}
	fe.pool.New = func() any {
		e, _ := fe.newExtractor()
		return e
	}
	return fe, nil
}

func (fe *FrontEndComputer) newExtractor() (extractor, error) {
	f := fe.cfg
	frame := features.DefaultFrameOptions()
	frame.SampFreq = float64(f.SampleRate)
	frame.FrameLengthMs = f.FrameLengthMs
	frame.FrameShiftMs = f.FrameShiftMs
	frame.Dither = 0
	mel := features.DefaultMelOptions()
	mel.NumBins = f.NumMelBins
	mel.LowFreq = f.LowFreq
	mel.HighFreq = f.HighFreq
	if f.Type == "mfcc" {
		o := features.DefaultMFCCOptions()
		o.Frame, o.Mel, o.NumCeps, o.UseEnergy = frame, mel, f.NumCeps, f.UseEnergy
		return features.NewMFCC(o)
	}
	o := features.DefaultFbankOptions()
	o.Frame, o.Mel, o.UseEnergy = frame, mel, f.UseEnergy
	return features.NewFbank(o)
}

// Compute returns the features of samples (at the model rate): [T][Dim()].
// Audio shorter than one frame gives no frames.
func (fe *FrontEndComputer) Compute(samples []float32) [][]float32 {
	e := fe.pool.Get().(extractor)
	x := e.Compute(samples)
	fe.pool.Put(e)
	if len(x) == 0 {
		return nil
	}
	if fe.cfg.DeltaOrder > 0 {
		x = features.AddDeltas(x, fe.cfg.DeltaOrder, fe.cfg.DeltaWindow)
	}
	if fe.cfg.CMVN == "utterance" {
		features.CMVN(x, true)
	}
	return x
}

// Input returns the network input for samples: Compute, then StackFrames.
func (fe *FrontEndComputer) Input(samples []float32) [][]float32 {
	x := fe.Compute(samples)
	if len(x) == 0 {
		return nil
	}
	return StackFrames(x, max(1, fe.cfg.Stack))
}
