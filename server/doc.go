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
// audio/wave, audio/vnd.wave), audio/flac (audio/x-flac) or
// application/octet-stream, or a multipart/form-data upload whose file field
// is named "file" or "audio". Decoding options come from the query string (or
// from other multipart fields) and use the CLI's flag names: beam, lm, alpha,
// beta, blank-penalty, hotword (repeatable, WORD or WORD:BOOST), timestamps,
// nbest, lexicon.
//
// Limits are checked before any work starts, in this order: method (405),
// content type (415), declared body size (413), actual body size (413), audio
// header (400 with the decoder's reason), declared audio duration (413, the
// message names the limit), then the audio is decoded (400 on bad data) and
// its real duration checked again (413). Every error is JSON:
// {"error": "..."}. The handler never panics on input; a panic from a bug is
// recovered and answered with 500 so that one bad request cannot take down a
// worker isolate that serves others.
//
// Sources: the HTTP semantics of RFC 9110 (413, 415, 405 with Allow), the
// CORS protocol of the WHATWG Fetch standard, RFC 7578 for multipart/form-data.
package server
