package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

// Default limits. They suit the Workers runtime (128 MB of memory per
// isolate) as well as a small native server.
const (
	DefaultMaxBodyBytes = 10 << 20         // 10 MiB: about 5 minutes of 16 kHz 16-bit mono WAV
	DefaultMaxDuration  = 60 * time.Second // of audio per request
	DefaultMaxBeam      = 64
	DefaultMaxNBest     = 10
	DefaultMaxHotwords  = 100

	// DefaultNBest is the length of the n-best list when the request does
	// not say, as in "transcribe --format json".
	DefaultNBest = asr.JSONNBest
)

// Config configures a Handler. Only Load is required; zero limits mean the
// defaults, and CORS is open to every origin unless AllowOrigin says
// otherwise.
type Config struct {
	// Load returns the model, typically asr.Default (the embedded model).
	// It is called once, on the first request that needs it, and its result
	// (model or error) is kept. Nil answers transcriptions with 503. There
	// is no default, so that a program that loads its own model does not
	// link the embedded one.
	Load func() (*asr.Model, error)

	// Defaults are the decoding options before the query string's; nil
	// means asr.DefaultOptions() with an n-best list of DefaultNBest, as
	// "transcribe --format json" decodes.
	Defaults *asr.Options

	MaxBodyBytes int64         // 0 means DefaultMaxBodyBytes
	MaxDuration  time.Duration // 0 means DefaultMaxDuration
	MaxBeam      int           // 0 means DefaultMaxBeam
	MaxNBest     int           // 0 means DefaultMaxNBest

	// AllowOrigin is the Access-Control-Allow-Origin value sent on every
	// response. Empty means "*"; "-" disables CORS headers.
	AllowOrigin string
}

// Handler serves the API described in the package documentation. It is safe
// for concurrent use.
type Handler struct {
	cfg  Config
	defs asr.Options

	once  sync.Once
	model *asr.Model
	err   error
}

var _ http.Handler = (*Handler)(nil)

// New returns a Handler for cfg. It does not load the model; the first
// transcription does.
func New(cfg Config) *Handler {
	if cfg.Load == nil {
		cfg.Load = func() (*asr.Model, error) { return nil, errors.New("no model configured") }
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxDuration <= 0 {
		cfg.MaxDuration = DefaultMaxDuration
	}
	if cfg.MaxBeam <= 0 {
		cfg.MaxBeam = DefaultMaxBeam
	}
	if cfg.MaxNBest <= 0 {
		cfg.MaxNBest = DefaultMaxNBest
	}
	if cfg.AllowOrigin == "" {
		cfg.AllowOrigin = "*"
	}
	h := &Handler{cfg: cfg}
	if cfg.Defaults != nil {
		h.defs = *cfg.Defaults
	} else {
		h.defs = asr.DefaultOptions()
		h.defs.NBest = DefaultNBest
	}
	return h
}

// Model loads the model if it has not been loaded yet and returns it.
func (h *Handler) Model() (*asr.Model, error) {
	h.once.Do(func() {
		h.model, h.err = h.cfg.Load()
		if h.err == nil && h.model == nil {
			h.err = errors.New("no model loaded")
		}
	})
	return h.model, h.err
}

// An httpError is an error with the status code it is answered with.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func errorf(code int, format string, args ...any) *httpError {
	return &httpError{code: code, msg: fmt.Sprintf(format, args...)}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rw := &trackingWriter{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			if !rw.wrote {
				writeError(rw, errorf(http.StatusInternalServerError, "internal error: %v", v))
			}
		}
	}()
	h.cors(rw, r)
	if r.Method == http.MethodOptions {
		rw.Header().Set("Allow", allowFor(r.URL.Path))
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	switch r.URL.Path {
	case "/":
		if !methodOK(rw, r, http.MethodGet, http.MethodHead) {
			return
		}
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(rw, h.usage(r))
	case "/healthz":
		if !methodOK(rw, r, http.MethodGet, http.MethodHead) {
			return
		}
		writeJSON(rw, http.StatusOK, map[string]string{"status": "ok"})
	case "/v1/transcribe":
		if !methodOK(rw, r, http.MethodPost) {
			return
		}
		res, name, err := h.transcribe(rw, r)
		if err != nil {
			writeError(rw, err)
			return
		}
		// One line, as "transcribe --format json" prints it.
		writeBody(rw, http.StatusOK, append(asr.AppendJSON(nil, res, name), '\n'))
	default:
		writeError(rw, errorf(http.StatusNotFound, "no route %s %s; see GET / for usage", r.Method, r.URL.Path))
	}
}

