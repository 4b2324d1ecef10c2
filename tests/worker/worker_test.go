// Package worker_test tests the edge worker running under workerd (or
// wrangler dev) on this machine. tests/worker/run.sh builds the worker,
// starts workerd on 127.0.0.1 and runs these tests with:
//
//	ECOUTE_WORKER_URL    the worker's base URL (required; without it every test skips)
//	ECOUTE_WORKER_PID    workerd's process id, for CPU time and peak RSS (optional)
//	ECOUTE_MODEL_FILE    the model file the worker embeds (empty: asr's default model)
//	ECOUTE_TRANSCRIBE    a built transcribe CLI, to compare with its --format json (optional)
//	ECOUTE_BURST         requests in the burst (default 200), ECOUTE_CONCURRENCY (default 8)
//	ECOUTE_SUMMARY       a file to append the measured numbers to (optional)
//
// The clips' transcripts must equal the native recognizer's: the text and
// words exactly, times and scores within float tolerance (wasm has no fused
// multiply-add and the native build may use SIMD kernels).
package worker_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/server"
)

var (
	base = strings.TrimRight(os.Getenv("ECOUTE_WORKER_URL"), "/")
	// A fresh connection per request: workerd may close an idle keep-alive
	// connection just as the client reuses it, and a POST is not retried
	// then, which would make the tests flaky for a reason outside ecoute.
	client   = &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
	testdata = "../../testdata"
)

func need(t *testing.T) {
	t.Helper()
	if base == "" {
		t.Skip("ECOUTE_WORKER_URL not set; tests/worker/run.sh starts the worker and sets it")
	}
}

// summary records a measured number for the report (t.Log and ECOUTE_SUMMARY).
func summary(t *testing.T, format string, args ...any) {
	t.Helper()
	line := fmt.Sprintf(format, args...)
	t.Log(line)
	if p := os.Getenv("ECOUTE_SUMMARY"); p != "" {
		f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
}

var model = sync.OnceValues(func() (*asr.Model, error) {
	if p := os.Getenv("ECOUTE_MODEL_FILE"); p != "" {
		return asr.LoadFile(p)
	}
	return asr.Default()
})

// reference is the native recognizer's result for a file and query.
func reference(t *testing.T, data []byte, q url.Values) *asr.Result {
	t.Helper()
	m, err := model()
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Config{Load: func() (*asr.Model, error) { return m, nil }})
	// The native handler parses the options exactly as the worker does.
	req, _ := http.NewRequest("POST", "/v1/transcribe?"+q.Encode(), bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/octet-stream")
	rec := &recorder{hdr: http.Header{}}
	h.ServeHTTP(rec, req)
	if rec.code != 200 {
		t.Fatalf("native handler: %d %s", rec.code, rec.body.String())
	}
	var r asr.Result
	if err := json.Unmarshal(rec.body.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

type recorder struct {
	hdr  http.Header
	code int
	body bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.hdr }
func (r *recorder) WriteHeader(c int) {
	if r.code == 0 {
		r.code = c
	}
}
func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = 200
	}
	return r.body.Write(p)
}

// compare reports the differences between a worker result and a native one.
func compare(t *testing.T, name string, got, want *asr.Result) {
	t.Helper()
	close := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }
	if got.Text != want.Text {
		t.Errorf("%s: text %q, native %q", name, got.Text, want.Text)
	}
	if !close(got.Duration, want.Duration, 1e-9) {
		t.Errorf("%s: duration %v, native %v", name, got.Duration, want.Duration)
	}
	if len(got.Words) != len(want.Words) {
		t.Errorf("%s: %d words, native %d", name, len(got.Words), len(want.Words))
	} else {
		for i := range got.Words {
			g, w := got.Words[i], want.Words[i]
			if g.Word != w.Word || !close(g.Start, w.Start, 1e-6) || !close(g.End, w.End, 1e-6) || !close(g.Confidence, w.Confidence, 1e-3) {
				t.Errorf("%s: word %d %+v, native %+v", name, i, g, w)
			}
		}
	}
	if len(got.NBest) != len(want.NBest) {
		t.Errorf("%s: %d n-best, native %d", name, len(got.NBest), len(want.NBest))
	} else {
		for i := range got.NBest {
			g, w := got.NBest[i], want.NBest[i]
			if g.Text != w.Text || !close(g.Score, w.Score, 1e-3) || !close(g.AcousticScore, w.AcousticScore, 1e-3) || !close(g.LMScore, w.LMScore, 1e-3) {
				t.Errorf("%s: n-best %d %+v, native %+v", name, i, g, w)
			}
		}
	}
}

