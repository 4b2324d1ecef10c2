//go:build !(js && wasm)

// Command browser is ecoute's browser module; it only does something when built
// for the browser:
//
//	GOOS=js GOARCH=wasm go build -o web/ecoute.wasm ./wasm/browser
//
// or scripts/build-wasm.sh.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "wasm/browser is the browser module: build it with GOOS=js GOARCH=wasm (see scripts/build-wasm.sh)")
	os.Exit(2)
}
