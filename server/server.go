package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecoute/ecoute/asr"
)

// Default limits: asr.DefaultLimits, which suit the Workers runtime (128 MB
// of memory per isolate) as well as a small native server.
var (
	DefaultMaxBodyBytes = asr.DefaultLimits().MaxBytes                                         // 10 MiB: about 5 minutes of 16 kHz 16-bit mono WAV
	DefaultMaxDuration  = time.Duration(asr.DefaultLimits().MaxSeconds * float64(time.Second)) // of audio per request
)

// MaxDefaultConcurrent caps the default number of concurrent
// transcriptions (the number of CPUs): measured with 60 s requests, each
// running one costs 50-90 MB of peak RSS, so 8 keep "transcribe serve"
// under 1 GB however many requests arrive (813 MB measured with 32 at once).
const MaxDefaultConcurrent = 8

// DefaultRetryAfter is the Retry-After of a 503 sent when the queue is full.
const DefaultRetryAfter = 5 * time.Second

// Config configures a Handler. Only Load is required; zero limits mean the
// defaults, and CORS is open to every origin unless AllowOrigin says
// otherwise. Beam width, n-best length and hotwords are bounded by
// asr.OptionTable, as for the CLI and the browser.
type Config struct {
	// Load returns the model, typically asr.Default (the embedded model).
	// It is called once, on the first request that needs it, and its result
	// (model or error) is kept. Nil answers transcriptions with 503. There
	// is no default, so that a program that loads its own model does not
	// link the embedded one.
	Load func() (*asr.Model, error)

	// Defaults are the decoding options before the query string's; nil
	// means asr.DefaultOptions(), as "transcribe --format json" decodes.
	Defaults *asr.Options

	MaxBodyBytes int64         // 0 means DefaultMaxBodyBytes
	MaxDuration  time.Duration // 0 means DefaultMaxDuration

	// MaxConcurrent is the number of transcriptions that run at once; 0
	// means runtime.NumCPU() up to MaxDefaultConcurrent natively, and no
	// limit under GOOS=js (the edge worker, where the platform spreads
	// requests over isolates), as does a negative value. MaxQueue requests
	// more may wait for a slot, holding their bodies, so memory stays
	// within about (MaxConcurrent+MaxQueue) × MaxBodyBytes plus
	// MaxConcurrent recognizers; past that a request is answered 503 with
	// Retry-After. MaxQueue 0 means 4 × MaxConcurrent; negative means no
	// queue.
	MaxConcurrent int
	MaxQueue      int
	RetryAfter    time.Duration // 0 means DefaultRetryAfter

	// AccessLog, when set, gets one line per request: time, client,
	// method, path, status, audio seconds and processing milliseconds.
	AccessLog io.Writer

	// AllowOrigin is the Access-Control-Allow-Origin value sent on every
	// response. Empty means "*"; "-" disables CORS headers.
	AllowOrigin string

	// Stream configures the WebSocket route /v1/stream (stream.go).
	Stream StreamConfig
}

// Handler serves the API described in the package documentation. It is safe
// for concurrent use.
type Handler struct {
	cfg    Config
	defs   asr.Options
	limits asr.Limits

	admit chan struct{} // a token per admitted request (running or queued); nil: no limit
	run   chan struct{} // a token per running transcription; nil: no limit
	logMu sync.Mutex

	once  sync.Once
	model *asr.Model
	err   error

	streams streamState // open /v1/stream connections
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
	if cfg.AllowOrigin == "" {
		cfg.AllowOrigin = "*"
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = DefaultRetryAfter
	}
	if cfg.MaxConcurrent == 0 {
		cfg.MaxConcurrent = min(runtime.NumCPU(), MaxDefaultConcurrent)
		if runtime.GOOS == "js" {
			cfg.MaxConcurrent = -1 // as before: the worker's platform bounds it
		}
	}
	if cfg.MaxQueue == 0 {
		cfg.MaxQueue = 4 * cfg.MaxConcurrent
	}
	cfg.MaxQueue = max(cfg.MaxQueue, 0)
	h := &Handler{cfg: cfg, limits: asr.Limits{MaxSeconds: cfg.MaxDuration.Seconds(), MaxBytes: cfg.MaxBodyBytes}}
	if cfg.MaxConcurrent > 0 {
		h.run = make(chan struct{}, cfg.MaxConcurrent)
		h.admit = make(chan struct{}, cfg.MaxConcurrent+cfg.MaxQueue)
	}
	if cfg.Defaults != nil {
		h.defs = *cfg.Defaults
	} else {
		h.defs = asr.DefaultOptions()
	}
	return h
}

