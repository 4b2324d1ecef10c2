// Command native is the browser test's helper. It transcribes a file with
// the same engine the WebAssembly module runs (package wasm, built
// natively), for comparison with the page when the CLI is not available,
// and it makes long test clips.
//
//	native [-options JSON] FILE          print the result JSON
//	native -tile SECONDS -o OUT.wav FILE repeat FILE (with 0.25 s pauses) to SECONDS
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/wasm"
)

func main() {
	options := flag.String("options", "", "transcription options as the page sends them (JSON)")
	tile := flag.Float64("tile", 0, "make a clip this many seconds long from FILE")
	out := flag.String("o", "", "output WAV for -tile")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: native [-options JSON] FILE | native -tile SECONDS -o OUT.wav FILE")
		os.Exit(2)
	}
	b, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	if *tile > 0 {
		p, err := audio.Decode(bytes.NewReader(b))
		if err != nil {
			fail(err)
		}
		n := int(*tile * float64(p.Rate))
		gap := make([]float32, p.Rate/4)
		x := make([]float32, 0, n+len(p.Samples))
		for len(x) < n {
			x = append(append(x, p.Samples...), gap...)
		}
		var w bytes.Buffer
		if err := audio.EncodeWAV(&w, x[:n], p.Rate); err != nil {
			fail(err)
		}
		if err := os.WriteFile(*out, w.Bytes(), 0o644); err != nil {
			fail(err)
		}
		return
	}
	e := wasm.NewEngine()
	e.Limits.MaxSeconds, e.Limits.MaxBytes = 1e9, 1<<40
	if _, err := e.LoadDefault(); err != nil {
		fail(err)
	}
	j, err := e.TranscribeJSON(wasm.Audio{File: b}, *options, flag.Arg(0))
	if err != nil {
		fail(err)
	}
	fmt.Printf("%s\n", j)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "native:", err)
	os.Exit(1)
}
