package wasm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/audio/features"
)

// Error codes carried by [Error]; the page maps them to messages.
const (
	CodeNoModel  = "no-model"  // transcribe or features before a model was loaded
	CodeModel    = "model"     // the model bytes could not be loaded
	CodeFormat   = "format"    // not a WAV or FLAC file, or a malformed one
	CodeEmpty    = "empty"     // no samples (an empty file or recording)
	CodeTooLong  = "too-long"  // longer than Limits.MaxSeconds
	CodeTooLarge = "too-large" // file bigger than Limits.MaxBytes
	CodeOptions  = "options"   // options that do not parse or are out of range
	CodeInternal = "internal"  // a bug: a panic turned into an error
)

// An Error is what every Engine method returns on failure: a code for
// programs and a message for people. Panics inside the engine come back as
// CodeInternal errors carrying the stack, so the Go runtime keeps running.
type Error struct {
	Code  string
	Msg   string
	Stack string // only for CodeInternal
}

func (e *Error) Error() string { return e.Msg }

func errorf(code, f string, args ...any) *Error {
	return &Error{Code: code, Msg: fmt.Sprintf(f, args...)}
}

// catch turns a panic into a CodeInternal *Error stored in *err. Use as
// "defer catch(&err)".
func catch(err *error) {
	if r := recover(); r != nil {
		*err = &Error{Code: CodeInternal, Msg: fmt.Sprintf("internal error: %v", r), Stack: string(debug.Stack())}
	}
}

// Limits bound the work one call may take on, so that a long file is
// refused with a message instead of exhausting the tab's memory.
type Limits struct {
	MaxSeconds float64 // longest audio accepted, in seconds
	MaxBytes   int64   // largest encoded file accepted, in bytes
}

// DefaultLimits accept 10 minutes of audio in files up to 200 MB: 10 minutes
// of 48 kHz stereo 16-bit WAV is 110 MB. A browser tab's WebAssembly memory
// is 4 GiB at most and often less; the limits keep the peak well under 1 GiB.
func DefaultLimits() Limits { return Limits{MaxSeconds: 600, MaxBytes: 200 << 20} }

// Audio is the input of a call: either an encoded File (WAV or FLAC bytes)
// or mono Samples in [-1, 1] at Rate samples per second.
type Audio struct {
	File    []byte
	Samples []float32
	Rate    int
}

// AudioInfo describes audio as Probe and Decode see it.
type AudioInfo struct {
	Format     string  `json:"format"` // "wav", "flac" or "samples"
	SampleRate int     `json:"sampleRate"`
	Channels   int     `json:"channels"`
	BitDepth   int     `json:"bitDepth,omitempty"`
	Duration   float64 `json:"duration"` // seconds; 0 when the header does not say
}

// ModelInfo describes the loaded model.
type ModelInfo struct {
	Source      string             `json:"source"` // "default" or "bytes"
	Bytes       int                `json:"bytes"`  // size of the model file; 0 when unknown
	Params      int                `json:"params"` // number of weights
	Layers      int                `json:"layers"`
	Hidden      int                `json:"hidden"`   // LSTM units per direction
	FrontEnd    string             `json:"frontEnd"` // "mfcc" or "fbank"
	HasLM       bool               `json:"hasLM"`    // a word n-gram LM is bundled
	Trainer     string             `json:"trainer,omitempty"`
	Dev         map[string]float64 `json:"dev,omitempty"` // development-set scores from training, e.g. "cer"
	LoadSeconds float64            `json:"loadSeconds"`
}

func describeModel(m *asr.Model, source string, bytes int, since time.Time) ModelInfo {
	c := m.Config
	return ModelInfo{
		Source: source, Bytes: bytes, Params: m.NumParams(), Layers: c.NumLayers, Hidden: c.HiddenSize,
		FrontEnd: c.FrontEnd.Type, HasLM: m.LM != nil, Trainer: c.Provenance.Trainer, Dev: c.Provenance.Dev,
		LoadSeconds: time.Since(since).Seconds(),
	}
}

