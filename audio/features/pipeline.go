package features

import "fmt"

// Config describes a whole feature front end: the extractor (MFCC or
// log-mel filterbank), deltas and per-utterance normalisation. It is what
// NewPipeline builds; every caller in ecoute (the recognizer, the trainer,
// the CLI's features command) builds its features through it.
type Config struct {
	Type  string       // "mfcc" or "fbank"
	MFCC  MFCCOptions  // the extractor when Type is "mfcc"
	Fbank FbankOptions // the extractor when Type is "fbank"

	// DeltaOrder appends that many orders of regression deltas over
	// ±DeltaWindow frames (AddDeltas; 0: none, 2 is Kaldi's add-deltas).
	DeltaOrder, DeltaWindow int

	// CMVN normalises every column to zero mean and unit variance over the
	// utterance (CMVN with normVars), after the deltas are appended.
	//
	// The order is deltas, then CMVN: every column the network sees,
	// deltas included, then has zero mean and unit variance, whereas
	// CMVN before deltas (Kaldi recipes' apply-cmvn | add-deltas) leaves
	// the delta columns at their own, much smaller, scale. The mean part
	// commutes (a delta filter sums to zero) but the variance part does
	// not. The default recognition model was trained on this order, so
	// changing it would change its input.
	CMVN bool
}

// Dim is the number of values per frame that a Pipeline for c returns: the
// extractor's dimension times 1+DeltaOrder.
func (c Config) Dim() int {
	var d int
	switch c.Type {
	case "mfcc":
		d = c.MFCC.NumCeps
	case "fbank":
		d = c.Fbank.Mel.NumBins
		if c.Fbank.UseEnergy {
			d++
		}
	}
	return d * (1 + c.DeltaOrder)
}

// Frame returns the framing options of the configured extractor.
func (c Config) Frame() FrameOptions {
	if c.Type == "mfcc" {
		return c.MFCC.Frame
	}
	return c.Fbank.Frame
}

// A Pipeline computes the features a Config describes. Like the extractors
// it holds scratch buffers: it is not safe for concurrent use.
type Pipeline struct {
	c   Config
	ext interface {
		Compute(samples []float32) [][]float32
	}
}

// NewPipeline checks c and builds its extractor. It returns an error for
// options the extractor rejects, an unknown Type, or a negative DeltaOrder
// or a DeltaWindow under 1 with deltas on.
func NewPipeline(c Config) (*Pipeline, error) {
	if c.DeltaOrder < 0 || (c.DeltaOrder > 0 && c.DeltaWindow < 1) {
		return nil, fmt.Errorf("features: DeltaOrder %d, DeltaWindow %d", c.DeltaOrder, c.DeltaWindow)
	}
	p := &Pipeline{c: c}
	var err error
	switch c.Type {
	case "mfcc":
		p.ext, err = NewMFCC(c.MFCC)
	case "fbank":
		p.ext, err = NewFbank(c.Fbank)
	default:
		err = fmt.Errorf("features: Type %q, want \"mfcc\" or \"fbank\"", c.Type)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Config returns the configuration p was made with.
func (p *Pipeline) Config() Config { return p.c }

// Dim is the number of values per frame (Config.Dim).
func (p *Pipeline) Dim() int { return p.c.Dim() }

// NumFrames is the number of frames Compute returns for n samples.
func (p *Pipeline) NumFrames(n int) int { return p.c.Frame().NumFrames(n) }

// Compute returns the features of samples (in [-1, 1], at the extractor's
// SampFreq): [NumFrames][Dim]. Audio shorter than one frame gives no rows.
func (p *Pipeline) Compute(samples []float32) [][]float32 {
	x := p.ext.Compute(samples)
	if len(x) == 0 {
		return x
	}
	if p.c.DeltaOrder > 0 {
		x = AddDeltas(x, p.c.DeltaOrder, p.c.DeltaWindow)
	}
	if p.c.CMVN {
		CMVN(x, true)
	}
	return x
}
