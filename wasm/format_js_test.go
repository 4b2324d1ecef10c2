//go:build js && wasm

package wasm

import (
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
)

// TestFormatBinding: globalThis.ecoute.format(resultJSON, format, options)
// resolves to transcript's file, and rejects a bad format with code
// "options".
func TestFormatBinding(t *testing.T) {
	api := Register("ecouteFormatTest", NewEngine())
	res := &asr.Result{Text: "hello world", Duration: 2,
		Words: []asr.Word{{Word: "hello", Start: 0.31, End: 0.7, Confidence: 0.9}, {Word: "world", Start: 1.6, End: 2, Confidence: 0.5}}}
	js0 := string(asr.AppendJSON(nil, res, "a.wav"))
	for _, f := range []string{"srt", "vtt", "txt", "json"} {
		want, _ := transcript.Format(f, res, transcript.Options{Name: "a.wav"})
		got := mustResolve(t, "format "+f, api.Call("format", js0, f, "")).String()
		if got != string(want) {
			t.Errorf("format %s: %q, want %q", f, got, want)
		}
	}
	got := mustResolve(t, "format txt timestamps", api.Call("format", js0, "txt", `{"timestamps":true}`)).String()
	if want := "[00:00:00.310 --> 00:00:00.700] hello\n[00:00:01.600 --> 00:00:02.000] world\n"; got != want {
		t.Errorf("txt with timestamps: %q, want %q", got, want)
	}
	wantReject(t, "format docx", api.Call("format", js0, "docx", ""), CodeOptions)
	wantReject(t, "format of a non-result", api.Call("format", "{", "srt", ""), CodeOptions)
}
