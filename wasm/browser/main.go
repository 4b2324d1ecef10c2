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

import "github.com/ecoute/ecoute/wasm"

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	wasm.Version = version
	wasm.Register("ecoute", wasm.NewEngine())
	select {} // serve calls until the page goes away
}
