package asr

import (
	"encoding/json"
	"fmt"

	"github.com/ecoute/ecoute/text"
)

// Model file format name and the newest version this package reads.
const (
	FormatName    = "ecoute-asr"
	FormatVersion = 1
	// MetadataKey is the safetensors __metadata__ key holding the Config JSON.
	MetadataKey = "ecoute.config"
)

// FrontEnd describes how audio becomes the network's input frames. The names
// follow Kaldi's options (compute-mfcc-feats, compute-fbank-feats).
type FrontEnd struct {
	SampleRate    int     `json:"sample_rate"`     // audio is resampled to this rate (16000)
	Type          string  `json:"type"`            // "mfcc" or "fbank"
	NumCeps       int     `json:"num_ceps"`        // MFCC coefficients (mfcc only)
	NumMelBins    int     `json:"num_mel_bins"`    // mel filters
	FrameLengthMs float64 `json:"frame_length_ms"` // 25
	FrameShiftMs  float64 `json:"frame_shift_ms"`  // 10
	LowFreq       float64 `json:"low_freq"`        // 20
	HighFreq      float64 `json:"high_freq"`       // 0 = Nyquist; negative = Nyquist + value
	UseEnergy     bool    `json:"use_energy"`      // MFCC C0 replaced by log energy
	DeltaOrder    int     `json:"delta_order"`     // 0 none, 1 Δ, 2 Δ+ΔΔ
	DeltaWindow   int     `json:"delta_window"`    // 2
	CMVN          string  `json:"cmvn"`            // "utterance" (mean and variance per chunk) or "none"
	Stack         int     `json:"stack"`           // frames stacked and subsampled (1 = none)
	// Dither is Kaldi's dither: Gaussian noise of this standard deviation,
	// in 16-bit sample units, added to every frame before analysis, so that
	// digital silence (runs of exact zeros) does not give log energies at
	// the floor that swamp the per-utterance normalization. The generator
	// restarts for each input, so equal audio gives equal features. 0: off.
	Dither float64 `json:"dither,omitzero"`
}

// Dim returns the number of values per feature frame before stacking.
func (f FrontEnd) Dim() int { return f.featureConfig(1).Dim() }

// FrameSeconds returns the duration of one network output frame.
func (f FrontEnd) FrameSeconds() float64 {
	k := f.Stack
	if k < 1 {
		k = 1
	}
	return f.FrameShiftMs * float64(k) / 1000
}

// TokenizerConfig is the output vocabulary, the labels of a text.Tokenizer
// (see Tokenizer). Type "char": each label but the blank (0) is one
// character, " " the word separator (text.CharTokenizer). Type "bpe" or
// "sentencepiece": subword pieces of a text.BPE or text.SentencePiece model
// whose file is Model (base64 in the JSON), with ▁ marking a word's start;
// a SentencePiece model's blank is added after its pieces. Vocab lists the
// labels' pieces and Blank is the CTC blank's index.
type TokenizerConfig struct {
	Type  string   `json:"type"`
	Vocab []string `json:"vocab"`
	Blank int      `json:"blank"`
	Model []byte   `json:"model,omitempty"` // the subword model file (bpe, sentencepiece)
}

// Provenance records how a model was made.
type Provenance struct {
	Created    string             `json:"created,omitempty"`       // RFC 3339
	Trainer    string             `json:"trainer,omitempty"`       // "ecoute transcribe train" or "pytorch"
	Command    string             `json:"command,omitempty"`       // the command line
	Corpus     []string           `json:"corpus,omitempty"`        // training manifests
	Utterances int                `json:"utterances,omitempty"`    // training utterances
	Hours      float64            `json:"hours,omitempty"`         // audio hours per epoch
	Epochs     float64            `json:"epochs,omitempty"`        // passes over the data
	Steps      int                `json:"steps,omitempty"`         // optimizer steps
	Seed       uint64             `json:"seed,omitempty"`          // training seed
	TrainSecs  float64            `json:"train_seconds,omitempty"` // wall time
	Dev        map[string]float64 `json:"dev,omitempty"`           // e.g. "cer": 0.31
	Notes      string             `json:"notes,omitempty"`
}

// Config is the model's description stored in the model file's metadata.
type Config struct {
	Format        string          `json:"format"`  // FormatName
	Version       int             `json:"version"` // FormatVersion
	FrontEnd      FrontEnd        `json:"front_end"`
	Tokenizer     TokenizerConfig `json:"tokenizer"`
	InputSize     int             `json:"input_size"`  // FrontEnd.Dim() * Stack
	HiddenSize    int             `json:"hidden_size"` // per direction
	NumLayers     int             `json:"num_layers"`
	Bidirectional bool            `json:"bidirectional"`
	OutputSize    int             `json:"output_size"` // len(Tokenizer.Vocab)
	Provenance    Provenance      `json:"provenance"`
}