// Options mirror the flags of `transcribe`: nil fields keep asr.DefaultOptions.
type Options struct {
	Beam         *int     `json:"beam,omitempty"`         // beam width; 1 is greedy decoding (--beam)
	LM           *bool    `json:"lm,omitempty"`           // language-model fusion on or off (--lm)
	Lexicon      *bool    `json:"lexicon,omitempty"`      // only words the LM knows (--lexicon)
	Alpha        *float64 `json:"alpha,omitempty"`        // LM weight (--alpha)
	Beta         *float64 `json:"beta,omitempty"`         // word insertion bonus (--beta)
	BlankPenalty *float64 `json:"blankPenalty,omitempty"` // taken from the blank's log-probability (--blank-penalty)
	Hotwords     Hotwords `json:"hotwords,omitempty"`     // words to favour (--hotwords)
	NBest        *int     `json:"nbest,omitempty"`        // hypotheses to return (--nbest)
	Timestamps   *bool    `json:"timestamps,omitempty"`   // word start/end times (--timestamps)
}

// DefaultOptions returns asr.DefaultOptions in the form of Options, with
// every field set: what a page shows before the user changes anything.
func DefaultOptions() Options {
	a := asr.DefaultOptions()
	return Options{Beam: &a.Beam, LM: &a.UseLM, Lexicon: &a.Lexicon, Alpha: &a.Alpha, Beta: &a.Beta, BlankPenalty: &a.BlankPenalty, NBest: &a.NBest, Timestamps: &a.Timestamps}
}

// DefaultHotwordBoost is the boost of a hotword given without one, as for
// the CLI's --hotword.
const DefaultHotwordBoost = 5.0

// Hotwords is a list of boosted words. In JSON it is either a string in the
// CLI's syntax ("word,other:3.5") or an array whose items are such strings
// or {"word": "...", "boost": 3.5} objects.
type Hotwords []asr.Hotword

// UnmarshalJSON implements the forms described at [Hotwords].
func (h *Hotwords) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		ws, err := ParseHotwords(s)
		*h = ws
		return err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		return fmt.Errorf("hotwords: want a string or an array, got %s", b)
	}
	*h = (*h)[:0]
	for _, it := range items {
		if err := json.Unmarshal(it, &s); err == nil {
			ws, err := ParseHotwords(s)
			if err != nil {
				return err
			}
			*h = append(*h, ws...)
			continue
		}
		var w struct {
			Word  string   `json:"word"`
			Boost *float64 `json:"boost"`
		}
		if err := json.Unmarshal(it, &w); err != nil || strings.TrimSpace(w.Word) == "" {
			return fmt.Errorf("hotwords: item %s is not a word or {word, boost}", it)
		}
		boost := DefaultHotwordBoost
		if w.Boost != nil {
			boost = *w.Boost
		}
		*h = append(*h, asr.Hotword{Word: strings.ToLower(strings.TrimSpace(w.Word)), Boost: boost})
	}
	return nil
}

// ParseHotwords parses comma-separated words, each optionally followed by
// ":boost" (the syntax of the CLI's --hotword, several at once). Words are
// lower-cased, as the CLI does.
func ParseHotwords(s string) ([]asr.Hotword, error) {
	var out []asr.Hotword
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		w := asr.Hotword{Word: strings.ToLower(f), Boost: DefaultHotwordBoost}
		if i := strings.LastIndexByte(f, ':'); i >= 0 {
			b, err := strconv.ParseFloat(strings.TrimSpace(f[i+1:]), 64)
			if err != nil || math.IsNaN(b) || math.IsInf(b, 0) {
				return nil, fmt.Errorf("hotwords: %q: boost %q is not a number", f, f[i+1:])
			}
			w.Word, w.Boost = strings.ToLower(strings.TrimSpace(f[:i])), b
			if w.Word == "" {
				return nil, fmt.Errorf("hotwords: %q has no word", f)
			}
		}
		out = append(out, w)
	}
	return out, nil
}

