package wasm

import (
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
	CodeNoModel   = "no-model"  // transcribe or features before a model was loaded
	CodeModel     = "model"     // the model bytes could not be loaded
	CodeFormat    = "format"    // not a WAV or FLAC file, or a malformed one
	CodeEmpty     = "empty"     // no samples (an empty file or recording)
	CodeTooLong   = "too-long"  // longer than Limits.MaxSeconds
	CodeTooLarge  = "too-large" // file bigger than Limits.MaxBytes
	CodeOptions   = "options"   // options that do not parse or are out of range
	CodeInternal  = "internal"  // a bug: a panic turned into an error
	CodeCancelled = "cancelled" // the caller stopped a transcription (TranscribeEach's each said so)
)

// ErrCancelled is what a TranscribeEach callback returns to stop the work;
// TranscribeEach then returns it.
var ErrCancelled = &Error{Code: CodeCancelled, Msg: "cancelled"}

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
// refused with a message instead of exhausting the tab's memory. They are
// asr's: the engine checks them with asr.Limits' methods.
type Limits = asr.Limits

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

// Options are the options of a transcription as the page sends them: a
// JSON object whose keys are the JSON names of asr.OptionTable's rows
// ("beam", "lm", "lexicon", "alpha", "beta", "blankPenalty", "hotwords",
// "nbest", "timestamps", "minConfidence"). Values are numbers, booleans,
// or for "hotwords" a string in the CLI's syntax ("word,other:3.5") or an
// array of such strings and {"word": "...", "boost": 3.5} objects. They are
// parsed and range-checked by asr.Options.Set, as the CLI's flags and the
// server's query are; absent keys keep asr.DefaultOptions.
type Options map[string]json.RawMessage

// DefaultOptions returns asr.DefaultOptions as Options, with every key but
// "hotwords" set: what a page shows before the user changes anything.
func DefaultOptions() Options {
	d := asr.DefaultOptions()
	o := Options{}
	for i := range asr.OptionTable {
		r := &asr.OptionTable[i]
		if r.Kind == asr.HotwordsOption {
			continue
		}
		o[r.JSON] = json.RawMessage(r.Get(&d))
	}
	return o
}

// ParseOptions decodes options from JSON ("" and "null" mean defaults).
// Unknown keys are an error, so a typo does not go unnoticed; values are
// checked when the options are used.
func ParseOptions(s string) (Options, error) {
	var o Options
	if s = strings.TrimSpace(s); s == "" || s == "null" {
		return o, nil
	}
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		return nil, errorf(CodeOptions, "options: want a JSON object: %v", err)
	}
	for k := range o {
		if r, ok := asr.LookupOption(k); !ok || r.JSON != k {
			return nil, errorf(CodeOptions, "options: unknown key %q; known: %s", k, strings.Join(jsonKeys(), ", "))
		}
	}
	return o, nil
}

func jsonKeys() []string {
	k := make([]string, len(asr.OptionTable))
	for i, r := range asr.OptionTable {
		k[i] = r.JSON
	}
	return k
}

// asrOptions applies o to asr.DefaultOptions through asr.Options.Set, in
// the table's order.
func (o Options) asrOptions() (asr.Options, error) {
	r := asr.DefaultOptions()
	for i := range asr.OptionTable {
		row := &asr.OptionTable[i]
		raw, ok := o[row.JSON]
		if !ok {
			continue
		}
		vals, err := jsonValues(row, raw)
		if err == nil {
			for _, v := range vals {
				if err = r.Set(row.Name, v); err != nil {
					break
				}
			}
		}
		if err != nil {
			return r, errorf(CodeOptions, "options: %s: %v", row.JSON, err)
		}
	}
	return r, nil
}

// jsonValues turns one JSON value into the strings Set parses: a number or
// a boolean for the other kinds, and for hotwords a string, or an array of
// strings and {word, boost} objects.
func jsonValues(row *asr.Option, raw json.RawMessage) ([]string, error) {
	if row.Kind != asr.HotwordsOption {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		switch v.(type) {
		case float64:
			if row.Kind == asr.BoolOption {
				return nil, fmt.Errorf("want true or false, not %s", raw)
			}
		case bool:
			if row.Kind != asr.BoolOption {
				return nil, fmt.Errorf("want a number, not %s", raw)
			}
		default:
			return nil, fmt.Errorf("want a %s, not %s", map[bool]string{true: "boolean", false: "number"}[row.Kind == asr.BoolOption], raw)
		}
		return []string{strings.TrimSpace(string(raw))}, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return []string{s}, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("want a string or an array, not %s", raw)
	}
	var out []string
	for _, it := range items {
		if err := json.Unmarshal(it, &s); err == nil {
			out = append(out, s)
			continue
		}
		var w struct {
			Word  *string  `json:"word"`
			Boost *float64 `json:"boost"`
		}
		if err := json.Unmarshal(it, &w); err != nil || w.Word == nil {
			return nil, fmt.Errorf("item %s is not a word or {word, boost}", it)
		}
		boost := float64(asr.DefaultHotwordBoost)
		if w.Boost != nil {
			boost = *w.Boost
		}
		h, err := asr.NewHotword(*w.Word, boost)
		if err != nil {
			return nil, err
		}
		// A word of the object form may hold a comma; Set splits at commas,
		// so the checked word goes through as one item.
		if strings.Contains(h.Word, ",") {
			return nil, fmt.Errorf("hotword %q: one word, without commas", h.Word)
		}
		out = append(out, h.Word+":"+strconv.FormatFloat(h.Boost, 'g', -1, 64))
	}
	return out, nil
}