type reply struct {
	code    int
	hdr     http.Header
	body    []byte
	latency time.Duration
}

func postFile(t testing.TB, query, ct string, data []byte) reply {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/v1/transcribe"+query, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return roundTrip(t, req)
}

func roundTrip(t testing.TB, req *http.Request) reply {
	t.Helper()
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading response: %v", req.Method, req.URL, err)
	}
	return reply{resp.StatusCode, resp.Header, body, time.Since(start)}
}

// clips lists the committed clips the recognizer accepts.
func clips(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"*.wav", "*.flac", "audio/*.wav", "audio/*.flac"} {
		files, _ := filepath.Glob(filepath.Join(testdata, pat))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := audio.DecodeConfig(bytes.NewReader(data))
			if err != nil || c.Duration > server.DefaultMaxDuration || int64(len(data)) > server.DefaultMaxBodyBytes {
				continue // deliberately broken or too long for one request
			}
			if _, err := audio.Decode(bytes.NewReader(data)); err != nil {
				continue
			}
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no clips under %s", testdata)
	}
	return out
}

func TestClipsMatchNative(t *testing.T) {
	need(t)
	queries := []url.Values{
		{},
		{"beam": {"1"}},
		{"beam": {"8"}, "nbest": {"3"}, "timestamps": {"true"}, "hotword": {"hello:3"}},
	}
	for _, f := range clips(t) {
		data, _ := os.ReadFile(f)
		for _, q := range queries {
			name := filepath.Base(f) + "?" + q.Encode()
			r := postFile(t, "?"+q.Encode(), "application/octet-stream", data)
			if r.code != 200 {
				t.Errorf("%s: status %d: %s", name, r.code, r.body)
				continue
			}
			var got asr.Result
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Errorf("%s: %v: %s", name, err, r.body)
				continue
			}
			compare(t, name, &got, reference(t, data, q))
		}
	}
}

// TestMatchesCLI compares the worker with "transcribe --format json FILE".
func TestMatchesCLI(t *testing.T) {
	need(t)
	bin := os.Getenv("ECOUTE_TRANSCRIBE")
	if bin == "" {
		t.Skip("ECOUTE_TRANSCRIBE not set")
	}
	for _, f := range clips(t) {
		args := []string{"--format", "json"}
		if p := os.Getenv("ECOUTE_MODEL_FILE"); p != "" {
			args = append(args, "--model", p)
		}
		out, err := exec.Command(bin, append(args, f)...).Output()
		if err != nil {
			t.Fatalf("%s %q %s: %v", bin, args, f, err)
		}
		var want asr.Result
		if err := json.Unmarshal(firstJSON(out), &want); err != nil {
			t.Fatalf("CLI output for %s is not an asr.Result: %v\n%s", f, err, out)
		}
		data, _ := os.ReadFile(f)
		r := postFile(t, "", "application/octet-stream", data)
		if r.code != 200 {
			t.Fatalf("%s: %d %s", f, r.code, r.body)
		}
		var got asr.Result
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		compare(t, filepath.Base(f)+" vs CLI", &got, &want)
	}
}

// firstJSON returns the first JSON value in out (the CLI may print one
// object per file, or an array of one).
func firstJSON(out []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(out))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return out
	}
	if len(raw) > 0 && raw[0] == '[' {
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) == nil && len(arr) > 0 {
			return arr[0]
		}
	}
	return raw
}

// rawRequest sends bytes over TCP and returns the status code (0 when the
// connection closed without a response) and body.
func rawRequest(t *testing.T, req []byte, halfClose bool) (int, string) {
	t.Helper()
	u, _ := url.Parse(base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	// The request is written while the response is read: a server may
	// answer early (413 on the declared length) and close the connection
	// before the whole body is sent, and that answer is what is tested.
	wrote := make(chan error, 1)
	go func() {
		_, err := conn.Write(req)
		if err == nil && halfClose {
			conn.(*net.TCPConn).CloseWrite()
		}
		wrote <- err
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if werr := <-wrote; werr != nil {
			return 0, werr.Error()
		}
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func wavBytes(t *testing.T, seconds float64) []byte {
	t.Helper()
	x := make([]float32, int(seconds*16000))
	for i := range x {
		x[i] = float32(0.2 * math.Sin(float64(i)*0.1))
	}
	var b bytes.Buffer
	if err := audio.EncodeWAV(&b, x, 16000); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hoursHeader is a WAV header whose data chunk claims about 37 hours.
func hoursHeader() []byte {
	var h [44]byte
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], 0xFFFFFF00+36)
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], 1)
	binary.LittleEndian.PutUint16(h[22:], 1)
	binary.LittleEndian.PutUint32(h[24:], 16000)
	binary.LittleEndian.PutUint32(h[28:], 32000)
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], 0xFFFFFF00)
	return append(h[:], make([]byte, 3200)...)
}