func allowFor(path string) string {
	if path == "/v1/transcribe" {
		return "POST, OPTIONS"
	}
	return "GET, HEAD, OPTIONS"
}

func methodOK(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", allowFor(r.URL.Path))
	writeError(w, errorf(http.StatusMethodNotAllowed, "method %s not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(methods, " or ")))
	return false
}

func (h *Handler) cors(w http.ResponseWriter, r *http.Request) {
	if h.cfg.AllowOrigin == "-" {
		return
	}
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", h.cfg.AllowOrigin)
	if h.cfg.AllowOrigin != "*" {
		hd.Add("Vary", "Origin")
	}
	if r.Method == http.MethodOptions {
		hd.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" && validHeaderList(req) {
			hd.Set("Access-Control-Allow-Headers", req)
		} else {
			hd.Set("Access-Control-Allow-Headers", "Content-Type")
		}
		hd.Set("Access-Control-Max-Age", "86400")
	}
}

// validHeaderList reports whether s looks like a comma-separated list of
// header names, so that it can be echoed back safely.
func validHeaderList(s string) bool {
	if len(s) > 1024 {
		return false
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-' || c == '_' || c == ',' || c == ' ':
		default:
			return false
		}
	}
	return true
}

// transcribe runs the checks in the order the package documentation gives,
// then the recognizer. name is the uploaded file's name, or "-" for a body.
func (h *Handler) transcribe(w http.ResponseWriter, r *http.Request) (res *asr.Result, name string, err error) {
	opts, err := h.options(r.URL.Query())
	if err != nil {
		return nil, "", err
	}
	mt, params, err := mediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, "", err
	}
	if r.ContentLength > h.cfg.MaxBodyBytes {
		return nil, "", h.tooLarge()
	}
	body := http.MaxBytesReader(w, r.Body, h.cfg.MaxBodyBytes)
	var data []byte
	name = "-"
	if mt == "multipart/form-data" {
		data, name, err = h.readMultipart(body, params["boundary"], &opts)
	} else {
		data, err = h.readAll(body)
	}
	if err != nil {
		return nil, "", err
	}
	if len(data) == 0 {
		return nil, "", errorf(http.StatusBadRequest, "empty request body: send a WAV or FLAC file")
	}
	pcm, err := h.decode(data)
	if err != nil {
		return nil, "", err
	}
	m, err := h.Model()
	if err != nil {
		return nil, "", errorf(http.StatusServiceUnavailable, "model not available: %v", err)
	}
	res, err = asr.NewRecognizer(m, opts).Transcribe(pcm)
	if err != nil {
		return nil, "", errorf(http.StatusInternalServerError, "transcribing: %v", err)
	}
	return res, name, nil
}

func (h *Handler) tooLarge() error {
	return errorf(http.StatusRequestEntityTooLarge, "request body is larger than the limit of %s", byteSize(h.cfg.MaxBodyBytes))
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// readAll reads a body already wrapped in http.MaxBytesReader.
func (h *Handler) readAll(body io.Reader) ([]byte, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, h.bodyError(err)
	}
	return data, nil
}

func (h *Handler) bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return h.tooLarge()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errorf(http.StatusBadRequest, "request body ended early (shorter than its Content-Length?)")
	}
	return errorf(http.StatusBadRequest, "reading request body: %v", err)
}

// mediaType checks the request's Content-Type.
func mediaType(ct string) (string, map[string]string, error) {
	const want = "send audio/wav, audio/flac, application/octet-stream or multipart/form-data"
	if ct == "" {
		return "", nil, errorf(http.StatusUnsupportedMediaType, "missing Content-Type; %s", want)
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", nil, errorf(http.StatusUnsupportedMediaType, "bad Content-Type %q: %v; %s", ct, err, want)
	}
	switch mt {
	case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave",
		"audio/flac", "audio/x-flac", "application/octet-stream":
		return mt, params, nil
	case "multipart/form-data":
		if params["boundary"] == "" {
			return "", nil, errorf(http.StatusBadRequest, "multipart/form-data without a boundary parameter")
		}
		return mt, params, nil
	}
	return "", nil, errorf(http.StatusUnsupportedMediaType, "unsupported Content-Type %q; %s", mt, want)
}