// Model loads the model if it has not been loaded yet and returns it. It
// also builds the beam decoder of the default options (its lexicon trie),
// which the recognizers of requests with those options share, so that the
// first request is not the one to pay for it.
func (h *Handler) Model() (*asr.Model, error) {
	h.once.Do(func() {
		h.model, h.err = h.cfg.Load()
		if h.err == nil && h.model == nil {
			h.err = errors.New("no model loaded")
		}
		if h.err == nil {
			asr.NewRecognizer(h.model, h.defs).Prepare() // a decoder error shows per request
		}
	})
	return h.model, h.err
}

// An httpError is an error with the status code it is answered with.
type httpError struct {
	code  int
	msg   string
	field string // the form field at fault, if one is
}

func (e *httpError) Error() string { return e.msg }

func errorf(code int, format string, args ...any) *httpError {
	return &httpError{code: code, msg: fmt.Sprintf(format, args...)}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := &trackingWriter{ResponseWriter: w, status: http.StatusOK}
	if h.cfg.AccessLog != nil {
		defer func() { h.logRequest(r, rw, time.Since(start)) }()
	}
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
	case openAIPath:
		h.serveOpenAI(rw, r) // OpenAI's transcription API: openai.go
	case "/v1/transcribe":
		if !methodOK(rw, r, http.MethodPost) {
			return
		}
		res, name, err := h.transcribe(rw, r)
		if err != nil {
			h.refuse(rw, r, err)
			return
		}
		rw.audio = res.Duration
		// One line, as "transcribe --format json" prints it.
		writeBody(rw, http.StatusOK, append(asr.AppendJSON(nil, res, name), '\n'))
	case alignPath:
		h.serveAlign(rw, r) // forced alignment, text in, subtitles out: align.go
	case "/v1/stream":
		h.serveStream(rw, r) // WebSocket, Vosk's protocol: stream.go
	default:
		writeError(rw, errorf(http.StatusNotFound, "no route %s %s; see GET / for usage", r.Method, r.URL.Path))
	}
}

// logRequest writes the access-log line of one request.
func (h *Handler) logRequest(r *http.Request, rw *trackingWriter, d time.Duration) {
	line := fmt.Sprintf("%s %s %s %s %d audio=%.2fs %dms\n",
		time.Now().UTC().Format(time.RFC3339), r.RemoteAddr, r.Method, r.URL.Path, rw.status, rw.audio, d.Milliseconds())
	h.logMu.Lock()
	io.WriteString(h.cfg.AccessLog, line)
	h.logMu.Unlock()
}

func allowFor(path string) string {
	if path == "/v1/transcribe" || path == openAIPath || path == alignPath {
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
	if err := h.limits.CheckSize(r.ContentLength); err != nil {
		return nil, "", err
	}
	release, err := h.admitRequest()
	if err != nil {
		return nil, "", err
	}
	defer release()
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
		return nil, "", errorf(http.StatusBadRequest, "empty request body: send a WAV, FLAC or MP3 file")
	}
	res, err = h.recognize(r.Context(), data, opts)
	if err != nil {
		return nil, "", err
	}
	return res, name, nil
}

