package asr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ecoute/ecoute/audio"
)

// Errors of a recognition request. Every error that Limits' methods and
// [Recognize] return matches one of them under errors.Is, so a front end maps
// them to its own form (an exit status, an HTTP status, a JavaScript error
// code) without reading messages.
var (
	ErrTooLong  = errors.New("asr: audio too long")      // longer than Limits.MaxSeconds (*LimitError)
	ErrTooLarge = errors.New("asr: input too large")     // bigger than Limits.MaxBytes (*LimitError)
	ErrFormat   = errors.New("asr: bad audio")           // not audio we decode, or malformed (*AudioError)
	ErrEmpty    = errors.New("asr: no audio")            // no samples (*AudioError)
	ErrLM       = errors.New("asr: bad language model")  // a language model that cannot be used (*LMError)
	errInternal = errors.New("asr: recognizer rejected") // not returned; see Recognize
	// ErrOption (in options.go) matches a bad option (*OptionError).
)

// Limits bound the work one request may take on. Zero fields mean no limit.
type Limits struct {
	MaxSeconds float64 // longest audio accepted, in seconds
	MaxBytes   int64   // largest encoded input accepted, in bytes
}

// DefaultLimits are those of a shared service (the HTTP server, the edge
// worker): 60 s of audio in at most 10 MiB, about 5 minutes of 16 kHz
// 16-bit mono WAV. The CLI has no limits; the browser page, which runs on
// the user's own machine, sets its own.
func DefaultLimits() Limits { return Limits{MaxSeconds: 60, MaxBytes: 10 << 20} }

// A LimitRow is one row of [LimitTable]: a limit, as a server flag names it.
type LimitRow struct {
	Name string
	Help string
	set  func(l *Limits, v string) error
	get  func(l *Limits) string
}

// LimitTable lists the limits a front end can be configured with.
// "max-duration" takes a Go duration ("90s", "5m") or seconds; "max-body"
// takes bytes, optionally with a KiB, MiB or GiB suffix.
var LimitTable = []LimitRow{
	{Name: "max-duration", Help: "longest audio per request (a duration: 90s, 5m)",
		set: func(l *Limits, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				f, ferr := strconv.ParseFloat(v, 64)
				if ferr != nil {
					return err
				}
				d = time.Duration(f * float64(time.Second))
			}
			if d <= 0 {
				return errors.New("must be positive")
			}
			l.MaxSeconds = d.Seconds()
			return nil
		},
		get: func(l *Limits) string {
			return (time.Duration(l.MaxSeconds * float64(time.Second))).String()
		}},
	{Name: "max-body", Help: "largest request body in bytes (or with KiB, MiB, GiB)",
		set: func(l *Limits, v string) error {
			n, err := parseBytes(v)
			if err != nil {
				return err
			}
			if n <= 0 {
				return errors.New("must be positive")
			}
			l.MaxBytes = n
			return nil
		},
		get: func(l *Limits) string { return strconv.FormatInt(l.MaxBytes, 10) }},
}

// Set sets the limit called name (a row of LimitTable). The error is an
// *OptionError.
func (l *Limits) Set(name, value string) error {
	for _, r := range LimitTable {
		if r.Name == name {
			c := *l
			if err := r.set(&c, strings.TrimSpace(value)); err != nil {
				return &OptionError{Name: name, Value: value, Msg: err.Error()}
			}
			*l = c
			return nil
		}
	}
	return &OptionError{Name: name, Value: value, Msg: "unknown limit"}
}

// Get returns the limit called name in the form Set parses.
func (l *Limits) Get(name string) string {
	for _, r := range LimitTable {
		if r.Name == name {
			return r.get(l)
		}
	}
	panic("asr: unknown limit " + name)
}

func parseBytes(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if strings.HasSuffix(s, u.suf) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suf)), u.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("want a whole number of bytes, not %q", s)
	}
	return n * mult, nil
}

// A LimitError is a request over one of its limits: ErrTooLong (Value and
// Limit in seconds) or ErrTooLarge (in bytes).
type LimitError struct {
	Kind  error // ErrTooLong or ErrTooLarge
	Value float64
	Limit float64
}

func (e *LimitError) Error() string {
	if e.Kind == ErrTooLong {
		return fmt.Sprintf("audio is %s long; the limit is %s",
			time.Duration(e.Value*float64(time.Second)).Round(time.Millisecond), time.Duration(e.Limit*float64(time.Second)))
	}
	return fmt.Sprintf("input is %.0f bytes; the limit is %.0f", e.Value, e.Limit)
}

// Is makes errors.Is(err, e.Kind) true.
func (e *LimitError) Is(target error) bool { return target == e.Kind }

// An AudioError is audio that could not be used: ErrFormat (Err says why,
// often an *audio.FormatError or io.ErrUnexpectedEOF) or ErrEmpty.
type AudioError struct {
	Kind error // ErrFormat or ErrEmpty
	Err  error
}