// maxFieldBytes bounds a non-file multipart field (an option value).
const maxFieldBytes = 4 << 10

// readMultipart returns the contents of the first part named "file" or
// "audio", and its file name ("-" if none). Other fields before it are
// options with the query's names, and override the query.
func (h *Handler) readMultipart(body io.Reader, boundary string, opts *asr.Options) ([]byte, string, error) {
	mr := multipart.NewReader(body, boundary)
	fields := url.Values{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, "", errorf(http.StatusBadRequest, `multipart form has no "file" or "audio" field`)
		}
		if err != nil {
			return nil, "", h.multipartError(err)
		}
		name := p.FormName()
		if name == "file" || name == "audio" {
			if ct := p.Header.Get("Content-Type"); ct != "" {
				if mt, _, err := mediaType(ct); err != nil || mt == "multipart/form-data" {
					return nil, "", errorf(http.StatusUnsupportedMediaType, "unsupported Content-Type %q for the %q part; send a WAV or FLAC file", ct, name)
				}
			}
			data, err := io.ReadAll(p)
			if err != nil {
				return nil, "", h.multipartError(err)
			}
			if len(fields) > 0 {
				if err := h.applyOptions(fields, opts); err != nil {
					return nil, "", err
				}
			}
			fname := p.FileName()
			if fname == "" {
				fname = "-"
			}
			return data, fname, nil
		}
		v, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
		if err != nil {
			return nil, "", h.multipartError(err)
		}
		if len(v) > maxFieldBytes {
			return nil, "", errorf(http.StatusBadRequest, "multipart field %q is longer than %d bytes", name, maxFieldBytes)
		}
		if name == "" {
			continue
		}
		fields.Add(name, string(v))
	}
}

func (h *Handler) multipartError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return h.tooLarge()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errorf(http.StatusBadRequest, "malformed multipart body: it ends before its closing boundary")
	}
	return errorf(http.StatusBadRequest, "malformed multipart body: %v", err)
}

// decode checks the header, the declared duration, then decodes and checks
// the real duration.
func (h *Handler) decode(data []byte) (*audio.PCM, error) {
	cfg, err := audio.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "bad audio: %v", err)
	}
	if cfg.Duration > h.cfg.MaxDuration {
		return nil, h.tooLong(cfg.Duration)
	}
	pcm, err := audio.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "bad audio: %v", err)
	}
	if pcm.Rate <= 0 {
		return nil, errorf(http.StatusBadRequest, "bad audio: sample rate %d", pcm.Rate)
	}
	if d := time.Duration(float64(len(pcm.Samples)) / float64(pcm.Rate) * float64(time.Second)); d > h.cfg.MaxDuration {
		return nil, h.tooLong(d)
	}
	if len(pcm.Samples) == 0 {
		return nil, errorf(http.StatusBadRequest, "bad audio: no samples")
	}
	return pcm, nil
}

func (h *Handler) tooLong(d time.Duration) error {
	return errorf(http.StatusRequestEntityTooLarge, "audio is %s long; the limit is %s per request", d.Round(time.Millisecond), h.cfg.MaxDuration)
}

// options parses the query string over the handler's defaults.
func (h *Handler) options(q url.Values) (asr.Options, error) {
	o := h.defs
	o.Hotwords = append([]asr.Hotword(nil), h.defs.Hotwords...)
	if err := h.applyOptions(q, &o); err != nil {
		return o, err
	}
	return o, nil
}

