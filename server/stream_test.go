//go:build !js

package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

// voskPython returns a python3 that has the websockets module (Debian's
// python3-websockets), or skips the test saying so.
func voskPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if p, err := exec.LookPath(py); err == nil {
			if exec.Command(p, "-c", "import websockets").Run() == nil {
				return p
			}
		}
	}
	t.Skip("SKIP: no python3 with the websockets module (apt-get install python3-websockets); the independent Vosk client cannot run")
	return ""
}

// speechWAV writes the committed test clips joined by 0.8 s pauses as a
// 16 kHz 16-bit WAV file and returns its path and samples (as the file
// holds them).
func speechWAV(t *testing.T) (string, []float32) {
	t.Helper()
	var x []float32
	gap := make([]float32, 12800)
	x = append(x, gap...)
	for _, name := range []string{"../testdata/asr/weather.wav", "../testdata/asr/digits.wav", "../testdata/hello.wav"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := audio.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		x = append(x, p.Samples...)
		x = append(x, gap...)
	}
	path := filepath.Join(t.TempDir(), "speech.wav")
	var b bytes.Buffer
	if err := audio.EncodeWAV(&b, x, 16000); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return path, p.Samples
}

// TestStreamVoskClient runs an independent Vosk client (Python, written
// from vosk-server's protocol) against /v1/stream with the default model:
// every chunk gets one answer, partial text comes before the first final,
// the finals are those of asr.Stream on the same audio, word times grow,
// and the server closes normally after the final answer to eof.
func TestStreamVoskClient(t *testing.T) {
	py := voskPython(t)
	if testing.Short() {
		t.Skip("decodes 10 s of audio with the default model")
	}
	wav, x := speechWAV(t)
	h := New(Config{Load: asr.Default})
	srv := httptest.NewServer(h)
	defer srv.Close()
	out, err := exec.Command(py, "testdata/vosk_client.py", "ws"+strings.TrimPrefix(srv.URL, "http")+"/v1/stream", wav).CombinedOutput()
	if err != nil {
		t.Fatalf("vosk_client.py: %v\n%s", err, out)
	}
	var texts []string
	var words []voskWord
	partialFirst, answers, closed := false, 0, 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var m struct {
			Partial *string    `json:"partial"`
			Text    *string    `json:"text"`
			Result  []voskWord `json:"result"`
			Closed  int        `json:"closed"`
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("answer %q: %v", sc.Text(), err)
		}
		switch {
		case m.Partial != nil:
			answers++
			if *m.Partial != "" && len(texts) == 0 {
				partialFirst = true
			}
		case m.Text != nil:
			answers++
			if *m.Text != "" {
				texts = append(texts, *m.Text)
			}
			words = append(words, m.Result...)
		case m.Closed != 0:
			closed = m.Closed
		default:
			t.Errorf("answer %q is neither partial nor text", sc.Text())
		}
	}
	chunks := (len(x) + 3199) / 3200
	if answers != chunks+1 {
		t.Errorf("%d answers to %d chunks and eof", answers, chunks)
	}
	if !partialFirst {
		t.Error("no partial text before the first final")
	}
	if closed != 1000 {
		t.Errorf("closed with %d after eof, want 1000", closed)
	}
	// The same audio through asr.Stream directly.
	s := asr.NewRecognizer(mustDefault(t), asr.DefaultOptions()).NewStream(16000, asr.StreamOptions{})
	var want []string
	var wantWords int
	for _, e := range append(s.Write(x), s.Close()...) {
		if e.Final && e.Text != "" {
			want = append(want, e.Text)
			wantWords += len(e.Words)
		}
	}
	if strings.Join(texts, " ") != strings.Join(want, " ") || len(words) != wantWords {
		t.Errorf("finals %q (%d words with times), asr.Stream %q (%d)", texts, len(words), want, wantWords)
	}
	for i, w := range words {
		if w.End < w.Start || (i > 0 && w.Start < words[i-1].End) || w.Conf < 0 || w.Conf > 1 {
			t.Errorf("word %d %+v out of order or range", i, w)
		}
	}
	t.Logf("finals: %q", texts)
}

