package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Precompressed is the name of the file, written beside the page's files by
// scripts/build-wasm.sh (through scripts/precompress), that lists the files
// with precompressed siblings: a JSON object mapping each file's name to
// the SHA-256 (hex) of the content its NAME.br and NAME.gz were made from.
// Handler serves a sibling only while that hash is the file's current one,
// so a stale sibling (the file edited after the build) is never served.
const Precompressed = "precompressed.json"

// Manifest is the name under which Handler serves the page's build
// manifest: {"files": {NAME: {"hash": H, "bytes": N}}}, H being the first
// 16 hex digits of the SHA-256 of NAME's content. The page asks for its
// large files as NAME?v=H, which Handler lets browsers cache for good.
const Manifest = "build.json"

// ImmutableAge is the max-age, in seconds, of a response to NAME?v=H when H
// is NAME's current hash: a year, with "immutable".
const ImmutableAge = 365 * 24 * 3600

// Handler serves fsys as the page's origin:
//
//   - "/" is index.html; directories are not listed.
//   - Content-Encoding: br or gzip when the request accepts it. br and gzip
//     come from the precompressed siblings NAME.br and NAME.gz (see
//     [Precompressed]); without a valid gzip sibling, text and wasm files
//     are gzipped once in memory. Responses vary on Accept-Encoding.
//   - A strong ETag, from the SHA-256 of the content and the encoding, so
//     a revalidation of an unchanged file is a 304 with no body.
//   - Cache-Control "public, max-age=ImmutableAge, immutable" for NAME?v=H
//     when H is NAME's current content hash (the [Manifest] gives it), and
//     "no-cache" (revalidate every time) for everything else.
//   - .wasm as application/wasm, and a request for a missing module answers
//     404 with BuildHint so the page can say what to do.
func Handler(fsys fs.FS) http.Handler {
	s := &server{fsys: fsys, cache: map[string]*entry{}}
	return http.HandlerFunc(s.serve)
}

type server struct {
	fsys fs.FS

	mu    sync.Mutex
	cache map[string]*entry // by name; each checks its own freshness
}

// entry is what the handler knows about one file's current content.
type entry struct {
	size    int64
	modTime time.Time
	sum     string // SHA-256 hex of the content
	gz      []byte // gzip computed in memory (nil: a valid sibling or not compressible)
	gzName  string // the valid NAME.gz sibling, if any
	brName  string // the valid NAME.br sibling, if any
}