// DefaultConfig returns the default architecture: 13 MFCCs with Δ and ΔΔ,
// per-utterance CMVN, frames stacked x3, a 3-layer bidirectional LSTM with
// 224 units per direction and character outputs (blank, then
// text.DefaultAlphabet: space, apostrophe, a-z).
func DefaultConfig() Config {
	c := Config{
		Format:  FormatName,
		Version: FormatVersion,
		FrontEnd: FrontEnd{
			SampleRate: 16000, Type: "mfcc", NumCeps: 13, NumMelBins: 23,
			FrameLengthMs: 25, FrameShiftMs: 10, LowFreq: 20, HighFreq: 0,
			UseEnergy: true, DeltaOrder: 2, DeltaWindow: 2, CMVN: "utterance", Stack: 3,
		},
		Tokenizer:     CharTokenizerConfig(text.DefaultAlphabet),
		HiddenSize:    224,
		NumLayers:     3,
		Bidirectional: true,
	}
	c.Fill()
	return c
}

// Fill sets InputSize and OutputSize from the front end and vocabulary.
func (c *Config) Fill() {
	k := c.FrontEnd.Stack
	if k < 1 {
		k = 1
	}
	c.InputSize = c.FrontEnd.Dim() * k
	c.OutputSize = len(c.Tokenizer.Vocab)
}

// Directions returns 2 for a bidirectional model, else 1.
func (c *Config) Directions() int {
	if c.Bidirectional {
		return 2
	}
	return 1
}

// NumParams returns the number of float parameters of the network.
func (c *Config) NumParams() int {
	n := 0
	in := c.InputSize
	for l := 0; l < c.NumLayers; l++ {
		n += c.Directions() * (4*c.HiddenSize*in + 4*c.HiddenSize*c.HiddenSize + 8*c.HiddenSize)
		in = c.HiddenSize * c.Directions()
	}
	return n + c.OutputSize*in + c.OutputSize
}

// Validate reports the first thing wrong with c as a *ModelError.
func (c *Config) Validate() error {
	bad := func(format string, a ...any) error {
		return &ModelError{What: "config", Msg: fmt.Sprintf(format, a...)}
	}
	switch {
	case c.Format != FormatName:
		return bad("format is %q, want %q", c.Format, FormatName)
	case c.Version < 1 || c.Version > FormatVersion:
		return bad("format version %d is not supported (this build reads 1..%d)", c.Version, FormatVersion)
	}
	f := c.FrontEnd
	switch {
	case f.SampleRate < 1000 || f.SampleRate > 192000:
		return bad("sample_rate %d out of range", f.SampleRate)
	case f.Type != "mfcc" && f.Type != "fbank":
		return bad("front_end.type %q is not mfcc or fbank", f.Type)
	case f.NumMelBins < 1 || f.NumMelBins > 256:
		return bad("num_mel_bins %d out of range", f.NumMelBins)
	case f.Type == "mfcc" && (f.NumCeps < 1 || f.NumCeps > f.NumMelBins):
		return bad("num_ceps %d out of range 1..%d", f.NumCeps, f.NumMelBins)
	case f.FrameLengthMs <= 0 || f.FrameShiftMs <= 0 || f.FrameLengthMs > 1000 || f.FrameShiftMs > 1000:
		return bad("frame length/shift %v/%v ms out of range", f.FrameLengthMs, f.FrameShiftMs)
	case f.DeltaOrder < 0 || f.DeltaOrder > 3 || (f.DeltaOrder > 0 && (f.DeltaWindow < 1 || f.DeltaWindow > 10)):
		return bad("delta order %d window %d out of range", f.DeltaOrder, f.DeltaWindow)
	case f.CMVN != "utterance" && f.CMVN != "none" && f.CMVN != "":
		return bad("cmvn %q is not utterance or none", f.CMVN)
	case f.Stack < 1 || f.Stack > 16:
		return bad("stack %d out of range 1..16", f.Stack)
	case !(f.Dither >= 0 && f.Dither <= 1000):
		return bad("dither %v out of range 0..1000", f.Dither)
	}
	t := c.Tokenizer
	switch {
	case len(t.Vocab) < 2:
		return bad("vocabulary has %d entries", len(t.Vocab))
	case t.Blank < 0 || t.Blank >= len(t.Vocab):
		return bad("blank index %d outside the vocabulary of %d", t.Blank, len(t.Vocab))
	}
	if _, err := t.Tokenizer(); err != nil {
		return bad("tokenizer: %v", err)
	}
	switch {
	case c.HiddenSize < 1 || c.HiddenSize > 4096:
		return bad("hidden_size %d out of range", c.HiddenSize)
	case c.NumLayers < 1 || c.NumLayers > 16:
		return bad("num_layers %d out of range", c.NumLayers)
	case c.InputSize != f.Dim()*f.Stack:
		return bad("input_size %d, but the front end gives %d x stack %d = %d", c.InputSize, f.Dim(), f.Stack, f.Dim()*f.Stack)
	case c.OutputSize != len(t.Vocab):
		return bad("output_size %d, but the vocabulary has %d entries", c.OutputSize, len(t.Vocab))
	}
	return nil
}

// MarshalConfig returns c as JSON.
func MarshalConfig(c *Config) ([]byte, error) { return json.Marshal(c) }

// ModelError says what is wrong with a model file or its config.
type ModelError struct {
	What string // "header", "config", "tensor lstm.weight_ih_l0", ...
	Msg  string
}

func (e *ModelError) Error() string { return "asr: model file: " + e.What + ": " + e.Msg }