func statsHeader(h http.Header, name string) (int64, bool) {
	v := h.Get(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

func TestBadRequests(t *testing.T) {
	need(t)
	wav := wavBytes(t, 0.5)
	before := roundTrip(t, mustReq(t, "GET", "/healthz", nil))
	startedBefore, haveStats := statsHeader(before.hdr, "X-Ecoute-Instances-Started")

	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("beam", "2")
	mw.Close()
	mpNoFile := mp.Bytes()
	mpCT := mw.FormDataContentType()
	var good bytes.Buffer
	mw2 := multipart.NewWriter(&good)
	fw, _ := mw2.CreateFormFile("file", "a.wav")
	fw.Write(wav)
	mw2.Close()
	truncated := good.Bytes()[:good.Len()/2]

	cases := []struct {
		name, method, path, ct string
		body                   []byte
		code                   int
		contains               string
	}{
		{"not found", "GET", "/nope", "", nil, 404, "no route"},
		{"wrong method", "GET", "/v1/transcribe", "", nil, 405, "not allowed"},
		{"no content type", "POST", "/v1/transcribe", "", wav, 415, "Content-Type"},
		{"text/plain", "POST", "/v1/transcribe", "text/plain", wav, 415, "text/plain"},
		{"json", "POST", "/v1/transcribe", "application/json", []byte(`{"audio":1}`), 415, "application/json"},
		{"no body", "POST", "/v1/transcribe", "audio/wav", nil, 400, "empty"},
		{"garbage", "POST", "/v1/transcribe", "audio/wav", []byte("certainly not a RIFF file, nor FLAC"), 400, "bad audio"},
		{"truncated wav", "POST", "/v1/transcribe", "audio/wav", wav[:len(wav)/3], 400, "bad audio"},
		{"header only", "POST", "/v1/transcribe", "audio/wav", wav[:30], 400, "bad audio"},
		{"header claims hours", "POST", "/v1/transcribe", "audio/wav", hoursHeader(), 413, "limit is 1m0s"},
		{"too long", "POST", "/v1/transcribe", "audio/wav", wavBytes(t, 61), 413, "limit is 1m0s"},
		{"bad option", "POST", "/v1/transcribe?beam=0", "audio/wav", wav, 400, "beam"},
		{"unknown option", "POST", "/v1/transcribe?colour=red", "audio/wav", wav, 400, "unknown option"},
		{"multipart without boundary", "POST", "/v1/transcribe", "multipart/form-data", good.Bytes(), 400, "boundary"},
		{"multipart without file", "POST", "/v1/transcribe", mpCT, mpNoFile, 400, `"file"`},
		{"multipart garbage", "POST", "/v1/transcribe", mpCT, []byte("nothing like a form"), 400, "multipart"},
		{"multipart truncated", "POST", "/v1/transcribe", mw2.FormDataContentType(), truncated, 400, "multipart"},
	}
	for _, c := range cases {
		var body io.Reader
		if c.body != nil {
			body = bytes.NewReader(c.body)
		}
		req := mustReq(t, c.method, c.path, body)
		if c.ct != "" {
			req.Header.Set("Content-Type", c.ct)
		}
		r := roundTrip(t, req)
		checkError(t, c.name, r.code, string(r.body), c.code, c.contains)
		if r.hdr.Get("Access-Control-Allow-Origin") == "" {
			t.Errorf("%s: no CORS header on the error", c.name)
		}
	}

	// Preflight.
	req := mustReq(t, "OPTIONS", "/v1/transcribe", nil)
	req.Header.Set("Origin", "https://example.org")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	r := roundTrip(t, req)
	if r.code != 204 || r.hdr.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(r.hdr.Get("Access-Control-Allow-Methods"), "POST") {
		t.Errorf("preflight: %d %v", r.code, r.hdr)
	}

	// Requests that the Go client cannot make: a body shorter than its
	// Content-Length, a declared length over the limit with no body sent,
	// and an over-long chunked body.
	host := strings.TrimPrefix(strings.TrimPrefix(base, "http://"), "https://")
	lying := append([]byte(fmt.Sprintf("POST /v1/transcribe HTTP/1.1\r\nHost: %s\r\nContent-Type: audio/wav\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", host, len(wav)+10000)), wav...)
	code, body := rawRequest(t, lying, true)
	if code != 0 { // workerd may also drop a request whose client went away
		checkError(t, "lying Content-Length", code, body, 400, "")
	} else {
		t.Logf("lying Content-Length: connection closed without a response (%s)", body)
	}
	// A body over the limit, sent in full with its length declared: the
	// answer may come (and the connection close) before the body is sent.
	tooLarge := append([]byte(fmt.Sprintf("POST /v1/transcribe HTTP/1.1\r\nHost: %s\r\nContent-Type: audio/wav\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", host, server.DefaultMaxBodyBytes+1)), make([]byte, server.DefaultMaxBodyBytes+1)...)
	code, body = rawRequest(t, tooLarge, false)
	checkError(t, "too large", code, body, 413, "10 MiB")
	declared := []byte(fmt.Sprintf("POST /v1/transcribe HTTP/1.1\r\nHost: %s\r\nContent-Type: audio/wav\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", host, 1<<30))
	code, body = rawRequest(t, declared, false)
	checkError(t, "declared 1 GiB", code, body, 413, "10 MiB")
	var chunked bytes.Buffer
	fmt.Fprintf(&chunked, "POST /v1/transcribe HTTP/1.1\r\nHost: %s\r\nContent-Type: audio/wav\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", host)
	block := make([]byte, 1<<20)
	for range 11 {
		fmt.Fprintf(&chunked, "%x\r\n", len(block))
		chunked.Write(block)
		chunked.WriteString("\r\n")
	}
	chunked.WriteString("0\r\n\r\n")
	code, body = rawRequest(t, chunked.Bytes(), false)
	checkError(t, "chunked 11 MiB", code, body, 413, "10 MiB")

	// None of it crashed the Go instance.
	after := roundTrip(t, mustReq(t, "GET", "/healthz", nil))
	if after.code != 200 {
		t.Fatalf("after the bad requests: /healthz %d %s", after.code, after.body)
	}
	if haveStats {
		startedAfter, _ := statsHeader(after.hdr, "X-Ecoute-Instances-Started")
		if startedAfter != startedBefore {
			t.Errorf("the Go instance restarted during the bad requests: %d instances started, %d before", startedAfter, startedBefore)
		}
	}
}

func mustReq(t *testing.T, method, path string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func checkError(t *testing.T, name string, code int, body string, want int, contains string) {
	t.Helper()
	if code != want {
		t.Errorf("%s: status %d, want %d: %s", name, code, want, body)
		return
	}
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
		t.Errorf("%s: not a JSON error: %q", name, body)
		return
	}
	if !strings.Contains(e.Error, contains) {
		t.Errorf("%s: error %q does not mention %q", name, e.Error, contains)
	}
}

// procCPU returns workerd's user+system CPU time, and its peak resident set.
func procCPU(t *testing.T) (cpu time.Duration, hwm int64, ok bool) {
	pid := os.Getenv("ECOUTE_WORKER_PID")
	if pid == "" {
		return 0, 0, false
	}
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, 0, false
	}
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	cpu = time.Duration(ut+st) * 10 * time.Millisecond // USER_HZ = 100 on Linux
	status, _ := os.ReadFile("/proc/" + pid + "/status")
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			hwm = kb << 10
		}
	}
	return cpu, hwm, true
}