// ParseOptions decodes options from JSON ("" and "null" mean defaults).
// Unknown fields are an error, so a typo does not go unnoticed.
func ParseOptions(s string) (Options, error) {
	var o Options
	if s = strings.TrimSpace(s); s == "" || s == "null" {
		return o, nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.DisallowUnknownFields()
	if err := d.Decode(&o); err != nil {
		return o, errorf(CodeOptions, "options: %v", err)
	}
	return o, nil
}

// asrOptions applies o to asr.DefaultOptions and checks ranges.
func (o Options) asrOptions() (asr.Options, error) {
	r := asr.DefaultOptions()
	if o.Beam != nil {
		if *o.Beam < 1 || *o.Beam > 1024 {
			return r, errorf(CodeOptions, "options: beam %d out of range [1, 1024]", *o.Beam)
		}
		r.Beam = *o.Beam
	}
	if o.LM != nil {
		r.UseLM = *o.LM
	}
	if o.Lexicon != nil {
		r.Lexicon = *o.Lexicon
	}
	if o.Alpha != nil {
		r.Alpha = *o.Alpha
	}
	if o.Beta != nil {
		r.Beta = *o.Beta
	}
	if o.BlankPenalty != nil {
		r.BlankPenalty = *o.BlankPenalty
	}
	if o.Hotwords != nil {
		r.Hotwords = append([]asr.Hotword(nil), o.Hotwords...)
	}
	if o.NBest != nil {
		if *o.NBest < 0 || *o.NBest > 100 {
			return r, errorf(CodeOptions, "options: nbest %d out of range [0, 100]", *o.NBest)
		}
		r.NBest = *o.NBest
	}
	if o.Timestamps != nil {
		r.Timestamps = *o.Timestamps
	}
	return r, nil
}

// Engine holds a model and runs calls on it. Its methods are safe for
// concurrent use; calls run one at a time. None of them panics: failures,
// panics included, return an [*Error].
type Engine struct {
	Limits Limits

	mu    sync.Mutex
	model *asr.Model
	info  ModelInfo
}

// NewEngine returns an engine with DefaultLimits and no model.
func NewEngine() *Engine { return &Engine{Limits: DefaultLimits()} }

// LoadDefault loads the model embedded in the asr package.
func (e *Engine) LoadDefault() (info ModelInfo, err error) {
	defer catch(&err)
	t0 := time.Now()
	m, err := asr.Default()
	if err != nil {
		return info, errorf(CodeModel, "default model: %v", err)
	}
	return e.setModel(m, describeModel(m, "default", len(asr.DefaultModelBytes()), t0)), nil
}

// LoadModel loads a model file (the safetensors bytes `transcribe train`
// writes). The engine keeps b: the model's weights may be views into it.
func (e *Engine) LoadModel(b []byte) (info ModelInfo, err error) {
	defer catch(&err)
	t0 := time.Now()
	m, err := asr.Load(b)
	if err != nil {
		return info, errorf(CodeModel, "model: %v", err)
	}
	return e.setModel(m, describeModel(m, "bytes", len(b), t0)), nil
}

func (e *Engine) setModel(m *asr.Model, info ModelInfo) ModelInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.model, e.info = m, info
	return info
}

// Model returns the loaded model's info, and false when none is loaded.
func (e *Engine) Model() (ModelInfo, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.info, e.model != nil
}

// Probe reads the header at the start of an encoded file of size bytes
// (head may be a prefix of the file) and checks it against the limits, so a
// caller can refuse a file before copying all of it.
func (e *Engine) Probe(head []byte, size int64) (info AudioInfo, err error) {
	defer catch(&err)
	if size > e.Limits.MaxBytes {
		return info, errorf(CodeTooLarge, "the file is %s; this page handles files up to %s (use the transcribe command-line tool for longer recordings)", byteSize(size), byteSize(e.Limits.MaxBytes))
	}
	if size == 0 {
		return info, errorf(CodeEmpty, "the file is empty")
	}
	c, err := audio.DecodeConfig(bytes.NewReader(head))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) && int64(len(head)) < size {
			// The header did not fit in head; only the size check applies.
			return AudioInfo{Format: "unknown"}, nil
		}
		return info, formatError(err)
	}
	info = AudioInfo{Format: c.Format, SampleRate: c.Rate, Channels: c.Channels, BitDepth: c.BitDepth, Duration: c.Duration.Seconds()}
	if err := e.checkDuration(info.Duration); err != nil {
		return info, err
	}
	return info, nil
}

