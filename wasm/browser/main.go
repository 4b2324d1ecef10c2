//go:build js && wasm

// Command browser is ecoute's browser module: build it with
//
//	GOOS=js GOARCH=wasm go build -o web/ecoute.wasm ./wasm/browser
//
// (scripts/build-wasm.sh does that and copies wasm_exec.js beside it). Loaded
// with Go's wasm_exec.js, it puts the API of package wasm on
// globalThis.ecoute and waits for calls; web/ecoute-worker.js runs it in a
// Web Worker.
package main

import (
	"runtime/debug"

	"github.com/ecoute/ecoute/wasm"
)

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// A WebAssembly memory never shrinks, so the tab keeps the heap's peak.
	// With the default model loaded and a 60 s clip transcribed, about
	// 45 MiB is live (weights as float32 and packed, the word LM, pooled
	// workspaces); GOGC=100 lets the heap reach twice that before a
	// collection. At 10, under node, five transcriptions of a 60 s clip
	// grew the runtime's memory to 58.6 MiB instead of 81.8 MiB, with 13
	// collections per transcription instead of 1 and no measurable change
	// in time on this shared machine. A percentage, unlike a memory limit,
	// scales with long files instead of collecting without end above it.
	debug.SetGCPercent(10)
	wasm.Version = version
	wasm.Register("ecoute", wasm.NewEngine())
	select {} // serve calls until the page goes away
}
