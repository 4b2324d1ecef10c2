// Command worker is ecoute's speech-to-text API for the Cloudflare Workers
// runtime: package server's handler behind github.com/syumai/workers. Build it
// with worker/build.sh (GOOS=js GOARCH=wasm), which also lays out the JS glue.
//
// Two JS glues can drive it. The stock one from syumai/workers starts a fresh
// Go instance for every request, and the instance exits once its response is
// sent: built with -tags stockshim, main calls workers.Serve for that. Our
// glue (worker/src/worker.mjs) starts one instance per isolate and keeps it:
// main registers the handler, says it is ready, and blocks forever, so the
// runtime, the package initialisers and the model are paid for once per
// isolate instead of once per request.
//
// Keeping the instance needs one thing from the Go side. syumai/workers
// closes a package-level channel whenever a streamed response body is
// drained, which panics the second time. So the handler's response is
// buffered here and handed to the runtime as a raw JS body (a Uint8Array),
// which never touches that channel; the API's responses are small JSON, so
// buffering costs nothing.
//
// On other platforms the command only says how to build it: run
// "transcribe serve" for the same API natively.
package main