// admitRequest takes an admission token: a request past the running and
// queued ones is refused (503) before its body is read. release returns
// the token.
func (h *Handler) admitRequest() (release func(), err error) {
	if h.admit == nil {
		return func() {}, nil
	}
	select {
	case h.admit <- struct{}{}:
		return func() { <-h.admit }, nil
	default:
		return nil, errorf(http.StatusServiceUnavailable, "the server is busy (%d transcriptions running, %d waiting); retry in %s",
			h.cfg.MaxConcurrent, h.cfg.MaxQueue, h.cfg.RetryAfter)
	}
}

// recognize waits for a transcription slot, then decodes data (a whole
// audio file, checked against the limits) and transcribes it with opts.
func (h *Handler) recognize(ctx context.Context, data []byte, opts asr.Options) (*asr.Result, error) {
	if h.run != nil {
		select {
		case h.run <- struct{}{}:
			defer func() { <-h.run }()
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	pcm, err := h.limits.Decode(data)
	if err != nil {
		return nil, err
	}
	data = nil // the body is no longer needed while the recognizer runs
	m, err := h.Model()
	if err != nil {
		return nil, errorf(http.StatusServiceUnavailable, "model not available: %v", err)
	}
	rec, err := asr.NewRequestRecognizer(m, opts)
	if err != nil {
		return nil, err
	}
	res, err := rec.Transcribe(pcm)
	if err != nil {
		return nil, errorf(http.StatusInternalServerError, "transcribing: %v", err)
	}
	return res, nil
}

// status maps an error to the status code and message the client gets: an
// asr error by its kind, an *httpError as it says.
func (h *Handler) status(err error) (int, string) {
	var he *httpError
	var le *asr.LimitError
	switch {
	case errors.As(err, &he):
		return he.code, he.msg
	case errors.As(err, &le) && le.Kind == asr.ErrTooLarge:
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than the limit of %s", byteSize(h.cfg.MaxBodyBytes))
	case errors.As(err, &le):
		d := time.Duration(le.Value * float64(time.Second))
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("audio is %s long; the limit is %s per request", d.Round(time.Millisecond), h.cfg.MaxDuration)
	case errors.Is(err, asr.ErrEmpty):
		return http.StatusBadRequest, "bad audio: no samples"
	case errors.Is(err, asr.ErrFormat), errors.Is(err, asr.ErrOption):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, asr.ErrLM):
		return http.StatusInternalServerError, err.Error()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return 499, "request canceled while waiting" // nginx's "client closed request"; nobody reads it
	}
	return http.StatusInternalServerError, err.Error()
}

// drainMax bounds the bytes of a refused body that are read and dropped so
// that the client, still sending, reads the answer instead of a reset.
const drainMax = 64 << 20

// refuse answers err. When the request body has not been read to its end
// (413 on a declared or actual size, 503 from the queue) and the client did
// not ask for "Expect: 100-continue", the answer is flushed first and the
// rest of the body (up to drainMax bytes, for at most 10 seconds) is read
// and dropped before the connection closes: closing with unread data would
// reset the connection, and many clients report the reset instead of the
// answer.
func (h *Handler) refuse(w *trackingWriter, r *http.Request, err error) {
	h.refuseWith(w, r, err, func(code int, msg string) { writeError(w, errorf(code, "%s", msg)) })
}

// refuseWith is refuse with the error body written by write.
func (h *Handler) refuseWith(w *trackingWriter, r *http.Request, err error, write func(code int, msg string)) {
	code, msg := h.status(err)
	drain := (code == http.StatusRequestEntityTooLarge || code == http.StatusServiceUnavailable) &&
		r.Body != nil && r.Body != http.NoBody && !strings.EqualFold(r.Header.Get("Expect"), "100-continue") &&
		r.ContentLength <= drainMax
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(h.cfg.RetryAfter.Seconds()))))
	}
	if !drain {
		write(code, msg)
		return
	}
	rc := http.NewResponseController(w)
	rc.EnableFullDuplex() // keep the body readable after the answer (HTTP/1.x)
	w.Header().Set("Connection", "close")
	write(code, msg)
	rc.Flush()
	rc.SetReadDeadline(time.Now().Add(10 * time.Second))
	io.Copy(io.Discard, io.LimitReader(r.Body, drainMax))
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
		return h.limits.CheckSize(h.cfg.MaxBodyBytes + 1)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errorf(http.StatusBadRequest, "request body ended early (shorter than its Content-Length?)")
	}
	return errorf(http.StatusBadRequest, "reading request body: %v", err)
}

