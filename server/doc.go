// Package server is ecoute's speech-to-text HTTP API as a plain
// net/http.Handler. The same handler runs natively ("transcribe serve") and
// inside the Cloudflare Workers runtime (wasm/worker, through
// github.com/syumai/workers), so everything it does is testable with
// net/http/httptest and no JavaScript runtime.
//
// Routes:
//
//	POST /v1/transcribe   audio in, JSON out (the layout of "transcribe --format json")
//	GET  /healthz         {"status":"ok"}
//	GET  /                a short usage text
//	OPTIONS *             CORS preflight
//
// The audio is the request body with Content-Type audio/wav (audio/x-wav,
// audio/wave, audio/vnd.wave), audio/flac (audio/x-flac), audio/mpeg or
// application/octet-stream, or a multipart/form-data upload whose file field
// is named "file" or "audio". Decoding options come from the query string or
// from multipart fields before the file, named as the rows of
// asr.OptionTable (the CLI's flag names) and parsed by asr.Options.Set, so
// the server, the CLI and the browser engine accept and refuse the same
// requests; GET / lists them with their ranges and defaults. An unknown
// name, a bad value, or a form field after the file is a 400.
//
// Checks come before work, in this order: method (405), options (400),
// content type (415), declared body size (413), room in the queue (503 with
// Retry-After: Config.MaxConcurrent transcriptions run and Config.MaxQueue
// wait), actual body size (413), then asr.Limits: audio header (400 with the
// decoder's reason), declared audio duration (413, the message names the
// limit), decoding (400 on bad data) and the real duration (413). A body
// refused with 413 or 503 is still read to its end (up to 64 MiB), so that a
// client that sends it whole reads the answer rather than a reset. Every
// error is JSON: {"error": "..."}. The handler never panics on input; a
// panic from a bug is recovered and answered with 500 so that one bad
// request cannot take down a worker isolate that serves others.
// Config.AccessLog gets one line per request.
//
// Sources: the HTTP semantics of RFC 9110 (413, 415, 405 with Allow), the
// CORS protocol of the WHATWG Fetch standard, RFC 7578 for multipart/form-data.
package server