func (e *Engine) checkDuration(sec float64) error {
	if sec > e.Limits.MaxSeconds {
		return errorf(CodeTooLong, "the audio is %s long; this page transcribes up to %s (use the transcribe command-line tool for longer recordings)", clock(sec), clock(e.Limits.MaxSeconds))
	}
	return nil
}

func formatError(err error) error {
	var fe *audio.FormatError
	switch {
	case errors.As(err, &fe):
		return errorf(CodeFormat, "not a supported audio file (WAV or FLAC): %v", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(CodeFormat, "the audio file is truncated: %v", err)
	}
	return errorf(CodeFormat, "cannot read the audio: %v", err)
}

// Decode returns a's samples, mono, resampled to rate (0 keeps the source
// rate), with what the header said. It applies the limits.
func (e *Engine) Decode(a Audio, rate int) (p *audio.PCM, info AudioInfo, err error) {
	defer catch(&err)
	p, info, err = e.decode(a)
	if err != nil {
		return nil, info, err
	}
	if rate > 0 && rate != p.Rate {
		p = &audio.PCM{Samples: audio.Resample(p.Samples, p.Rate, rate), Rate: rate, Channels: p.Channels}
	}
	return p, info, nil
}

func (e *Engine) decode(a Audio) (*audio.PCM, AudioInfo, error) {
	var info AudioInfo
	if a.File != nil && a.Samples != nil {
		panic("wasm: Audio has both File and Samples")
	}
	if a.Samples != nil {
		if a.Rate < 1000 || a.Rate > 384000 {
			return nil, info, errorf(CodeOptions, "sample rate %d Hz out of range [1000, 384000]", a.Rate)
		}
		info = AudioInfo{Format: "samples", SampleRate: a.Rate, Channels: 1, Duration: float64(len(a.Samples)) / float64(a.Rate)}
		if len(a.Samples) == 0 {
			return nil, info, errorf(CodeEmpty, "the recording is empty")
		}
		if err := e.checkDuration(info.Duration); err != nil {
			return nil, info, err
		}
		return &audio.PCM{Samples: a.Samples, Rate: a.Rate, Channels: 1}, info, nil
	}
	if len(a.File) == 0 {
		return nil, info, errorf(CodeEmpty, "the file is empty")
	}
	pi, err := e.Probe(a.File, int64(len(a.File)))
	if err != nil {
		return nil, pi, err
	}
	p, err := audio.Decode(bytes.NewReader(a.File))
	if err != nil {
		return nil, pi, formatError(err)
	}
	info = AudioInfo{Format: pi.Format, SampleRate: p.Rate, Channels: p.Channels, BitDepth: pi.BitDepth}
	if p.Rate > 0 {
		info.Duration = float64(len(p.Samples)) / float64(p.Rate)
	}
	if len(p.Samples) == 0 {
		return nil, info, errorf(CodeEmpty, "the file holds no audio samples")
	}
	if err := e.checkDuration(info.Duration); err != nil {
		return nil, info, err
	}
	return p, info, nil
}

func (e *Engine) loaded() (*asr.Model, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.model == nil {
		return nil, errorf(CodeNoModel, "no model loaded")
	}
	return e.model, nil
}

// Transcribe recognizes a with options o, exactly as `transcribe` does for
// a file: decode, then asr.Recognizer.Transcribe.
func (e *Engine) Transcribe(a Audio, o Options) (res *asr.Result, err error) {
	defer catch(&err)
	m, err := e.loaded()
	if err != nil {
		return nil, err
	}
	ao, err := o.asrOptions()
	if err != nil {
		return nil, err
	}
	p, _, err := e.decode(a)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	res, err = asr.NewRecognizer(m, ao).Transcribe(p)
	if err != nil {
		return nil, errorf(CodeFormat, "transcribe: %v", err)
	}
	return res, nil
}

// TranscribeJSON is Transcribe with options and result as JSON: the result
// is the object `transcribe --format json` prints for one input
// (asr.AppendJSON), with name as its "file".
func (e *Engine) TranscribeJSON(a Audio, options, name string) (out []byte, err error) {
	defer catch(&err)
	o, err := ParseOptions(options)
	if err != nil {
		return nil, err
	}
	res, err := e.Transcribe(a, o)
	if err != nil {
		return nil, err
	}
	return asr.AppendJSON(nil, res, name), nil
}

// FeatureOptions choose what Features computes.
type FeatureOptions struct {
	Kind string `json:"kind,omitempty"` // "mfcc" (default: 13 cepstra) or "fbank" (log-mel, 40 bins by default)
	Bins int    `json:"bins,omitempty"` // mel bins for "fbank"; cepstra for "mfcc"; 0 keeps the default
}

// ParseFeatureOptions decodes FeatureOptions from JSON ("" means defaults).
func ParseFeatureOptions(s string) (FeatureOptions, error) {
	var o FeatureOptions
	if s = strings.TrimSpace(s); s == "" || s == "null" {
		return o, nil
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.DisallowUnknownFields()
	if err := d.Decode(&o); err != nil {
		return o, errorf(CodeOptions, "feature options: %v", err)
	}
	return o, nil
}

// FeatureMatrix is a [Frames][Dims] matrix in row-major order.
type FeatureMatrix struct {
	Kind       string
	Frames     int
	Dims       int
	FrameShift float64 // seconds between frames
	Data       []float32
}

// FeatureRate is the sample rate Features works at.
const FeatureRate = 16000

// Features computes Kaldi MFCCs or log-mel filterbank energies of a at
// 16 kHz, without dither, for display.
func (e *Engine) Features(a Audio, o FeatureOptions) (fm *FeatureMatrix, err error) {
	defer catch(&err)
	p, _, err := e.decode(a)
	if err != nil {
		return nil, err
	}
	x := audio.Resample(p.Samples, p.Rate, FeatureRate)
	var rows [][]float32
	var shift float64
	switch o.Kind {
	case "", "mfcc":
		o.Kind = "mfcc"
		opt := features.DefaultMFCCOptions()
		opt.Frame.SampFreq = FeatureRate
		opt.Frame.Dither = 0
		if o.Bins > 0 {
			if o.Bins > opt.Mel.NumBins {
				return nil, errorf(CodeOptions, "feature options: %d cepstra exceed %d mel bins", o.Bins, opt.Mel.NumBins)
			}
			opt.NumCeps = o.Bins
		}
		m, err := features.NewMFCC(opt)
		if err != nil {
			return nil, errorf(CodeOptions, "feature options: %v", err)
		}
		rows, shift = m.Compute(x), float64(opt.Frame.FrameShiftMs)/1000
	case "fbank":
		opt := features.DefaultFbankOptions()
		opt.Frame.SampFreq = FeatureRate
		opt.Frame.Dither = 0
		if o.Bins > 0 {
			if o.Bins > 256 {
				return nil, errorf(CodeOptions, "feature options: %d mel bins, at most 256", o.Bins)
			}
			opt.Mel.NumBins = o.Bins
		}
		f, err := features.NewFbank(opt)
		if err != nil {
			return nil, errorf(CodeOptions, "feature options: %v", err)
		}
		rows, shift = f.Compute(x), float64(opt.Frame.FrameShiftMs)/1000
	default:
		return nil, errorf(CodeOptions, "feature options: kind %q, want \"mfcc\" or \"fbank\"", o.Kind)
	}
	fm = &FeatureMatrix{Kind: o.Kind, Frames: len(rows), FrameShift: shift}
	if len(rows) > 0 {
		fm.Dims = len(rows[0])
	}
	fm.Data = make([]float32, 0, fm.Frames*fm.Dims)
	for _, r := range rows {
		fm.Data = append(fm.Data, r...)
	}
	return fm, nil
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// clock formats seconds as h:mm:ss or m:ss.
func clock(sec float64) string {
	s := int(math.Round(sec))
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
