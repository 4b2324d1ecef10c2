//go:build js

package server

import "net/http"

// serveStream answers that the edge worker does not stream: its runtime
// gives a handler no connection to upgrade.
func (h *Handler) serveStream(w *trackingWriter, r *http.Request) {
	writeError(w, errorf(http.StatusNotImplemented, "streaming (/v1/stream) is served by \"transcribe serve\", not by the edge worker"))
}
