//go:build js && wasm

package main

import (
	"net/http"
	"runtime/debug"
	"syscall/js"

	"github.com/syumai/workers"

	"github.com/ecoute/ecoute/server"
)

// An isolate has 128 MB, and wasm linear memory only grows, so the Go heap
// is kept close to what is live.
//
// gcPercent is GOGC: a collection starts when the heap has grown by this
// percentage of what the last one left live (Go's default, 100, lets the
// heap reach twice the live size). At 10, as the page's module
// (wasm/browser), a 59.5 s clip after six short requests leaves 52-53 MiB
// of linear memory instead of 73.5 (tests/worker TestSixtySeconds, which
// fails above 64 MiB), and a burst of 200 short requests 8 at a time 74.5
// instead of 83. A warm 60 s request costs the same CPU, a 2.9 s one about
// 15% more (worker/README.md has the figures).
//
// memoryLimit is a soft limit on the whole Go runtime's memory: above it the
// collector runs whatever gcPercent says.
const (
	gcPercent   = 10
	memoryLimit = 64 << 20
)

func main() {
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(memoryLimit)
	h := server.New(server.Config{Load: loadModel})
	if stockShim {
		workers.Serve(h)
		return
	}
	// Load the model now, once for the isolate's life (an error is kept and
	// answered with 503 by the transcription route), with the beam decoder
	// the requests share (Handler.Model).
	h.Model()
	workers.ServeNonBlock(buffered{h})
	workers.Ready()
	select {} // serve this isolate's requests until the runtime drops it
}

// rawBodyWriter is the method syumai/workers' ResponseWriter has for a body
// that is already a JS value.
type rawBodyWriter interface {
	WriteRawJSBody(body js.Value)
}

// buffered runs a handler into memory and sends the result as one raw body.
type buffered struct{ h http.Handler }

func (b buffered) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &memWriter{hdr: w.Header(), code: http.StatusOK}
	b.h.ServeHTTP(rec, r)
	w.WriteHeader(rec.code)
	rw, ok := w.(rawBodyWriter)
	if !ok {
		w.Write(rec.body)
		return
	}
	if len(rec.body) == 0 {
		rw.WriteRawJSBody(js.Null())
		return
	}
	arr := js.Global().Get("Uint8Array").New(len(rec.body))
	js.CopyBytesToJS(arr, rec.body)
	rw.WriteRawJSBody(arr)
}

// memWriter is an http.ResponseWriter that keeps the body in memory. Its
// header map is the real writer's.
type memWriter struct {
	hdr     http.Header
	code    int
	written bool
	body    []byte
}

func (m *memWriter) Header() http.Header { return m.hdr }

func (m *memWriter) WriteHeader(code int) {
	if !m.written {
		m.code, m.written = code, true
	}
}

func (m *memWriter) Write(p []byte) (int, error) {
	m.written = true
	m.body = append(m.body, p...)
	return len(p), nil
}
