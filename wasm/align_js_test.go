//go:build js && wasm

package wasm

import (
	"os"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
)

// TestAlignBinding: globalThis.ecoute.align(audio, sampleRate, text,
// options) resolves to the file `transcribe align --format F` wrote for
// hello.wav (testdata/cli/default_align_hello.*), from the file's bytes and
// from samples, and rejects what cannot be aligned with the engine's codes.
func TestAlignBinding(t *testing.T) {
	if _, err := asr.Default(); err != nil {
		t.Skip(err)
	}
	file, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine()
	api := Register("ecouteAlignTest", e)
	wantReject(t, "align before a model", api.Call("align", u8(file), 0, helloText, ""), CodeNoModel)
	mustResolve(t, "loadDefault", api.Call("loadDefault"))
	for _, g := range alignGoldens {
		want, err := os.ReadFile("../testdata/cli/default_align_hello." + g.format)
		if err != nil {
			t.Fatal(err)
		}
		got := mustResolve(t, "align "+g.format, api.Call("align", u8(file), 0, helloText, g.options)).String()
		if g.format == "json" {
			got, want = dropProcessingTime(t, []byte(got)), []byte(dropProcessingTime(t, want))
		}
		if got != string(want) {
			t.Errorf("align %s:\n got %q\nwant %q", g.format, got, want)
		}
	}
	p, _, err := e.Decode(Audio{File: file}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile("../testdata/cli/default_align_hello.srt")
	if got := mustResolve(t, "align(samples)", api.Call("align", f32(p.Samples), p.Rate, helloText)).String(); got != string(want) {
		t.Errorf("align(samples): %q, want %q", got, want)
	}
	wantReject(t, "align(no spellable word)", api.Call("align", u8(file), 0, "§", ""), CodeEmptyText)
	wantReject(t, "align(no text)", api.Call("align", u8(file), 0), CodeEmptyText)
	wantReject(t, "align(silence)", api.Call("align", f32(make([]float32, 16000)), 16000, helloText, ""), CodeNoSpeech)
	wantReject(t, "align(text too long)", api.Call("align", u8(file), 0, strings.Repeat("extraordinary ", 300), ""), CodeTextTooLong)
	wantReject(t, "align(bad format)", api.Call("align", u8(file), 0, helloText, `{"format": "ass"}`), CodeOptions)
	wantReject(t, "align(number)", api.Call("align", 42, 0, helloText, ""), CodeOptions)
}
