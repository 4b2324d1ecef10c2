//go:build js && wasm

package main

import (
	"net/http"
	"runtime/debug"
	"syscall/js"

	"github.com/syumai/workers"

	"github.com/ecoute/ecoute/server"
)

// memoryLimit is the Go heap size the collector works to stay under. An
// isolate has 128 MB, and wasm linear memory only grows: without a limit the
// heap may grow to twice what is live before a collection, and a burst of
// requests left the instance at 100 MiB; with it the peak stays lower.
const memoryLimit = 64 << 20

func main() {
	debug.SetMemoryLimit(memoryLimit)
	h := server.New(server.Config{Load: loadModel})
	if stockShim {
		workers.Serve(h)
		return
	}
	// Load the model now, once for the isolate's life (an error is kept and
	// answered with 503 by the transcription route), and parse its word LM,
	// which asr otherwise parses on the first request that uses it.
	if m, err := h.Model(); err == nil && m.LM != nil {
		m.LM.Model()
	}
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
