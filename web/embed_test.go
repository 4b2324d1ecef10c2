package web

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFilesHoldThePageAndHideGo(t *testing.T) {
	fsys := Files()
	for _, n := range []string{"index.html", "app.js", "format.js", "ecoute.js", "ecoute-worker.js", "recorder-worklet.js", "style.css", "sw.js", "ecoute.d.ts"} {
		if _, err := fs.Stat(fsys, n); err != nil {
			t.Errorf("Files() lacks %s: %v", n, err)
		}
	}
	if _, err := fsys.Open("embed.go"); err == nil {
		t.Error("Files() serves embed.go")
	}
	es, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if strings.HasSuffix(e.Name(), ".go") {
			t.Errorf("ReadDir lists %s", e.Name())
		}
	}
}

func TestHandler(t *testing.T) {
	withModule := fstest.MapFS{
		"index.html":   {Data: []byte("<!doctype html>")},
		"ecoute.wasm":  {Data: []byte("\x00asm\x01\x00\x00\x00")},
		"wasm_exec.js": {Data: []byte("// go")},
	}
	without := fstest.MapFS{"index.html": {Data: []byte("<!doctype html>")}}
	get := func(fsys fs.FS, path string) *http.Response {
		rec := httptest.NewRecorder()
		Handler(fsys).ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Result()
	}
	if !HasModule(withModule) || HasModule(without) {
		t.Fatal("HasModule is wrong")
	}
	r := get(withModule, "/ecoute.wasm")
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("ecoute.wasm: status %d, Content-Type %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
	r = get(withModule, "/")
	if b, _ := io.ReadAll(r.Body); r.StatusCode != 200 || string(b) != "<!doctype html>" {
		t.Errorf("/: status %d, body %q", r.StatusCode, b)
	}
	r = get(without, "/ecoute.wasm")
	if b, _ := io.ReadAll(r.Body); r.StatusCode != 404 || !strings.Contains(string(b), "build-wasm.sh") {
		t.Errorf("missing module: status %d, body %q; want 404 with the build hint", r.StatusCode, b)
	}
	if r := get(without, "/../../etc/passwd"); r.StatusCode != 404 {
		t.Errorf("path escape: status %d", r.StatusCode)
	}
}