func (e *AudioError) Error() string {
	if e.Kind == ErrEmpty {
		return "no audio samples"
	}
	return "bad audio: " + e.Err.Error()
}

// Is makes errors.Is(err, e.Kind) true.
func (e *AudioError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the decoder's error.
func (e *AudioError) Unwrap() error { return e.Err }

// An LMError is a language model that cannot be used.
type LMError struct {
	Err error
}

func (e *LMError) Error() string { return "language model: " + e.Err.Error() }

// Is makes errors.Is(err, ErrLM) true.
func (e *LMError) Is(target error) bool { return target == ErrLM }

// Unwrap returns the cause.
func (e *LMError) Unwrap() error { return e.Err }

// CheckSize checks an encoded input of n bytes against MaxBytes.
func (l Limits) CheckSize(n int64) error {
	if l.MaxBytes > 0 && n > l.MaxBytes {
		return &LimitError{Kind: ErrTooLarge, Value: float64(n), Limit: float64(l.MaxBytes)}
	}
	return nil
}

// CheckSeconds checks a duration against MaxSeconds.
func (l Limits) CheckSeconds(sec float64) error {
	if l.MaxSeconds > 0 && sec > l.MaxSeconds {
		return &LimitError{Kind: ErrTooLong, Value: sec, Limit: l.MaxSeconds}
	}
	return nil
}

// Probe reads the header at the start of an encoded input of size bytes
// (head may be a prefix of it) and checks the size and the declared
// duration, so that a caller can refuse an input before reading all of it.
// When head is too short to hold the whole header, only the size is
// checked and the Config's Format is "".
func (l Limits) Probe(head []byte, size int64) (audio.Config, error) {
	if err := l.CheckSize(size); err != nil {
		return audio.Config{}, err
	}
	if size == 0 {
		return audio.Config{}, &AudioError{Kind: ErrEmpty}
	}
	c, err := audio.DecodeConfig(bytes.NewReader(head))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) && int64(len(head)) < size {
			return audio.Config{}, nil
		}
		return c, &AudioError{Kind: ErrFormat, Err: err}
	}
	return c, l.CheckSeconds(c.Duration.Seconds())
}

// Decode decodes an encoded input (WAV, FLAC or MP3, as audio.Decode)
// within the limits: its size, the duration its header declares (checked
// before any sample is decoded, so a header that claims hours costs
// nothing) and the duration decoded.
func (l Limits) Decode(b []byte) (*audio.PCM, error) {
	if _, err := l.Probe(b, int64(len(b))); err != nil {
		return nil, err
	}
	p, err := audio.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, &AudioError{Kind: ErrFormat, Err: err}
	}
	if p.Truncated != nil {
		// audio keeps what a cut file holds and leaves the warning to the
		// caller; a request's client would not see a warning, so a cut
		// upload is refused as before.
		return nil, &AudioError{Kind: ErrFormat, Err: p.Truncated}
	}
	if p.Rate <= 0 {
		return nil, &AudioError{Kind: ErrFormat, Err: fmt.Errorf("sample rate %d", p.Rate)}
	}
	return p, l.CheckPCM(p)
}

// CheckPCM checks decoded audio: some samples, a sample rate, a duration
// within MaxSeconds.
func (l Limits) CheckPCM(p *audio.PCM) error {
	if p.Rate <= 0 {
		return &AudioError{Kind: ErrFormat, Err: fmt.Errorf("sample rate %d", p.Rate)}
	}
	if err := l.CheckSeconds(float64(len(p.Samples)) / float64(p.Rate)); err != nil {
		return err
	}
	if len(p.Samples) == 0 {
		return &AudioError{Kind: ErrEmpty}
	}
	return nil
}

// NewRequestRecognizer returns a recognizer for m with options o after
// checking them: an option out of its range is an *OptionError, and a
// decoder that cannot be built with the model's language model (when o asks
// for it) an *LMError, rather than the silent greedy decoding
// Recognizer.Transcribe falls back to.
func NewRequestRecognizer(m *Model, o Options) (*Recognizer, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	r := NewRecognizer(m, o)
	if o.Beam > 1 {
		if _, _, err := r.decoder(); err != nil {
			if o.UseLM && m.LM != nil {
				return nil, &LMError{Err: err}
			}
			return nil, fmt.Errorf("%w: %v", errInternal, err)
		}
	}
	return r, nil
}

// Recognize is one recognition request: it checks o, decodes the encoded
// input b within l and transcribes it with m. Errors match ErrOption,
// ErrTooLarge, ErrTooLong, ErrFormat, ErrEmpty or ErrLM (errors.Is), in
// that order of checking.
func Recognize(m *Model, o Options, l Limits, b []byte) (*Result, error) {
	r, err := NewRequestRecognizer(m, o)
	if err != nil {
		return nil, err
	}
	p, err := l.Decode(b)
	if err != nil {
		return nil, err
	}
	return r.Transcribe(p)
}
