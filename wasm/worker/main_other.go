//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, `worker: build with GOOS=js GOARCH=wasm (worker/build.sh); natively, run "transcribe serve"`)
	os.Exit(2)
}