// mediaType checks the request's Content-Type.
func mediaType(ct string) (string, map[string]string, error) {
	const want = "send audio/wav, audio/flac, audio/mpeg, application/octet-stream or multipart/form-data"
	if ct == "" {
		return "", nil, errorf(http.StatusUnsupportedMediaType, "missing Content-Type; %s", want)
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", nil, errorf(http.StatusUnsupportedMediaType, "bad Content-Type %q: %v; %s", ct, err, want)
	}
	switch mt {
	case "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave",
		"audio/flac", "audio/x-flac", "audio/mpeg", "audio/mp3", "application/octet-stream":
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

// fileFields are the names of the multipart part that holds the audio.
var fileFields = []string{"file", "audio"}

// formFields describes the fields a multipart form may have, for errors.
func formFields() string {
	return fmt.Sprintf(`the audio in a field named "file" or "audio", after option fields named %s`, strings.Join(asr.OptionNames(), ", "))
}

// readMultipart returns the contents of the part named "file" or "audio",
// and its file name ("-" if none). Parts before it are options with the
// query's names, and override the query. An unknown field, or any part
// after the file, is refused as the query refuses an unknown option.
func (h *Handler) readMultipart(body io.Reader, boundary string, opts *asr.Options) ([]byte, string, error) {
	mr := multipart.NewReader(body, boundary)
	fields := url.Values{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil, "", errorf(http.StatusBadRequest, `multipart form has no "file" or "audio" field; send %s`, formFields())
		}
		if err != nil {
			return nil, "", h.multipartError(err)
		}
		name := p.FormName()
		if slices.Contains(fileFields, name) {
			return h.readFilePart(mr, p, fields, opts)
		}
		if _, ok := asr.LookupOption(name); !ok {
			return nil, "", errorf(http.StatusBadRequest, "unknown form field %q; send %s", name, formFields())
		}
		v, err := h.readField(p, maxFieldBytes)
		if err != nil {
			return nil, "", err
		}
		fields.Add(name, v)
	}
}

// readField reads the value of the non-file part p, of at most limit bytes:
// the one bound on form fields of every route.
func (h *Handler) readField(p *multipart.Part, limit int64) (string, error) {
	v, err := io.ReadAll(io.LimitReader(p, limit+1))
	if err != nil {
		return "", h.multipartError(err)
	}
	if int64(len(v)) > limit {
		e := errorf(http.StatusBadRequest, "form field %q is longer than %s", p.FormName(), byteSize(limit))
		e.field = p.FormName()
		return "", e
	}
	return string(v), nil
}

// readFilePart reads the audio part p, checks that nothing follows it and
// applies the option fields that preceded it.
func (h *Handler) readFilePart(mr *multipart.Reader, p *multipart.Part, fields url.Values, opts *asr.Options) ([]byte, string, error) {
	name := p.FormName()
	if ct := p.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mediaType(ct); err != nil || mt == "multipart/form-data" {
			return nil, "", errorf(http.StatusUnsupportedMediaType, "unsupported Content-Type %q for the %q part; send a WAV, FLAC or MP3 file", ct, name)
		}
	}
	data, err := io.ReadAll(p)
	if err != nil {
		return nil, "", h.multipartError(err)
	}
	switch next, err := mr.NextPart(); {
	case err == nil:
		return nil, "", errorf(http.StatusBadRequest, "form field %q comes after the %q part; put option fields before the audio (or in the query)", next.FormName(), name)
	case err != io.EOF:
		return nil, "", h.multipartError(err)
	}
	if err := applyOptions(fields, opts); err != nil {
		return nil, "", err
	}
	fname := p.FileName()
	if fname == "" {
		fname = "-"
	}
	return data, fname, nil
}

