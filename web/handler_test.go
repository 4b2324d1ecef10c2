package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// request sends a GET with the given headers (name: value pairs).
func request(h http.Handler, target string, hdr ...string) *http.Response {
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(r *http.Response) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}

func TestHandlerCompressesAndRevalidates(t *testing.T) {
	js := []byte(strings.Repeat("console.log('ecoute');\n", 200))
	wasm := append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte{1, 2, 3, 4}, 4000)...)
	fakeBr := []byte("brotli bytes stand-in") // the handler never decodes it
	fsys := fstest.MapFS{
		"index.html":   {Data: []byte("<!doctype html>")},
		"app.js":       {Data: js},
		"ecoute.wasm":  {Data: wasm},
		"wasm_exec.js": {Data: []byte("// go")},
		// Valid siblings for the module, listed with its hash; a stale one
		// for app.js (listed with another hash) must be ignored.
		"ecoute.wasm.br": {Data: fakeBr},
		"ecoute.wasm.gz": {Data: gzipped(t, wasm)},
		"app.js.br":      {Data: []byte("stale")},
		Precompressed:    {Data: []byte(`{"ecoute.wasm":"` + sha(wasm) + `","app.js":"` + sha([]byte("old")) + `"}`)},
	}
	h := Handler(fsys)

	// gzip computed in memory for a file without a valid sibling.
	r := request(h, "/app.js", "Accept-Encoding", "gzip, br")
	if r.StatusCode != 200 || r.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("app.js: status %d, Content-Encoding %q; want gzip (its br sibling is stale)", r.StatusCode, r.Header.Get("Content-Encoding"))
	}
	if got := gunzip(t, body(r)); !bytes.Equal(got, js) {
		t.Error("app.js: gzip body does not decode to the file")
	}
	if !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("app.js: Vary %q", r.Header.Get("Vary"))
	}
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("app.js: Content-Type %q", ct)
	}
	etag := r.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") || !strings.Contains(etag, sha(js)[:32]) {
		t.Errorf("app.js: ETag %q, want a strong tag from the content's SHA-256", etag)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("app.js without ?v: Cache-Control %q, want no-cache", cc)
	}
	r = request(h, "/app.js", "Accept-Encoding", "gzip, br", "If-None-Match", etag)
	if r.StatusCode != http.StatusNotModified || len(body(r)) != 0 {
		t.Errorf("app.js revalidation: status %d, want 304 with no body", r.StatusCode)
	}

	// Identity for a client that accepts neither, with its own ETag.
	r = request(h, "/app.js", "Accept-Encoding", "gzip;q=0, identity")
	if r.Header.Get("Content-Encoding") != "" || !bytes.Equal(body(r), js) {
		t.Errorf("app.js, gzip;q=0: Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
	if r.Header.Get("ETag") == etag {
		t.Error("identity and gzip responses share an ETag; strong tags must differ by encoding")
	}

	// The precompressed siblings of the module: br first, then gzip.
	r = request(h, "/ecoute.wasm", "Accept-Encoding", "gzip, deflate, br, zstd")
	if r.Header.Get("Content-Encoding") != "br" || !bytes.Equal(body(r), fakeBr) {
		t.Errorf("ecoute.wasm with br: Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/wasm" {
		t.Errorf("ecoute.wasm: Content-Type %q", ct)
	}
	r = request(h, "/ecoute.wasm", "Accept-Encoding", "gzip")
	if r.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(gunzip(t, body(r)), wasm) {
		t.Errorf("ecoute.wasm with gzip: Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
	r = request(h, "/ecoute.wasm")
	if r.Header.Get("Content-Encoding") != "" || !bytes.Equal(body(r), wasm) {
		t.Error("ecoute.wasm without Accept-Encoding is not the file itself")
	}

	// The manifest names each file's hash; ?v=HASH is cached for good,
	// any other v is not.
	r = request(h, "/"+Manifest)
	var m struct {
		Files map[string]struct {
			Hash  string
			Bytes int64
		}
	}
	if err := json.Unmarshal(body(r), &m); err != nil {
		t.Fatalf("%s: %v", Manifest, err)
	}
	mod := m.Files["ecoute.wasm"]
	if mod.Hash != sha(wasm)[:16] || mod.Bytes != int64(len(wasm)) {
		t.Errorf("manifest entry for ecoute.wasm: %+v", mod)
	}
	for n := range m.Files {
		if strings.HasSuffix(n, ".br") || strings.HasSuffix(n, ".gz") || n == Precompressed {
			t.Errorf("manifest lists %s", n)
		}
	}
	r = request(h, "/ecoute.wasm?v="+mod.Hash, "Accept-Encoding", "br")
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("ecoute.wasm?v=HASH: Cache-Control %q, want immutable for a year", cc)
	}
	r = request(h, "/ecoute.wasm?v=0123456789abcdef", "Accept-Encoding", "br")
	if cc := r.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("ecoute.wasm?v=(another build): Cache-Control %q, want no-cache", cc)
	}
}

func TestAccepts(t *testing.T) {
	for _, c := range []struct {
		h      string
		br, gz bool
	}{
		{"", false, false},
		{"gzip, deflate, br", true, true},
		{"gzip;q=0.5, br;q=0", false, true},
		{"*", true, true},
		{"*, gzip;q=0", true, false},
		{"identity", false, false},
		{"x-gzip", false, true},
		{"BR", true, false},
	} {
		br, gz := accepts(c.h)
		if br != c.br || gz != c.gz {
			t.Errorf("accepts(%q) = br %v, gzip %v; want %v, %v", c.h, br, gz, c.br, c.gz)
		}
	}
}
