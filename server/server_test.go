package server

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/asrtest"
	"github.com/ecoute/ecoute/audio"
)

// tone returns a WAV file of d seconds at 16 kHz: a seeded mix of a few
// sines and noise, enough for the decoder and the recognizer to chew on.
func tone(t testing.TB, seconds float64) []byte {
	t.Helper()
	const rate = 16000
	rng := rand.New(rand.NewPCG(1, 2))
	n := int(seconds * rate)
	x := make([]float32, n)
	for i := range x {
		ti := float64(i) / rate
		x[i] = float32(0.3*math.Sin(2*math.Pi*220*ti)+0.2*math.Sin(2*math.Pi*660*ti)) + 0.05*float32(rng.NormFloat64())
	}
	var b bytes.Buffer
	if err := audio.EncodeWAV(&b, x, rate); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hoursWAV is a 44-byte canonical WAV header whose data chunk claims about
// 37 hours of 16 kHz mono audio, followed by a few real samples.
func hoursWAV() []byte {
	var h [44]byte
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 0xFFFFFF00+36)
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)     // PCM
	binary.LittleEndian.PutUint16(h[22:], 1)     // mono
	binary.LittleEndian.PutUint32(h[24:], 16000) // rate
	binary.LittleEndian.PutUint32(h[28:], 32000) // byte rate
	binary.LittleEndian.PutUint16(h[32:], 2)     // block align
	binary.LittleEndian.PutUint16(h[34:], 16)    // bits
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], 0xFFFFFF00)
	return append(h[:], make([]byte, 320)...)
}

type response struct {
	code int
	hdr  http.Header
	body []byte
}

func (r response) errorMessage(t *testing.T) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error == "" {
		t.Fatalf("status %d: body is not a JSON error: %q (%v)", r.code, r.body, err)
	}
	if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q, want application/json", ct)
	}
	return e.Error
}

func do(h http.Handler, req *http.Request) response {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{rec.Code, rec.Result().Header, rec.Body.Bytes()}
}

func post(h http.Handler, target, ct string, body []byte) response {
	req := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return do(h, req)
}

