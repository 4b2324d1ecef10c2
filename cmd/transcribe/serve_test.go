package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/asrtest"
	"github.com/ecoute/ecoute/audio"
)

func TestServeFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"serve", "--help"}, nil, &out, &errb); code != exitOK {
		t.Errorf("serve --help: exit %d, want 0", code)
	}
	if !strings.Contains(out.String(), "transcribe serve --addr") || !strings.Contains(out.String(), "/v1/transcribe") {
		t.Errorf("serve --help does not teach by example:\n%s", out.String())
	}
	for _, args := range [][]string{
		{"serve", "--bogus"},
		{"serve", "extra"},
		{"serve", "--max-body", "0"},
		{"serve", "--max-duration", "-1s"},
	} {
		out.Reset()
		errb.Reset()
		if code := run(args, nil, &out, &errb); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
	errb.Reset()
	if code := run([]string{"serve", "--model", "/nonexistent/model.safetensors", "--addr", "127.0.0.1:0"}, nil, &out, &errb); code != exitFailed {
		t.Errorf("missing model: exit %d, want %d (%s)", code, exitFailed, errb.String())
	}
}

func TestServe(t *testing.T) {
	wav, err := os.ReadFile("../../testdata/hello.wav")
	if err != nil {
		t.Skip("testdata/hello.wav:", err)
	}
	// A small seeded random model saved to a file exercises --model; its
	// transcripts are gibberish, the same gibberish as the recognizer's.
	tiny, err := asrtest.Model(asrtest.Options{Hidden: 8, Layers: 1, Std: 0.5, Seed: [2]uint64{3, 4}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tiny.safetensors")
	if err := tiny.SaveFile(path); err != nil {
		t.Fatal(err)
	}
	sc, code := parseServe([]string{"--max-duration", "30s", "--model", path}, io.Discard, io.Discard)
	if sc == nil {
		t.Fatalf("parseServe: exit %d", code)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var out bytes.Buffer
	go func() { done <- serve(ctx, ln, sc.handler, &out, io.Discard) }()
	base := "http://" + ln.Addr().String()

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}

	resp, err = http.Post(base+"/v1/transcribe?beam=4", "audio/wav", bytes.NewReader(wav))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST hello.wav: %d %s", resp.StatusCode, body)
	}
	var got asr.Result
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	m, err := sc.handler.Model()
	if err != nil {
		t.Fatal(err)
	}
	pcm, err := audio.Decode(bytes.NewReader(wav))
	if err != nil {
		t.Fatal(err)
	}
	o := asr.DefaultOptions()
	o.Beam = 4
	w, err := asr.NewRecognizer(m, o).Transcribe(pcm)
	if err != nil {
		t.Fatal(err)
	}
	// The JSON is transcribe --format json's: values rounded to 3 decimals.
	if got.Text != w.Text || math.Abs(got.Duration-w.Duration) > 0.0005 || len(got.Words) != len(w.Words) {
		t.Errorf("served %+v, recognizer says %+v", got, *w)
	}

	resp, err = http.Post(base+"/v1/transcribe", "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %d, want 415", resp.StatusCode)
	}

	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exited %d after shutdown, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(out.String(), "listening on http://127.0.0.1:") {
		t.Errorf("serve did not say where it listens: %q", out.String())
	}
}