func (h *Handler) multipartError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return h.limits.CheckSize(h.cfg.MaxBodyBytes + 1)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errorf(http.StatusBadRequest, "malformed multipart body: it ends before its closing boundary")
	}
	return errorf(http.StatusBadRequest, "malformed multipart body: %v", err)
}

// options parses the query string over the handler's defaults.
func (h *Handler) options(q url.Values) (asr.Options, error) {
	o := h.defs
	o.Hotwords = append([]asr.Hotword(nil), h.defs.Hotwords...)
	if err := applyOptions(q, &o); err != nil {
		return o, err
	}
	return o, nil
}

// applyOptions sets the options named in q through asr.Options.Set, in
// the table's order. Unknown names are errors, so that a typo does not
// silently fall back to a default. A repeated option takes its last value,
// except hotwords, which add up.
func applyOptions(q url.Values, o *asr.Options) error {
	for name := range q {
		if _, ok := asr.LookupOption(name); !ok {
			return o.Set(name, "")
		}
	}
	for _, r := range asr.OptionTable {
		for _, name := range append([]string{r.Name}, r.Aliases...) {
			vals := q[name]
			if len(vals) == 0 {
				continue
			}
			if r.Kind != asr.HotwordsOption {
				vals = vals[len(vals)-1:]
			}
			for _, v := range vals {
				if err := o.Set(name, v); err != nil {
					return err
				}
			}
		}
	}
	return nil
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
// recovered panic does not write a second header, and what the access log
// reports.
type trackingWriter struct {
	http.ResponseWriter
	wrote  bool
	status int
	audio  float64 // seconds of audio transcribed
}

func (t *trackingWriter) WriteHeader(code int) {
	if !t.wrote {
		t.status = code
	}
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
	var opts strings.Builder
	d := h.defs
	for i := range asr.OptionTable {
		row := &asr.OptionTable[i]
		name := row.Name + "=" + strings.ToUpper(kindWord(row.Kind))
		fmt.Fprintf(&opts, "  %-22s %s (%s", name, row.Help, row.Range())
		if v := row.Get(&d); v != "" {
			fmt.Fprintf(&opts, "; default %s", v)
		}
		opts.WriteString(")\n")
	}
	return fmt.Sprintf(`ecoute speech-to-text API

  POST /v1/transcribe   WAV, FLAC or MP3 audio in, JSON out
  POST /v1/audio/transcriptions   OpenAI's transcription API (multipart
                        file, model, response_format json, text, srt, vtt
                        or verbose_json, timestamp_granularities[],
                        language en, prompt as hotwords)
  POST /v1/align        forced alignment, "paste text, get subtitles"
                        (multipart file and text; format srt, vtt, json
                        or textgrid; max_chars, max_lines, max_seconds,
                        min_pause)
  GET  /v1/stream       WebSocket, vosk-server's protocol: live partial
                        and final results
  GET  /healthz         liveness check

Send the audio as the body (Content-Type audio/wav, audio/flac or
audio/mpeg) or as a multipart form upload in a field named "file" or
"audio":

  curl --data-binary @hello.wav -H 'Content-Type: audio/wav' '%[1]s/v1/transcribe'
  curl -F file=@hello.flac '%[1]s/v1/transcribe?timestamps=true'

Options (query string, or form fields before the file; hotword repeats):
%[2]s
The answer is the JSON of "transcribe --format json": file, text, words
[{word, start, end, confidence}], nbest [{text, score, acoustic_score,
lm_score}], duration, processing_time.

Limits: %[3]s of body, %[4]s of audio per request.
Errors are JSON: {"error": "..."} with status 400, 404, 405, 413, 415, or
503 with Retry-After when the server is busy.
`, host, opts.String(), byteSize(h.cfg.MaxBodyBytes), h.cfg.MaxDuration)
}

func kindWord(k asr.OptionKind) string {
	switch k {
	case asr.IntOption:
		return "n"
	case asr.FloatOption:
		return "f"
	case asr.BoolOption:
		return "bool"
	}
	return "word[:b]"
}