// TestCost measures what one request costs: sequentially, so that the wall
// time is the isolate's own time, and the CPU time from /proc.
func TestCost(t *testing.T) {
	need(t)
	hello, err := os.ReadFile(filepath.Join(testdata, "hello.wav"))
	if err != nil {
		t.Skip(err)
	}
	pcm, err := audio.Decode(bytes.NewReader(hello))
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	measure := func(name string, wantCode int, req func() *http.Request, audioSec float64) {
		roundTrip(t, req()) // warm
		cpu0, _, haveCPU := procCPU(t)
		var lat []time.Duration
		for range n {
			r := roundTrip(t, req())
			if r.code != wantCode {
				t.Fatalf("%s: %d %s", name, r.code, r.body)
			}
			lat = append(lat, r.latency)
		}
		cpu1, _, _ := procCPU(t)
		slices.Sort(lat)
		line := fmt.Sprintf("cost %-22s median wall %7.1f ms", name, ms(lat[n/2]))
		if haveCPU {
			per := float64(cpu1-cpu0) / float64(time.Millisecond) / n
			line += fmt.Sprintf(", workerd CPU %7.1f ms/request", per)
			if audioSec > 0 {
				line += fmt.Sprintf(" = %.0f ms per second of audio", per/audioSec)
			}
		}
		summary(t, "%s", line)
	}
	measure("GET /healthz", 200, func() *http.Request { return mustReq(t, "GET", "/healthz", nil) }, 0)
	measure("400 (garbage body)", 400, func() *http.Request {
		r := mustReq(t, "POST", "/v1/transcribe", strings.NewReader("RIFF nonsense"))
		r.Header.Set("Content-Type", "audio/wav")
		return r
	}, 0)
	for _, sec := range []float64{0.5, 1, 2} {
		n := min(int(sec*float64(pcm.Rate)), len(pcm.Samples))
		var b bytes.Buffer
		audio.EncodeWAV(&b, pcm.Samples[:n], pcm.Rate)
		clip := b.Bytes()
		measure(fmt.Sprintf("transcribe %.1f s", sec), 200, func() *http.Request {
			r := mustReq(t, "POST", "/v1/transcribe", bytes.NewReader(clip))
			r.Header.Set("Content-Type", "audio/wav")
			return r
		}, float64(n)/float64(pcm.Rate))
	}
	d := float64(len(pcm.Samples)) / float64(pcm.Rate)
	measure(fmt.Sprintf("transcribe %.1f s", d), 200, func() *http.Request {
		r := mustReq(t, "POST", "/v1/transcribe", bytes.NewReader(hello))
		r.Header.Set("Content-Type", "audio/wav")
		return r
	}, d)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// TestBurst sends ECOUTE_BURST requests, ECOUTE_CONCURRENCY at a time, and
// asserts that all succeed with the same transcript and that the isolate
// stays under the Workers memory limit.
func TestBurst(t *testing.T) {
	need(t)
	total, conc := envInt("ECOUTE_BURST", 200), envInt("ECOUTE_CONCURRENCY", 8)
	hello, err := os.ReadFile(filepath.Join(testdata, "hello.wav"))
	if err != nil {
		t.Skip(err)
	}
	first := postFile(t, "", "audio/wav", hello)
	if first.code != 200 {
		t.Fatalf("%d %s", first.code, first.body)
	}
	var want asr.Result
	json.Unmarshal(first.body, &want)
	cpu0, _, haveCPU := procCPU(t)

	type result struct {
		r   reply
		err string
	}
	results := make([]result, total)
	jobs := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				req, _ := http.NewRequest("POST", base+"/v1/transcribe", bytes.NewReader(hello))
				req.Header.Set("Content-Type", "audio/wav")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					results[i].err = err.Error()
					continue
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					results[i].err = err.Error()
					continue
				}
				results[i].r = reply{resp.StatusCode, resp.Header, body, time.Since(t0)}
			}
		}()
	}
	for i := range total {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, hwm, _ := procCPU(t)

	var lat []time.Duration
	var peakMem, instances int64
	failed := 0
	for i, res := range results {
		if res.err != "" || res.r.code != 200 {
			failed++
			if failed <= 5 {
				t.Errorf("request %d: %s %d %s", i, res.err, res.r.code, res.r.body)
			}
			continue
		}
		var got asr.Result
		if err := json.Unmarshal(res.r.body, &got); err != nil || got.Text != want.Text {
			failed++
			if failed <= 5 {
				t.Errorf("request %d: transcript %q, want %q (%v)", i, got.Text, want.Text, err)
			}
		}
		lat = append(lat, res.r.latency)
		if m, ok := statsHeader(res.r.hdr, "X-Ecoute-Wasm-Memory-Peak"); ok && m > peakMem {
			peakMem = m
		}
		if n, ok := statsHeader(res.r.hdr, "X-Ecoute-Instances-Started"); ok && n > instances {
			instances = n
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d requests failed", failed, total)
	}
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return ms(lat[min(len(lat)-1, int(p*float64(len(lat))))]) }
	summary(t, "burst %d requests of %s, %d at a time: %d ok in %.1f s (%.2f req/s); latency p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms",
		total, "hello.wav", conc, len(lat), elapsed.Seconds(), float64(len(lat))/elapsed.Seconds(), pct(0.50), pct(0.90), pct(0.99), ms(lat[len(lat)-1]))
	if haveCPU {
		summary(t, "burst workerd CPU %.1f ms per request; workerd peak RSS %.1f MiB (whole process)", float64(cpu1-cpu0)/float64(time.Millisecond)/float64(total), float64(hwm)/(1<<20))
	}
	if peakMem > 0 {
		summary(t, "burst Go instance linear memory peak %.1f MiB; Go instances started in the isolate so far: %d", float64(peakMem)/(1<<20), instances)
		const limit = 128 << 20
		if peakMem >= limit {
			t.Errorf("Go linear memory peaked at %d bytes, over the Workers limit of 128 MB", peakMem)
		}
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
