package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecoute/ecoute/asr"
)

// TestFormFields checks that a multipart form is refused where the same
// mistake in the query is: an unknown field, and a field after the audio
// part (which was silently ignored), and that a file sent under another
// name gets the accepted names rather than a size complaint.
func TestFormFields(t *testing.T) {
	h := newHandler(Config{})
	wav := tone(t, 0.5)
	for _, c := range []struct {
		name     string
		fields   [][2]string
		file     string
		after    [][2]string
		contains []string
	}{
		{"unknown field", [][2]string{{"colour", "blue"}}, "file", nil, []string{`"colour"`, `"file" or "audio"`, "beam"}},
		{"file under another name", nil, "upload", nil, []string{`"upload"`, `"file" or "audio"`, "lexicon"}},
		{"field after the file", nil, "file", [][2]string{{"beam", "2"}}, []string{`"beam"`, "after"}},
		{"bad value", [][2]string{{"beam", "0"}}, "file", nil, []string{"beam"}},
	} {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for _, f := range c.fields {
			mw.WriteField(f[0], f[1])
		}
		fw, _ := mw.CreateFormFile(c.file, "clip.wav")
		fw.Write(append(wav, make([]byte, 8<<10)...)) // longer than an option field may be
		for _, f := range c.after {
			mw.WriteField(f[0], f[1])
		}
		mw.Close()
		r := post(h, "/v1/transcribe", mw.FormDataContentType(), b.Bytes())
		if r.code != 400 {
			t.Errorf("%s: status %d, want 400: %s", c.name, r.code, r.body)
			continue
		}
		msg := r.errorMessage(t)
		for _, s := range c.contains {
			if !strings.Contains(msg, s) {
				t.Errorf("%s: error %q does not mention %s", c.name, msg, s)
			}
		}
	}
	// The query refuses the same unknown name.
	if r := post(h, "/v1/transcribe?colour=blue", "audio/wav", wav); r.code != 400 {
		t.Errorf("query colour=blue: %d", r.code)
	}
	// Fields before the file still set options, hotwords adding up with
	// the query's.
	ct, body := multipartBody(t, [][2]string{{"beam", "4"}, {"hotword", "b:2"}, {"timestamps", "false"}}, "file", "audio/wav", wav)
	r := post(h, "/v1/transcribe?hotword=a", ct, body)
	if r.code != 200 {
		t.Fatalf("form options: %d %s", r.code, r.body)
	}
	o := defaults()
	o.Beam, o.Timestamps = 4, false
	o.Hotwords = []asr.Hotword{{Word: "a", Boost: asr.DefaultHotwordBoost}, {Word: "b", Boost: 2}}
	sameRecord(t, r.body, want(t, wav, o), "clip.wav")
}

// TestUsageListsTheTable checks that GET / names every option of the
// table with its range (lexicon was missing).
func TestUsageListsTheTable(t *testing.T) {
	r := do(newHandler(Config{}), httptest.NewRequest("GET", "/", nil))
	for i := range asr.OptionTable {
		row := &asr.OptionTable[i]
		if !strings.Contains(string(r.body), "  "+row.Name+"=") || !strings.Contains(string(r.body), row.Range()) {
			t.Errorf("usage does not list %s (%s):\n%s", row.Name, row.Range(), r.body)
		}
	}
}

// TestQueue fills the one running slot and the one queue place, and checks
// that the next request gets 503 with Retry-After, and that the waiting
// ones then finish.
func TestQueue(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	load := func() (*asr.Model, error) {
		entered <- struct{}{}
		<-release
		return tinyModel()
	}
	h := New(Config{Load: load, MaxConcurrent: 1, MaxQueue: 1, RetryAfter: 3 * time.Second})
	wav := tone(t, 0.3)
	codes := make([]int, 2)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = post(h, "/v1/transcribe", "audio/wav", wav).code
		}()
		if i == 0 {
			<-entered // the first holds the running slot, inside Load
		}
	}
	for len(h.admit) < 2 { // the second is queued
		time.Sleep(time.Millisecond)
	}
	r := post(h, "/v1/transcribe", "audio/wav", wav)
	if r.code != 503 || r.hdr.Get("Retry-After") != "3" {
		t.Errorf("third request: status %d Retry-After %q, want 503 and 3", r.code, r.hdr.Get("Retry-After"))
	}
	r.errorMessage(t)
	close(release)
	wg.Wait()
	if codes[0] != 200 || codes[1] != 200 {
		t.Errorf("running and queued requests: %v, want 200s", codes)
	}
	if len(h.admit) != 0 || len(h.run) != 0 {
		t.Errorf("slots not released: %d admitted, %d running", len(h.admit), len(h.run))
	}
}

// TestAccessLog checks one line per request with method, path, status,
// audio seconds and milliseconds.
func TestAccessLog(t *testing.T) {
	var log bytes.Buffer
	h := newHandler(Config{AccessLog: &log})
	wav := tone(t, 1.5)
	post(h, "/v1/transcribe", "audio/wav", wav)
	post(h, "/v1/transcribe?beam=0", "audio/wav", wav)
	do(h, httptest.NewRequest("GET", "/healthz", nil))
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(` POST /v1/transcribe 200 audio=1\.50s \d+ms$`),
		regexp.MustCompile(` POST /v1/transcribe 400 audio=0\.00s \d+ms$`),
		regexp.MustCompile(` GET /healthz 200 audio=0\.00s \d+ms$`),
	}
	if len(lines) != len(want) {
		t.Fatalf("%d log lines, want %d:\n%s", len(lines), len(want), log.String())
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("log line %q does not match %s", lines[i], re)
		}
	}
}

// TestOversizedBodyNoReset sends a body bigger than the limit, without
// "Expect: 100-continue", over TCP, writing all of it before reading as
// simple clients do. It must read a 413, not a connection reset.
func TestOversizedBodyNoReset(t *testing.T) {
	srv := httptest.NewServer(newHandler(Config{MaxBodyBytes: 64 << 10}))
	defer srv.Close()
	for _, declared := range []bool{true, false} {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		body := bytes.Repeat([]byte{1}, 32<<20) // more than the socket buffers hold
		var hdr string
		if declared {
			hdr = fmt.Sprintf("Content-Length: %d\r\n", len(body))
		} else {
			hdr = "Transfer-Encoding: chunked\r\n"
			var b bytes.Buffer
			fmt.Fprintf(&b, "%x\r\n", len(body))
			b.Write(body)
			b.WriteString("\r\n0\r\n\r\n")
			body = b.Bytes()
		}
		conn.SetDeadline(time.Now().Add(60 * time.Second))
		_, werr := io.WriteString(conn, "POST /v1/transcribe HTTP/1.1\r\nHost: x\r\nContent-Type: audio/wav\r\n"+hdr+"\r\n")
		if werr == nil {
			_, werr = conn.Write(body)
		}
		resp, rerr := http.ReadResponse(bufio.NewReader(conn), nil)
		if werr != nil || rerr != nil {
			t.Errorf("declared %v: write %v, read %v; want the 413", declared, werr, rerr)
			conn.Close()
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 413 || !strings.Contains(string(b), "64 KiB") {
			t.Errorf("declared %v: %d %s", declared, resp.StatusCode, b)
		}
		conn.Close()
	}
}
