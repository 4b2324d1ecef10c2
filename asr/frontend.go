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
	warp sync.Map // VTLN factor (float64) -> *sync.Pool of extractors
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

func (fe *FrontEndComputer) newExtractor() (extractor, error) { return fe.newWarpedExtractor(1) }

func (fe *FrontEndComputer) newWarpedExtractor(warp float64) (extractor, error) {
	f := fe.cfg
	frame := features.DefaultFrameOptions()
	frame.SampFreq = float64(f.SampleRate)
	frame.FrameLengthMs = f.FrameLengthMs
	frame.FrameShiftMs = f.FrameShiftMs
	frame.Dither = f.Dither
	mel := features.DefaultMelOptions()
	mel.NumBins = f.NumMelBins
	mel.LowFreq = f.LowFreq
	mel.HighFreq = f.HighFreq
	mel.VtlnWarp = warp
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
	return fe.computeWith(&fe.pool, samples)
}

// computeWith runs an extractor from pool p, then adds deltas and normalizes.
func (fe *FrontEndComputer) computeWith(p *sync.Pool, samples []float32) [][]float32 {
	e := p.Get().(extractor)
	x := e.Compute(samples)
	p.Put(e)
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

// warped returns the extractor pool for VTLN factor warp.
func (fe *FrontEndComputer) warped(warp float64) (*sync.Pool, error) {
	if p, ok := fe.warp.Load(warp); ok {
		return p.(*sync.Pool), nil
	}
	e, err := fe.newWarpedExtractor(warp)
	if err != nil {
		return nil, err
	}
	p := &sync.Pool{New: func() any {
		e, _ := fe.newWarpedExtractor(warp)
		return e
	}}
	p.Put(e)
	actual, _ := fe.warp.LoadOrStore(warp, p)
	return actual.(*sync.Pool), nil
}

// ComputeWarped is Compute with the mel filterbank warped by VTLN factor
// warp (features.MelOptions.VtlnWarp; 1 is Compute). It panics if the front
// end rejects the factor (the trainer checks its range first).
func (fe *FrontEndComputer) ComputeWarped(samples []float32, warp float64) [][]float32 {
	if warp == 1 {
		return fe.Compute(samples)
	}
	p, err := fe.warped(warp)
	if err != nil {
		panic("asr: " + err.Error())
	}
	return fe.computeWith(p, samples)
}

// Input returns the network input for samples: Compute, then StackFrames.
func (fe *FrontEndComputer) Input(samples []float32) [][]float32 {
	x := fe.Compute(samples)
	if len(x) == 0 {
		return nil
	}
	return StackFrames(x, max(1, fe.cfg.Stack))
}