// applyOptions sets the options named in q. Unknown names are errors, so
// that a typo does not silently fall back to a default.
func (h *Handler) applyOptions(q url.Values, o *asr.Options) error {
	for name, vals := range q {
		if len(vals) == 0 {
			continue
		}
		last := vals[len(vals)-1]
		var err error
		switch name {
		case "beam":
			o.Beam, err = intIn(name, last, 1, h.cfg.MaxBeam)
		case "nbest":
			o.NBest, err = intIn(name, last, 0, h.cfg.MaxNBest)
		case "lm":
			o.UseLM, err = boolean(name, last)
		case "lexicon":
			o.Lexicon, err = boolean(name, last)
		case "timestamps":
			o.Timestamps, err = boolean(name, last)
		case "alpha":
			o.Alpha, err = float(name, last)
		case "beta":
			o.Beta, err = float(name, last)
		case "blank-penalty":
			o.BlankPenalty, err = float(name, last)
		case "hotword", "hotwords":
			for _, v := range vals {
				for _, s := range strings.Split(v, ",") {
					hw, herr := hotword(s)
					if herr != nil {
						return herr
					}
					if hw.Word != "" {
						o.Hotwords = append(o.Hotwords, hw)
					}
				}
			}
			if len(o.Hotwords) > DefaultMaxHotwords {
				return errorf(http.StatusBadRequest, "too many hotwords: %d (at most %d)", len(o.Hotwords), DefaultMaxHotwords)
			}
		default:
			return errorf(http.StatusBadRequest, "unknown option %q; known: beam, nbest, lm, lexicon, alpha, beta, blank-penalty, hotword, timestamps", name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// DefaultHotwordBoost is the boost of a hotword given without one.
const DefaultHotwordBoost = 5.0

func hotword(s string) (asr.Hotword, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return asr.Hotword{}, nil
	}
	word, boost := s, DefaultHotwordBoost
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		b, err := strconv.ParseFloat(s[i+1:], 64)
		if err != nil || b != b || b > 1e6 || b < -1e6 {
			return asr.Hotword{}, errorf(http.StatusBadRequest, "bad hotword %q: want WORD or WORD:BOOST with a number for BOOST", s)
		}
		word, boost = strings.TrimSpace(s[:i]), b
	}
	if word == "" || len(word) > 100 {
		return asr.Hotword{}, errorf(http.StatusBadRequest, "bad hotword %q", s)
	}
	return asr.Hotword{Word: word, Boost: boost}, nil
}

func intIn(name, s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, "bad %s %q: want an integer from %d to %d", name, s, lo, hi)
	}
	return n, nil
}

func boolean(name, s string) (bool, error) {
	if s == "" {
		return true, nil // "?timestamps" alone means on, like a bare CLI flag
	}
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, errorf(http.StatusBadRequest, "bad %s %q: want true or false", name, s)
	}
	return b, nil
}

func float(name, s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f != f || f > 1e6 || f < -1e6 {
		return 0, errorf(http.StatusBadRequest, "bad %s %q: want a number", name, s)
	}
	return f, nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b, _ = json.Marshal(map[string]string{"error": "encoding response: " + err.Error()})
	}
	writeBody(w, code, append(b, '\n'))
}

// writeBody sends a JSON body.
func writeBody(w http.ResponseWriter, code int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(b)
}

func writeError(w http.ResponseWriter, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		he = &httpError{code: http.StatusInternalServerError, msg: err.Error()}
	}
	writeJSON(w, he.code, map[string]string{"error": he.msg})
}

// trackingWriter remembers whether a response was started, so that a
// recovered panic does not write a second header.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) {
	t.wrote = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

func (h *Handler) usage(r *http.Request) string {
	host := "http://" + r.Host
	if r.Host == "" {
		host = "http://127.0.0.1:8081"
	}
	return fmt.Sprintf(`ecoute speech-to-text API

  POST /v1/transcribe   WAV or FLAC audio in, JSON out
  GET  /healthz         liveness check

Send the audio as the body (Content-Type audio/wav or audio/flac) or as a
multipart form upload in a field named "file" or "audio":

  curl --data-binary @hello.wav -H 'Content-Type: audio/wav' '%[1]s/v1/transcribe'
  curl -F file=@hello.flac '%[1]s/v1/transcribe?timestamps=true'

Options (query string, or form fields before the file):
  beam=N             beam width, 1 = greedy (1..%[2]d)
  lm=false           decode without the model's language model
  alpha=F, beta=F    language model weight and word insertion bonus
  blank-penalty=F    taken from the CTC blank's log-probability (beam search)
  hotword=WORD[:B]   boost WORD by B (repeatable)
  nbest=N            the N best hypotheses (0..%[3]d, default 3)
  timestamps=false   no word times

The answer is the JSON of "transcribe --format json": file, text, words
[{word, start, end, confidence}], nbest [{text, score, acoustic_score,
lm_score}], duration, processing_time.

Limits: %[4]s of body, %[5]s of audio per request.
Errors are JSON: {"error": "..."} with status 400, 404, 405, 413 or 415.
`, host, h.cfg.MaxBeam, h.cfg.MaxNBest, byteSize(h.cfg.MaxBodyBytes), h.cfg.MaxDuration)
}
