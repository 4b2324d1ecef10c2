package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestWebCaching runs `transcribe web --dir` and checks what a browser's
// repeat visit relies on: compressed responses, strong ETags answered with
// 304, and a year of immutable caching for the module under its hash.
func TestWebCaching(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT")
	}
	if cliBinary == "" {
		t.Fatal("the transcribe binary did not build")
	}
	dir := t.TempDir()
	files := map[string]string{
		"index.html":   "<!doctype html><title>ecoute</title>",
		"app.js":       strings.Repeat("console.log('ecoute');\n", 100),
		"ecoute.wasm":  "\x00asm\x01\x00\x00\x00" + strings.Repeat("\x01\x02\x03", 1000),
		"wasm_exec.js": "// Go's runtime glue",
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(cliBinary, "web", "--addr", "127.0.0.1:0", "--dir", dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Error("transcribe web did not stop on SIGINT")
		}
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the address: %v", err)
	}
	base := regexp.MustCompile(`http://[0-9.:]+/`).FindString(line)
	if base == "" {
		t.Fatalf("no URL in %q", line)
	}
	get := func(path string, hdr ...string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", base+path, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gunzip
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	r, b := get("app.js", "Accept-Encoding", "gzip, deflate, br")
	if r.Header.Get("Content-Encoding") != "gzip" || len(b) >= len(files["app.js"]) {
		t.Errorf("app.js: Content-Encoding %q, %d bytes for %d", r.Header.Get("Content-Encoding"), len(b), len(files["app.js"]))
	}
	etag := r.Header.Get("ETag")
	if etag == "" || strings.HasPrefix(etag, "W/") {
		t.Errorf("app.js: ETag %q, want a strong one", etag)
	}
	if r, _ := get("app.js", "Accept-Encoding", "gzip, deflate, br", "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("app.js revalidation: %d, want 304", r.StatusCode)
	}
	_, b = get("build.json")
	var m struct {
		Files map[string]struct{ Hash string }
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Files["ecoute.wasm"].Hash == "" {
		t.Fatalf("build.json: %v %s", err, b)
	}
	r, _ = get("ecoute.wasm?v="+m.Files["ecoute.wasm"].Hash, "Accept-Encoding", "gzip")
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || r.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("ecoute.wasm?v=HASH: Cache-Control %q, Content-Type %q", cc, r.Header.Get("Content-Type"))
	}
}