func mustDefault(t *testing.T) *asr.Model {
	m, err := asr.Default()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestStreamDisconnect drops the Python client's connection mid-stream,
// five times at once: the streams and their goroutines must be gone.
func TestStreamDisconnect(t *testing.T) {
	py := voskPython(t)
	wav, _ := speechWAV(t)
	h := newHandler(Config{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	base := runtime.NumGoroutine()
	var cmds []*exec.Cmd
	for range 5 {
		c := exec.Command(py, "testdata/vosk_client.py", "ws"+strings.TrimPrefix(srv.URL, "http")+"/v1/stream", wav, "--disconnect", "4")
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("client: %v", err)
		}
	}
	// The server notices the dropped connections when it reads next.
	t0 := time.Now()
	deadline := time.Now().Add(20 * time.Second)
	for (h.ActiveStreams() != 0 || runtime.NumGoroutine() > base+2) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("streams and goroutines gone %v after the clients exited", time.Since(t0).Round(time.Millisecond))
	if n := h.ActiveStreams(); n != 0 {
		t.Errorf("%d streams still open after the clients went away", n)
	}
	if n := runtime.NumGoroutine(); n > base+2 {
		t.Errorf("%d goroutines, %d before the clients", n, base)
	}
}

// dial opens a stream on srv (a Go client, for the limits).
func dial(t *testing.T, srv *httptest.Server, query string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/v1/stream"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// closeCode reads until the server closes c and returns the close status
// and the text messages before it.
func closeCode(t *testing.T, c *websocket.Conn) (websocket.StatusCode, []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var msgs []string
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return websocket.CloseStatus(err), msgs
		}
		msgs = append(msgs, string(b))
	}
}

// TestStreamLimits checks each refusal's close code: bad JSON and unknown
// messages 1007, a wrong rate or a late config 1008, a stream past its
// length 1009 (after the final answer), one stream too many 1013, and an
// idle stream 1008; bad options and plain HTTP are refused before the
// upgrade.
func TestStreamLimits(t *testing.T) {
	h := newHandler(Config{Stream: StreamConfig{MaxStreams: 2, MaxDuration: time.Second, Idle: 300 * time.Millisecond}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := context.Background()
	send := func(c *websocket.Conn, typ websocket.MessageType, b []byte) {
		if err := c.Write(ctx, typ, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		msgs []string // text messages; "<audio>" is 0.2 s of silence
		want websocket.StatusCode
	}{
		{"bad JSON", []string{`{"config": {`}, websocket.StatusInvalidFramePayloadData},
		{"two values", []string{`{"eof": 1} {"eof": 1}`}, websocket.StatusInvalidFramePayloadData},
		{"rate as a string", []string{`{"config": {"sample_rate": "16k"}}`}, websocket.StatusInvalidFramePayloadData},
		{"unknown message", []string{`{"hello": 1}`}, websocket.StatusInvalidFramePayloadData},
		{"rate too low", []string{`{"config": {"sample_rate": 100}}`}, websocket.StatusPolicyViolation},
		{"fractional rate", []string{`{"config": {"sample_rate": 16000.5}}`}, websocket.StatusPolicyViolation},
		{"config after audio", []string{"<audio>", `{"config": {"sample_rate": 8000}}`}, websocket.StatusPolicyViolation},
		{"too long", []string{"<audio>", "<audio>", "<audio>", "<audio>", "<audio>", "<audio>"}, websocket.StatusMessageTooBig},
		{"idle", nil, websocket.StatusPolicyViolation},
		{"eof", []string{"<audio>", `{"eof": 1}`}, websocket.StatusNormalClosure},
	} {
		c := dial(t, srv, "")
		for _, m := range tc.msgs {
			if m == "<audio>" {
				send(c, websocket.MessageBinary, make([]byte, 6400))
			} else {
				send(c, websocket.MessageText, []byte(m))
			}
		}
		code, msgs := closeCode(t, c)
		if code != tc.want {
			t.Errorf("%s: closed with %d, want %d (answers %q)", tc.name, code, tc.want, msgs)
		}
		if tc.name == "too long" && (len(msgs) == 0 || !strings.HasPrefix(msgs[len(msgs)-1], `{"text":`)) {
			t.Errorf("too long: last answer %q, want the final result", msgs)
		}
	}

	// A third stream while two are open (on a server without the short
	// idle limit, which a slow machine could reach first).
	h2 := newHandler(Config{Stream: StreamConfig{MaxStreams: 2}})
	srv2 := httptest.NewServer(h2)
	defer srv2.Close()
	a, b := dial(t, srv2, ""), dial(t, srv2, "")
	send(a, websocket.MessageBinary, make([]byte, 100))
	send(b, websocket.MessageBinary, make([]byte, 100))
	for deadline := time.Now().Add(5 * time.Second); h2.ActiveStreams() != 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	closeCodeOf := func(c *websocket.Conn) websocket.StatusCode { code, _ := closeCode(t, c); return code }
	if code := closeCodeOf(dial(t, srv2, "")); code != websocket.StatusTryAgainLater {
		t.Errorf("third stream: closed with %d, want 1013", code)
	}
	a.CloseNow()
	b.CloseNow()

	// Refused before the upgrade.
	for _, tc := range []struct {
		url  string
		want int
	}{{"/v1/stream?beam=0", 400}, {"/v1/stream?bogus=1", 400}, {"/v1/stream", 426}} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+tc.url, nil)
		if tc.want != 426 {
			req.Header.Set("Connection", "Upgrade")
			req.Header.Set("Upgrade", "websocket")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s: %d, want %d", tc.url, resp.StatusCode, tc.want)
		}
	}
}

// TestStreamGarbage sends random bytes in odd-sized messages at 8 kHz:
// every message gets a partial or text answer, and eof a final one.
func TestStreamGarbage(t *testing.T) {
	h := newHandler(Config{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	c := dial(t, srv, "")
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(27, 4))
	c.Write(ctx, websocket.MessageText, []byte(`{"config": {"sample_rate": 8000.0}}`))
	for range 30 {
		b := make([]byte, 1+2*rng.IntN(1000))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		if err := c.Write(ctx, websocket.MessageBinary, b); err != nil {
			t.Fatal(err)
		}
		_, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if json.Unmarshal(msg, &m) != nil || (m["partial"] == nil && m["text"] == nil) {
			t.Fatalf("answer %q", msg)
		}
	}
	c.Write(ctx, websocket.MessageText, []byte(`{"eof": 1}`))
	code, msgs := closeCode(t, c)
	if code != websocket.StatusNormalClosure || len(msgs) != 1 || !strings.HasPrefix(msgs[0], `{"text":`) {
		t.Errorf("after eof: %q, closed with %d", msgs, code)
	}
}

// TestStreamSilenceAndOddMessages sends three minutes of digital silence
// in 0.5 s messages (each answered with an empty partial, eof with an empty
// final), then checks streams that end at once: eof before any audio, an
// empty binary message, and random bytes as a text message (1007).
func TestStreamSilenceAndOddMessages(t *testing.T) {
	h := newHandler(Config{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := context.Background()
	c := dial(t, srv, "")
	silence := make([]byte, 16000)
	for i := range 360 {
		if err := c.Write(ctx, websocket.MessageBinary, silence); err != nil {
			t.Fatal(err)
		}
		_, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if string(msg) != `{"partial":""}` {
			t.Fatalf("answer %d to silence: %q", i, msg)
		}
	}
	c.Write(ctx, websocket.MessageText, []byte(`{"eof": 1}`))
	if code, msgs := closeCode(t, c); code != websocket.StatusNormalClosure || len(msgs) != 1 || msgs[0] != `{"text":""}` {
		t.Errorf("eof after 3 minutes of silence: %q, closed with %d", msgs, code)
	}

	rng := rand.New(rand.NewPCG(27, 5))
	junk := make([]byte, 300)
	for i := range junk {
		junk[i] = byte(rng.Uint32())
	}
	for _, tc := range []struct {
		name string
		typ  websocket.MessageType
		msg  []byte
		msgs []string
		want websocket.StatusCode
	}{
		{"eof first", websocket.MessageText, []byte(`{"eof": 1}`), []string{`{"text":""}`}, websocket.StatusNormalClosure},
		{"empty audio, then eof", websocket.MessageBinary, nil, []string{`{"partial":""}`, `{"text":""}`}, websocket.StatusNormalClosure},
		{"random text", websocket.MessageText, junk, nil, websocket.StatusInvalidFramePayloadData},
	} {
		c := dial(t, srv, "")
		if err := c.Write(ctx, tc.typ, tc.msg); err != nil {
			t.Fatal(err)
		}
		if tc.typ == websocket.MessageBinary {
			c.Write(ctx, websocket.MessageText, []byte(`{"eof": 1}`))
		}
		code, msgs := closeCode(t, c)
		if code != tc.want || strings.Join(msgs, " ") != strings.Join(tc.msgs, " ") {
			t.Errorf("%s: %q, closed with %d; want %q, %d", tc.name, msgs, code, tc.msgs, tc.want)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); h.ActiveStreams() != 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := h.ActiveStreams(); n != 0 {
		t.Errorf("%d streams open after all closed", n)
	}
}

// TestStreamDropped drops connections at every stage, without a close
// frame: after the upgrade, after the config, after audio, with answers
// unread, and in the middle of a binary frame (a raw socket that sends
// the first 11 of 1000 announced bytes). The server must end every stream
// and its goroutines.
func TestStreamDropped(t *testing.T) {
	h := newHandler(Config{})
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx := context.Background()
	base := runtime.NumGoroutine()
	audio := make([]byte, 3200)
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	// Mid-frame, on a raw connection.
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("raw upgrade: %v %v", resp, err)
	}
	// FIN + binary, masked, 16-bit length 1000, mask, then 11 bytes.
	conn.Write([]byte{0x82, 0xfe, 0x03, 0xe8, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	for deadline := time.Now().Add(5 * time.Second); h.ActiveStreams() != 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := h.ActiveStreams(); n != 1 {
		t.Fatalf("%d streams open with the raw connection mid-frame, want 1", n)
	}
	for stage := range 4 {
		c := dial(t, srv, "")
		if stage >= 1 {
			c.Write(ctx, websocket.MessageText, []byte(`{"config": {"sample_rate": 16000}}`))
		}
		for range 5 * min(stage, 2) {
			c.Write(ctx, websocket.MessageBinary, audio)
			if stage == 2 {
				c.Read(ctx)
			}
		}
		c.CloseNow()
	}
	conn.Close()

	deadline := time.Now().Add(20 * time.Second)
	for (h.ActiveStreams() != 0 || runtime.NumGoroutine() > base+2) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := h.ActiveStreams(); n != 0 {
		t.Errorf("%d streams still open after the clients went away", n)
	}
	if n := runtime.NumGoroutine(); n > base+2 {
		t.Errorf("%d goroutines, %d before the clients", n, base)
	}
}