// Engine holds a model and runs calls on it. Its methods are safe for
// concurrent use; calls run one at a time. None of them panics: failures,
// panics included, return an [*Error].
type Engine struct {
	Limits Limits

	mu    sync.Mutex
	model *asr.Model
	info  ModelInfo

	streams    map[int]*liveStream // open streams (OpenStream)
	lastStream int                 // the last id given
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
	c, err := e.Limits.Probe(head, size)
	if c.Format == "" && err == nil {
		return AudioInfo{Format: "unknown"}, nil // the header did not fit in head
	}
	info = AudioInfo{Format: c.Format, SampleRate: c.Rate, Channels: c.Channels, BitDepth: c.BitDepth, Duration: c.Duration.Seconds()}
	return info, e.pageError(err)
}

// pageError maps asr's request errors to the engine's codes, with messages
// for the page's user.
func (e *Engine) pageError(err error) error {
	var le *asr.LimitError
	var ae *asr.AudioError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &le) && le.Kind == asr.ErrTooLarge:
		return errorf(CodeTooLarge, "the file is %s; this page handles files up to %s (use the transcribe command-line tool for longer recordings)", byteSize(int64(le.Value)), byteSize(int64(le.Limit)))
	case errors.As(err, &le):
		return errorf(CodeTooLong, "the audio is %s long; this page transcribes up to %s (use the transcribe command-line tool for longer recordings)", clock(le.Value), clock(le.Limit))
	case errors.Is(err, asr.ErrEmpty):
		return errorf(CodeEmpty, "the file holds no audio samples")
	case errors.As(err, &ae):
		return formatError(ae.Err)
	case errors.Is(err, asr.ErrOption):
		return errorf(CodeOptions, "options: %v", err)
	case errors.Is(err, asr.ErrLM):
		return errorf(CodeModel, "%v", err)
	}
	return err
}

func formatError(err error) error {
	var fe *audio.FormatError
	switch {
	case errors.As(err, &fe):
		return errorf(CodeFormat, "not a supported audio file (WAV, FLAC or MP3): %v", err)
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
		p := &audio.PCM{Samples: a.Samples, Rate: a.Rate, Channels: 1}
		if err := e.Limits.CheckPCM(p); err != nil {
			if errors.Is(err, asr.ErrEmpty) {
				return nil, info, errorf(CodeEmpty, "the recording is empty")
			}
			return nil, info, e.pageError(err)
		}
		return p, info, nil
	}
	if len(a.File) == 0 {
		return nil, info, errorf(CodeEmpty, "the file is empty")
	}
	pi, err := e.Probe(a.File, int64(len(a.File)))
	if err != nil {
		return nil, pi, err
	}
	p, err := e.Limits.Decode(a.File)
	if p != nil {
		info = AudioInfo{Format: pi.Format, SampleRate: p.Rate, Channels: p.Channels, BitDepth: pi.BitDepth}
		if p.Rate > 0 {
			info.Duration = float64(len(p.Samples)) / float64(p.Rate)
		}
	}
	if err != nil {
		return nil, info, e.pageError(err)
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
	return e.TranscribeEach(a, o, nil)
}

// TranscribeEach is Transcribe, calling each (when not nil) as
// asr.Recognizer.TranscribeEach does: with every segment as soon as it is
// decoded, and the seconds of audio processed so far, out of total. An
// error from each (usually [ErrCancelled]) stops the work and is returned.
func (e *Engine) TranscribeEach(a Audio, o Options, each func(seg asr.Segment, done, total float64) error) (res *asr.Result, err error) {
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
	rec, err := asr.NewRequestRecognizer(m, ao)
	if err != nil {
		return nil, e.pageError(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var f func(asr.Segment, float64) error
	var stop error // each's error, returned as it is
	if each != nil {
		total := float64(len(p.Samples)) / float64(p.Rate)
		f = func(seg asr.Segment, done float64) error {
			stop = each(seg, done, total)
			return stop
		}
	}
	res, err = rec.TranscribeEach(p, f)
	if stop != nil {
		return nil, stop
	}
	if err != nil {
		return nil, errorf(CodeFormat, "transcribe: %v", err)
	}
	return res, nil
}

// TranscribeJSON is Transcribe with options and result as JSON: the result
// is the object `transcribe --format json` prints for one input
// (asr.AppendJSON), with name as its "file".
func (e *Engine) TranscribeJSON(a Audio, options, name string) (out []byte, err error) {
	return e.TranscribeEachJSON(a, options, name, nil)
}

// TranscribeEachJSON is TranscribeJSON with TranscribeEach's callback.
func (e *Engine) TranscribeEachJSON(a Audio, options, name string, each func(seg asr.Segment, done, total float64) error) (out []byte, err error) {
	defer catch(&err)
	o, err := ParseOptions(options)
	if err != nil {
		return nil, err
	}
	res, err := e.TranscribeEach(a, o, each)
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