func multipartBody(t testing.TB, fields [][2]string, fileField, fileCT string, file []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	if fileField != "" {
		hd := textproto.MIMEHeader{}
		hd.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename="clip.wav"`, fileField))
		if fileCT != "" {
			hd.Set("Content-Type", fileCT)
		}
		pw, err := mw.CreatePart(hd)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(file)
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// tinyModel is a seeded random model in the default architecture's shape
// but small (one bidirectional layer of 8 units), so that the tests do not
// depend on the embedded model and run fast. Its transcripts are gibberish,
// which is all the handler tests need: the same gibberish as the recognizer's.
var tinyModel = sync.OnceValues(func() (*asr.Model, error) {
	return asrtest.Model(asrtest.Options{Hidden: 8, Layers: 1, Std: 0.5, Seed: [2]uint64{7, 9}})
})

// newHandler is New with the tiny model unless cfg says otherwise.
func newHandler(cfg Config) *Handler {
	if cfg.Load == nil {
		cfg.Load = tinyModel
	}
	return New(cfg)
}

// want computes what the handler should answer for wav and opts by calling
// the recognizer directly.
func want(t *testing.T, wav []byte, opts asr.Options) *asr.Result {
	t.Helper()
	return wantWith(t, tinyModel, wav, opts)
}

func wantWith(t *testing.T, load func() (*asr.Model, error), wav []byte, opts asr.Options) *asr.Result {
	t.Helper()
	m, err := load()
	if err != nil {
		t.Fatal(err)
	}
	pcm, err := audio.Decode(bytes.NewReader(wav))
	if err != nil {
		t.Fatal(err)
	}
	res, err := asr.NewRecognizer(m, opts).Transcribe(pcm)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sameResult checks that a response body is the CLI's JSON record of w
// (asr.AppendJSON), apart from the processing time.
func sameResult(t *testing.T, body []byte, w *asr.Result) {
	t.Helper()
	sameRecord(t, body, w, "-")
}

func sameRecord(t *testing.T, body []byte, w *asr.Result, name string) {
	t.Helper()
	var got, want map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, body)
	}
	wb := asr.AppendJSON(nil, w, name)
	if err := json.Unmarshal(wb, &want); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["processing_time"].(float64); !ok {
		t.Errorf("no processing_time in %s", body)
	}
	delete(got, "processing_time")
	delete(want, "processing_time")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("result differs from the recognizer's:\n got %s\nwant %s", body, wb)
	}
}

func TestRoutes(t *testing.T) {
	h := newHandler(Config{})
	r := do(h, httptest.NewRequest("GET", "/healthz", nil))
	if r.code != 200 || strings.TrimSpace(string(r.body)) != `{"status":"ok"}` {
		t.Errorf("GET /healthz = %d %q", r.code, r.body)
	}
	r = do(h, httptest.NewRequest("GET", "/", nil))
	if r.code != 200 || !strings.Contains(string(r.body), "POST /v1/transcribe") || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/plain") {
		t.Errorf("GET / = %d %q %q", r.code, r.hdr.Get("Content-Type"), r.body)
	}
	r = do(h, httptest.NewRequest("GET", "/nope", nil))
	if r.code != 404 {
		t.Errorf("GET /nope = %d, want 404", r.code)
	}
	r.errorMessage(t)
	r = do(h, httptest.NewRequest("GET", "/v1/transcribe", nil))
	if r.code != 405 || r.hdr.Get("Allow") != "POST, OPTIONS" {
		t.Errorf("GET /v1/transcribe = %d Allow %q, want 405 with Allow", r.code, r.hdr.Get("Allow"))
	}
	r.errorMessage(t)
	r = do(h, httptest.NewRequest("DELETE", "/healthz", nil))
	if r.code != 405 {
		t.Errorf("DELETE /healthz = %d, want 405", r.code)
	}
}

func TestCORS(t *testing.T) {
	h := newHandler(Config{})
	req := httptest.NewRequest("OPTIONS", "/v1/transcribe", nil)
	req.Header.Set("Origin", "https://example.org")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	r := do(h, req)
	if r.code != http.StatusNoContent {
		t.Errorf("preflight status %d, want 204", r.code)
	}
	for k, v := range map[string]string{
		"Access-Control-Allow-Origin":  "*",
		"Access-Control-Allow-Headers": "content-type",
		"Access-Control-Max-Age":       "86400",
	} {
		if got := r.hdr.Get(k); got != v {
			t.Errorf("preflight %s = %q, want %q", k, got, v)
		}
	}
	if m := r.hdr.Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") {
		t.Errorf("preflight Allow-Methods = %q, want POST in it", m)
	}
	// Errors carry CORS headers too, so that a browser can read them.
	r = post(h, "/v1/transcribe", "text/plain", []byte("hi"))
	if r.hdr.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("error response lacks Access-Control-Allow-Origin")
	}
	// A header list that is not a list of names is not echoed.
	req = httptest.NewRequest("OPTIONS", "/v1/transcribe", nil)
	req.Header.Set("Access-Control-Request-Headers", "x\r\nevil: 1")
	if r := do(h, req); r.hdr.Get("Access-Control-Allow-Headers") != "Content-Type" {
		t.Errorf("odd request headers echoed: %q", r.hdr.Get("Access-Control-Allow-Headers"))
	}
	h = newHandler(Config{AllowOrigin: "https://app.example"})
	if r := do(h, httptest.NewRequest("GET", "/healthz", nil)); r.hdr.Get("Access-Control-Allow-Origin") != "https://app.example" || r.hdr.Get("Vary") != "Origin" {
		t.Errorf("configured origin: %v", r.hdr)
	}
	h = newHandler(Config{AllowOrigin: "-"})
	if r := do(h, httptest.NewRequest("GET", "/healthz", nil)); r.hdr.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS disabled but header sent: %v", r.hdr)
	}
}

func TestTranscribeBody(t *testing.T) {
	h := newHandler(Config{})
	wav := tone(t, 1.5)
	for _, ct := range []string{"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", "application/octet-stream", "audio/wav; codecs=1"} {
		r := post(h, "/v1/transcribe", ct, wav)
		if r.code != 200 {
			t.Fatalf("%s: status %d: %s", ct, r.code, r.body)
		}
		if r.hdr.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: no CORS header", ct)
		}
		sameResult(t, r.body, want(t, wav, defaults()))
	}
}

// defaults are the options a request without a query decodes with.
func defaults() asr.Options {
	return asr.DefaultOptions()
}

func TestTranscribeFiles(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*.wav")
	flacs, _ := filepath.Glob("../testdata/*.flac")
	files = append(files, flacs...)
	if len(files) == 0 {
		t.Skip("no testdata/*.wav or *.flac clips yet")
	}
	h := newHandler(Config{})
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if c, err := audio.DecodeConfig(bytes.NewReader(data)); err != nil || c.Duration > DefaultMaxDuration {
			continue // a deliberately broken or long clip
		}
		ct := "audio/wav"
		if strings.HasSuffix(f, ".flac") {
			ct = "audio/flac"
		}
		o := defaults()
		o.Timestamps = true
		r := post(h, "/v1/transcribe?timestamps=true", ct, data)
		if r.code != 200 {
			t.Errorf("%s: status %d: %s", f, r.code, r.body)
			continue
		}
		sameResult(t, r.body, want(t, data, o))
	}
}

// TestDefaultModel runs the embedded default model, as the worker does.
func TestDefaultModel(t *testing.T) {
	if _, err := asr.Default(); err != nil {
		t.Fatal(err) // go:embed makes a missing model a build error: this is a corrupt one
	}
	wav, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Skip(err)
	}
	h := New(Config{Load: asr.Default})
	r := post(h, "/v1/transcribe", "audio/wav", wav)
	if r.code != 200 {
		t.Fatalf("status %d: %s", r.code, r.body)
	}
	sameResult(t, r.body, wantWith(t, asr.Default, wav, defaults()))
}

func TestTranscribeMultipart(t *testing.T) {
	h := newHandler(Config{})
	wav := tone(t, 1)
	for _, field := range []string{"file", "audio"} {
		ct, body := multipartBody(t, [][2]string{{"timestamps", "true"}}, field, "audio/wav", wav)
		r := post(h, "/v1/transcribe", ct, body)
		if r.code != 200 {
			t.Fatalf("field %q: status %d: %s", field, r.code, r.body)
		}
		o := defaults()
		o.Timestamps = true
		sameRecord(t, r.body, want(t, wav, o), "clip.wav")
	}
	// A part without a Content-Type is sniffed.
	ct, body := multipartBody(t, nil, "file", "", wav)
	if r := post(h, "/v1/transcribe", ct, body); r.code != 200 {
		t.Errorf("untyped part: status %d: %s", r.code, r.body)
	}
}

func TestOptions(t *testing.T) {
	h := newHandler(Config{})
	d := defaults()
	for _, c := range []struct {
		query string
		edit  func(o *asr.Options)
	}{
		{"", func(o *asr.Options) {}},
		{"beam=4", func(o *asr.Options) { o.Beam = 4 }},
		{"beam=1", func(o *asr.Options) { o.Beam = 1 }},
		{"beam=4&nbest=3", func(o *asr.Options) { o.Beam, o.NBest = 4, 3 }},
		{"lm=true&alpha=0.5&beta=1.5", func(o *asr.Options) { o.UseLM, o.Alpha, o.Beta = true, 0.5, 1.5 }},
		{"lm=0", func(o *asr.Options) { o.UseLM = false }},
		{"lexicon=false", func(o *asr.Options) { o.Lexicon = false }},
		{"blank-penalty=0.75", func(o *asr.Options) { o.BlankPenalty = 0.75 }},
		{"timestamps", func(o *asr.Options) { o.Timestamps = true }},
		{"timestamps=1", func(o *asr.Options) { o.Timestamps = true }},
		{"hotword=ecoute&hotword=paris:2.5", func(o *asr.Options) {
			o.Hotwords = append(o.Hotwords, asr.Hotword{Word: "ecoute", Boost: asr.DefaultHotwordBoost}, asr.Hotword{Word: "paris", Boost: 2.5})
		}},
		{"hotwords=a:1,b:-2", func(o *asr.Options) {
			o.Hotwords = append(o.Hotwords, asr.Hotword{Word: "a", Boost: 1}, asr.Hotword{Word: "b", Boost: -2})
		}},
	} {
		req := httptest.NewRequest("POST", "/v1/transcribe?"+c.query, nil)
		got, err := h.options(req.URL.Query())
		if err != nil {
			t.Errorf("%q: %v", c.query, err)
			continue
		}
		w := d
		w.Hotwords = append([]asr.Hotword(nil), d.Hotwords...)
		c.edit(&w)
		if len(w.Hotwords) == 0 {
			w.Hotwords = nil
		}
		if len(got.Hotwords) == 0 {
			got.Hotwords = nil
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%q: options %+v, want %+v", c.query, got, w)
		}
	}
	for _, q := range []string{
		"beam=0", "beam=-3", "beam=x", "beam=100000", "beam=257", "nbest=-1", "nbest=99", "nbest=21",
		"lm=maybe", "alpha=NaN", "beta=1e309", "blank-penalty=x", "hotword=:3", "hotword=a:b", "hotword=a:NaN", "colour=blue", "min-confidence=2",
	} {
		r := post(h, "/v1/transcribe?"+q, "audio/wav", tone(t, 0.2))
		if r.code != 400 {
			t.Errorf("%q: status %d, want 400", q, r.code)
			continue
		}
		r.errorMessage(t)
	}
}

// earlyEOF is a body that ends before its Content-Length.
type earlyEOF struct{ r io.Reader }

func (e earlyEOF) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// failing is a body whose read fails.
type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestBadRequests(t *testing.T) {
	h := newHandler(Config{MaxBodyBytes: 64 << 10, MaxDuration: time.Minute})
	wav := tone(t, 0.5)
	big := tone(t, 3) // 96 KB > 64 KiB
	long := newHandler(Config{MaxDuration: time.Second})
	mpCT, mpNoFile := multipartBody(t, [][2]string{{"beam", "2"}}, "", "", nil)
	mpTextCT, mpText := multipartBody(t, nil, "file", "text/plain", []byte("hello"))
	_, mpGood := multipartBody(t, nil, "file", "audio/wav", wav)
	boundary := mpCT[strings.Index(mpCT, "boundary=")+len("boundary="):]
	truncatedMP := mpGood[:len(mpGood)/2]

	cases := []struct {
		name     string
		h        http.Handler
		ct       string
		body     io.Reader
		clen     int64 // -2: leave as set by NewRequest
		code     int
		contains string
	}{
		{"no content type", h, "", bytes.NewReader(wav), -2, 415, "Content-Type"},
		{"text/plain", h, "text/plain", bytes.NewReader(wav), -2, 415, "text/plain"},
		{"json", h, "application/json", strings.NewReader(`{}`), -2, 415, "application/json"},
		{"form urlencoded", h, "application/x-www-form-urlencoded", strings.NewReader("a=b"), -2, 415, ""},
		{"bad media type", h, "audio/wav; ===", bytes.NewReader(wav), -2, 415, ""},
		{"declared too large", h, "audio/wav", bytes.NewReader(wav), 1 << 30, 413, "64 KiB"},
		{"too large, chunked", h, "audio/wav", bytes.NewReader(big), -1, 413, "64 KiB"},
		{"too large, lying length", h, "audio/wav", bytes.NewReader(big), 1000, 413, "64 KiB"},
		{"no body", h, "audio/wav", http.NoBody, 0, 400, "empty"},
		{"ends early", h, "audio/wav", earlyEOF{bytes.NewReader(wav[:100])}, int64(len(wav)), 400, "ended early"},
		{"read fails", h, "audio/wav", failing{}, -1, 400, "connection reset"},
		{"garbage", h, "audio/wav", strings.NewReader("this is not audio at all, not even close"), -2, 400, "bad audio"},
		{"header only", h, "audio/wav", bytes.NewReader(wav[:20]), -2, 400, "bad audio"},
		{"truncated data", h, "audio/wav", bytes.NewReader(wav[:len(wav)/2]), -2, 400, "bad audio"},
		{"header claims hours", h, "audio/wav", bytes.NewReader(hoursWAV()), -2, 413, "limit is 1m0s"},
		{"too long", long, "audio/wav", bytes.NewReader(tone(t, 2)), -2, 413, "limit is 1s"},
		{"multipart without boundary", h, "multipart/form-data", bytes.NewReader(mpGood), -2, 400, "boundary"},
		{"multipart without file", h, mpCT, bytes.NewReader(mpNoFile), -2, 400, `"file"`},
		{"multipart garbage", h, mpCT, strings.NewReader("not multipart at all"), -2, 400, "multipart"},
		{"multipart wrong boundary", h, "multipart/form-data; boundary=zzz" + boundary, bytes.NewReader(mpGood), -2, 400, "multipart"},
		{"multipart truncated", h, mpCT, bytes.NewReader(truncatedMP), -2, 400, "multipart"},
		{"multipart text file", h, mpTextCT, bytes.NewReader(mpText), -2, 415, "text/plain"},
		{"multipart too large", h, mpCT, bytes.NewReader(append(append([]byte("--"+boundary+"\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"), big...), []byte("\r\n--"+boundary+"--\r\n")...)), -1, 413, "64 KiB"},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodPost, "/v1/transcribe", c.body)
		if c.clen != -2 {
			req.ContentLength = c.clen
		}
		if c.ct != "" {
			req.Header.Set("Content-Type", c.ct)
		}
		r := do(c.h, req)
		if r.code != c.code {
			t.Errorf("%s: status %d, want %d: %s", c.name, r.code, c.code, r.body)
			continue
		}
		msg := r.errorMessage(t)
		if !strings.Contains(msg, c.contains) {
			t.Errorf("%s: error %q does not mention %q", c.name, msg, c.contains)
		}
	}
}

func TestModelErrors(t *testing.T) {
	wav := tone(t, 0.3)
	if r := post(New(Config{}), "/v1/transcribe", "audio/wav", wav); r.code != 503 || !strings.Contains(r.errorMessage(t), "no model") {
		t.Errorf("no Load: %d %s", r.code, r.body)
	}
	h := New(Config{Load: func() (*asr.Model, error) { return nil, errors.New("no weights") }})
	r := post(h, "/v1/transcribe", "audio/wav", wav)
	if r.code != 503 || !strings.Contains(r.errorMessage(t), "no weights") {
		t.Errorf("load error: %d %s", r.code, r.body)
	}
	// A panic from a bug is answered with 500 and the handler keeps serving.
	h = New(Config{Load: func() (*asr.Model, error) { panic("bug") }})
	r = post(h, "/v1/transcribe", "audio/wav", wav)
	if r.code != 500 || !strings.Contains(r.errorMessage(t), "bug") {
		t.Errorf("panic: %d %s", r.code, r.body)
	}
	if r := do(h, httptest.NewRequest("GET", "/healthz", nil)); r.code != 200 {
		t.Errorf("after a panic: /healthz %d", r.code)
	}
}

// TestRealConnection sends requests over TCP that httptest.NewRequest cannot
// express: a Content-Length that promises more than the client sends.
func TestRealConnection(t *testing.T) {
	srv := httptest.NewServer(newHandler(Config{}))
	defer srv.Close()
	wav := tone(t, 0.5)

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/transcribe HTTP/1.1\r\nHost: x\r\nContent-Type: audio/wav\r\nContent-Length: %d\r\n\r\n", len(wav)+5000)
	conn.Write(wav)
	conn.(*net.TCPConn).CloseWrite()
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "ended early") {
		t.Errorf("lying Content-Length: %d %s", resp.StatusCode, body)
	}

	resp, err = http.Post(srv.URL+"/v1/transcribe", "audio/wav", bytes.NewReader(wav))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	sameResult(t, body, want(t, wav, defaults()))
}

// FuzzHandler checks that no body makes the handler panic or fail with a
// server error.
func FuzzHandler(f *testing.F) {
	f.Add([]byte{}, "audio/wav")
	f.Add(hoursWAV(), "audio/wav")
	f.Add(tone(f, 0.1), "audio/wav")
	files, _ := filepath.Glob("../testdata/*.wav")
	flacs, _ := filepath.Glob("../testdata/*.flac")
	for _, p := range append(files, flacs...) {
		if b, err := os.ReadFile(p); err == nil && len(b) < 256<<10 {
			f.Add(b, "audio/wav")
		}
	}
	ct, body := multipartBody(f, [][2]string{{"beam", "2"}}, "file", "audio/wav", tone(f, 0.1))
	f.Add(body, ct)
	h := newHandler(Config{MaxBodyBytes: 512 << 10, MaxDuration: 2 * time.Second})
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		r := post(h, "/v1/transcribe", ct, body)
		switch r.code {
		case 200:
		case 400, 413, 415:
			r.errorMessage(t)
		default:
			t.Fatalf("status %d for %d bytes of %q: %s", r.code, len(body), ct, r.body)
		}
	})
}
