package asr

import (
	"sync"

	"github.com/ecoute/ecoute/audio/features"
)

// FrontEndComputer turns samples at the model rate into normalized network
// input frames (before stacking): the features.Pipeline of the model's
// FrontEnd (MFCC or log-mel, deltas, then CMVN). It is safe for concurrent
// use (pipelines come from a pool).
type FrontEndComputer struct {
	cfg  FrontEnd
	pool *sync.Pool
	warp sync.Map // VTLN factor (float64) -> *sync.Pool of pipelines
}

// NewFrontEnd returns the computer for f, or a *ModelError if the options are
// rejected by audio/features.
func NewFrontEnd(f FrontEnd) (*FrontEndComputer, error) {
	p, err := newPipelinePool(f.featureConfig(1))
	if err != nil {
		return nil, &ModelError{What: "front_end", Msg: err.Error()}
	}
	return &FrontEndComputer{cfg: f, pool: p}, nil
}

// newPipelinePool returns a pool of pipelines for c, holding one, or the
// error of features.NewPipeline.
func newPipelinePool(c features.Config) (*sync.Pool, error) {
	e, err := features.NewPipeline(c)
	if err != nil {
		return nil, err
	}
	p := &sync.Pool{New: func() any {
		e, _ := features.NewPipeline(c)
		return e
	}}
	p.Put(e)
	return p, nil
}

// featureConfig is the features.Config of f with the mel filterbank warped
// by VTLN factor warp (1: none). Options FrontEnd does not name keep
// Kaldi's defaults.
func (f FrontEnd) featureConfig(warp float64) features.Config {
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
	c := features.Config{
		Type:       f.Type,
		MFCC:       features.DefaultMFCCOptions(),
		Fbank:      features.DefaultFbankOptions(),
		DeltaOrder: f.DeltaOrder, DeltaWindow: f.DeltaWindow,
		CMVN: f.CMVN == "utterance",
	}
	c.MFCC.Frame, c.MFCC.Mel, c.MFCC.NumCeps, c.MFCC.UseEnergy = frame, mel, f.NumCeps, f.UseEnergy
	c.Fbank.Frame, c.Fbank.Mel, c.Fbank.UseEnergy = frame, mel, f.UseEnergy
	return c
}

// Compute returns the features of samples (at the model rate): [T][Dim()].
// Audio shorter than one frame gives no frames.
func (fe *FrontEndComputer) Compute(samples []float32) [][]float32 {
	return fe.computeWith(fe.pool, samples)
}

// computeWith runs a pipeline from pool p.
func (fe *FrontEndComputer) computeWith(p *sync.Pool, samples []float32) [][]float32 {
	e := p.Get().(*features.Pipeline)
	x := e.Compute(samples)
	p.Put(e)
	if len(x) == 0 {
		return nil
	}
	return x
}

// warped returns the pipeline pool for VTLN factor warp.
func (fe *FrontEndComputer) warped(warp float64) (*sync.Pool, error) {
	if p, ok := fe.warp.Load(warp); ok {
		return p.(*sync.Pool), nil
	}
	p, err := newPipelinePool(fe.cfg.featureConfig(warp))
	if err != nil {
		return nil, err
	}
	actual, _ := fe.warp.LoadOrStore(warp, p)
	return actual.(*sync.Pool), nil
}

// CheckWarp returns the error the front end gives for VTLN factor warp,
// or nil if ComputeWarped accepts it.
func (fe *FrontEndComputer) CheckWarp(warp float64) error {
	_, err := fe.warped(warp)
	return err
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
