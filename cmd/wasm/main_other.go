//go:build !(js && wasm)

// Command wasm is ecoute's browser module; it only does something when built
// for the browser:
//
//	GOOS=js GOARCH=wasm go build -o web/ecoute.wasm ./cmd/wasm
//
// or scripts/build-wasm.sh.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "cmd/wasm is the browser module: build it with GOOS=js GOARCH=wasm (see scripts/build-wasm.sh)")
	os.Exit(2)
}