func (e *entry) short() string { return e.sum[:16] }

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if name == Manifest {
		if _, err := fs.Stat(s.fsys, name); err != nil {
			s.serveManifest(w, r)
			return
		}
	}
	e, err := s.lookup(name)
	if err != nil {
		if name == Module || name == Runtime {
			http.Error(w, name+" is missing: "+BuildHint, http.StatusNotFound)
			return
		}
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	if v := r.URL.Query().Get("v"); v != "" && v == e.short() {
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(ImmutableAge)+", immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	ct := mime.TypeByExtension(path.Ext(name))
	switch {
	case strings.HasSuffix(name, ".wasm"):
		ct = "application/wasm"
	case strings.HasSuffix(name, ".ts"):
		ct = "text/plain; charset=utf-8" // TypeScript declarations, not MPEG-TS
	case ct == "":
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	if e.gz != nil || e.gzName != "" || e.brName != "" {
		h.Add("Vary", "Accept-Encoding")
	}
	br, gz := accepts(r.Header.Get("Accept-Encoding"))
	var body io.ReadSeeker
	tag := e.sum[:32]
	switch {
	case br && e.brName != "":
		f, err := s.fsys.Open(e.brName)
		if rs, ok := f.(io.ReadSeeker); err == nil && ok {
			defer f.Close()
			body, tag = rs, tag+"-br"
			h.Set("Content-Encoding", "br")
		} else if err == nil {
			f.Close()
		}
	}
	if body == nil && gz && e.gzName != "" {
		f, err := s.fsys.Open(e.gzName)
		if rs, ok := f.(io.ReadSeeker); err == nil && ok {
			defer f.Close()
			body, tag = rs, tag+"-gz"
			h.Set("Content-Encoding", "gzip")
		} else if err == nil {
			f.Close()
		}
	}
	if body == nil && gz && e.gz != nil {
		body, tag = bytes.NewReader(e.gz), tag+"-gz"
		h.Set("Content-Encoding", "gzip")
	}
	if body == nil {
		f, err := s.fsys.Open(name)
		if err != nil {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
		defer f.Close()
		rs, ok := f.(io.ReadSeeker)
		if !ok {
			b, err := io.ReadAll(f)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			rs = bytes.NewReader(b)
		}
		body = rs
	}
	h.Set("ETag", `"`+tag+`"`)
	http.ServeContent(w, r, name, e.modTime, body)
}

// lookup returns the entry for name, computing it when the file is new or
// has changed (by size and modification time).
func (s *server) lookup(name string) (*entry, error) {
	st, err := fs.Stat(s.fsys, name)
	if err != nil {
		return nil, err
	}
	if st.IsDir() || strings.HasSuffix(name, ".go") {
		return nil, fs.ErrNotExist
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.cache[name]; e != nil && e.size == st.Size() && e.modTime.Equal(st.ModTime()) {
		return e, nil
	}
	b, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	e := &entry{size: st.Size(), modTime: st.ModTime(), sum: hex.EncodeToString(sum[:])}
	var pre map[string]string
	if j, err := fs.ReadFile(s.fsys, Precompressed); err == nil {
		json.Unmarshal(j, &pre) // a broken list only means no siblings
	}
	if pre[name] == e.sum {
		if _, err := fs.Stat(s.fsys, name+".gz"); err == nil {
			e.gzName = name + ".gz"
		}
		if _, err := fs.Stat(s.fsys, name+".br"); err == nil {
			e.brName = name + ".br"
		}
	}
	if e.gzName == "" && compressible(name) && len(b) >= 256 {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		if z.Len() < len(b) {
			e.gz = z.Bytes()
		}
	}
	s.cache[name] = e
	return e, nil
}

// serveManifest answers Manifest from the files of fsys (but Go sources,
// precompressed siblings and the Precompressed list).
func (s *server) serveManifest(w http.ResponseWriter, r *http.Request) {
	type file struct {
		Hash  string `json:"hash"`
		Bytes int64  `json:"bytes"`
	}
	files := map[string]file{}
	es, _ := fs.ReadDir(s.fsys, ".")
	var names []string
	for _, d := range es {
		n := d.Name()
		if d.IsDir() || strings.HasSuffix(n, ".go") || strings.HasSuffix(n, ".gz") || strings.HasSuffix(n, ".br") || n == Precompressed {
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if e, err := s.lookup(n); err == nil {
			files[n] = file{Hash: e.short(), Bytes: e.size}
		}
	}
	b, _ := json.Marshal(map[string]any{"files": files})
	sum := sha256.Sum256(b)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	http.ServeContent(w, r, Manifest, time.Time{}, bytes.NewReader(b))
}

// compressible reports whether name is worth gzipping.
func compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".js", ".mjs", ".css", ".json", ".wasm", ".ts", ".svg", ".txt", ".map":
		return true
	}
	return false
}

// accepts parses an Accept-Encoding header: whether br and gzip are
// acceptable (listed, or covered by "*", with a q-value above 0).
func accepts(header string) (br, gz bool) {
	star := false
	seen := map[string]bool{}
	for _, part := range strings.Split(header, ",") {
		f := strings.Split(part, ";")
		coding := strings.ToLower(strings.TrimSpace(f[0]))
		if coding == "" {
			continue
		}
		ok := true
		for _, p := range f[1:] {
			p = strings.TrimSpace(p)
			if q, found := strings.CutPrefix(p, "q="); found {
				if v, err := strconv.ParseFloat(q, 64); err == nil && v <= 0 {
					ok = false
				}
			}
		}
		seen[coding] = true
		switch coding {
		case "br":
			br = ok
		case "gzip", "x-gzip":
			gz = ok
		case "*":
			star = ok
		}
	}
	if star {
		if !seen["br"] {
			br = true
		}
		if !seen["gzip"] && !seen["x-gzip"] {
			gz = true
		}
	}
	return br, gz
}
