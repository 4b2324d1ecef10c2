//go:build js && wasm

package wasm

// These tests run the JavaScript bindings under node:
//
//	PATH="$(go env GOROOT)/lib/wasm:$PATH" GOOS=js GOARCH=wasm go test ./wasm/

import (
	"encoding/json"
	"math"
	"strings"
	"syscall/js"
	"testing"
	"unsafe"

	"github.com/ecoute/ecoute/asr"
)

// await waits for a Promise and returns its value or its rejection.
func await(p js.Value) (value, rejection js.Value) {
	done := make(chan struct{})
	var ok, fail js.Func
	ok = js.FuncOf(func(_ js.Value, a []js.Value) any { value = a[0]; close(done); return nil })
	fail = js.FuncOf(func(_ js.Value, a []js.Value) any { rejection = a[0]; close(done); return nil })
	p.Call("then", ok, fail)
	<-done
	ok.Release()
	fail.Release()
	return value, rejection
}

func u8(b []byte) js.Value {
	a := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(a, b)
	return a
}

func f32(x []float32) js.Value {
	a := js.Global().Get("Float32Array").New(len(x))
	js.CopyBytesToJS(js.Global().Get("Uint8Array").New(a.Get("buffer")), unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x)))
	return a
}

func mustResolve(t *testing.T, what string, p js.Value) js.Value {
	t.Helper()
	v, rej := await(p)
	if !rej.IsUndefined() {
		t.Fatalf("%s rejected: %s (code %s)", what, rej.Get("message"), rej.Get("code"))
	}
	return v
}

func wantReject(t *testing.T, what string, p js.Value, code string) {
	t.Helper()
	_, rej := await(p)
	if rej.IsUndefined() {
		t.Fatalf("%s resolved, want a rejection with code %q", what, code)
	}
	if got := rej.Get("code").String(); got != code || !rej.InstanceOf(js.Global().Get("Error")) {
		t.Errorf("%s: rejected with %s (code %q), want an Error with code %q", what, rej.Get("message"), got, code)
	}
}

func TestBindings(t *testing.T) {
	e := NewEngine()
	api := Register("ecouteTest", e)
	if !js.Global().Get("ecouteTest").Equal(api) {
		t.Fatal("Register did not set globalThis.ecouteTest")
	}
	wantReject(t, "transcribe before a model", api.Call("transcribe", u8(wavBytes(t, chirp(1600, 16000), 16000)), 0, ""), CodeNoModel)

	model := tinyModel(t)
	info := mustResolve(t, "loadModel", api.Call("loadModel", u8(model)))
	if info.Get("bytes").Int() != len(model) || info.Get("source").String() != "bytes" {
		t.Errorf("loadModel info: bytes %v source %v", info.Get("bytes"), info.Get("source"))
	}

	file := wavBytes(t, chirp(24000, 16000), 16000)
	opts := `{"beam": 4, "nbest": 2}`
	got := mustResolve(t, "transcribe(file)", api.Call("transcribe", u8(file), 0, opts, "a.wav"))
	want, err := e.TranscribeJSON(Audio{File: file}, opts, "a.wav")
	if err != nil {
		t.Fatal(err)
	}
	var g, w map[string]any
	if err := json.Unmarshal([]byte(got.String()), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	g["processing_time"], w["processing_time"] = 0, 0
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if string(gj) != string(wj) {
		t.Errorf("transcribe through JS\n got %s\nwant %s", gj, wj)
	}
	// An ArrayBuffer is accepted like a Uint8Array.
	mustResolve(t, "transcribe(ArrayBuffer)", api.Call("transcribe", u8(file).Get("buffer"), 0, opts))

	// Bad input rejects, and the runtime keeps serving.
	wantReject(t, "transcribe(text)", api.Call("transcribe", u8([]byte("this is not audio")), 0, ""), CodeFormat)
	wantReject(t, "transcribe(number)", api.Call("transcribe", 42), CodeOptions)
	wantReject(t, "transcribe(bad options)", api.Call("transcribe", u8(file), 0, `{"beam": -1}`), CodeOptions)
	wantReject(t, "transcribe(empty samples)", api.Call("transcribe", js.Global().Get("Float32Array").New(0), 16000, ""), CodeEmpty)
	wantReject(t, "probe(too large)", api.Call("probe", u8(file[:64]), 1<<40), CodeTooLarge)

	x := chirp(16000, 22050)
	res := mustResolve(t, "transcribe(samples)", api.Call("transcribe", f32(x), 22050, ""))
	var r asr.Result
	if err := json.Unmarshal([]byte(res.String()), &r); err != nil || r.Duration < 0.7 || r.Duration > 0.75 {
		t.Errorf("transcribe(samples): %s (%v), want duration 16000/22050 s", res, err)
	}

	fm := mustResolve(t, "features", api.Call("features", u8(file), 0, `{"kind": "fbank"}`))
	frames, dims := fm.Get("frames").Int(), fm.Get("dims").Int()
	if dims != 23 && dims != 40 || frames < 140 || fm.Get("data").Get("length").Int() != frames*dims || !fm.Get("data").InstanceOf(js.Global().Get("Float32Array")) {
		t.Errorf("features: %d x %d, data %v", frames, dims, fm.Get("data"))
	}
	dec := mustResolve(t, "decode", api.Call("decode", u8(file), 0, 8000))
	if dec.Get("sampleRate").Int() != 8000 || dec.Get("sourceSampleRate").Int() != 16000 {
		t.Errorf("decode: rate %v source %v", dec.Get("sampleRate"), dec.Get("sourceSampleRate"))
	}
	if n := dec.Get("samples").Get("length").Int(); n < 11990 || n > 12010 {
		t.Errorf("decode: %d samples at 8 kHz, want about 12000", n)
	}
}

// TestTranscribeSegments checks transcribe's segment callback: 70 s of
// bursts with pauses (over asr's 30-s chunk, so the recognizer cuts it) come back as segments with the seconds done increasing to the
// duration, their texts make up the result's, and a callback that returns
// true stops the work, which rejects with code "cancelled". (That the module
// lets the event loop run between segments, so that a Web Worker receives a
// cancel message while it computes, is checked by tests/browser: Cancel
// stops a long job without restarting the worker.)
func TestTranscribeSegments(t *testing.T) {
	e := NewEngine()
	api := Register("ecouteSegments", e)
	mustResolve(t, "loadModel", api.Call("loadModel", u8(tinyModel(t))))
	const rate = 16000
	var x []float32
	for i := 0; i < 8; i++ {
		x = append(x, chirp(8*rate, rate)...)
		x = append(x, make([]float32, rate*8/10)...)
	}
	total := float64(len(x)) / rate
	type call struct {
		seg         asr.Segment
		done, total float64
	}
	var calls []call
	record := func(stop func(n int) bool) js.Func {
		return js.FuncOf(func(_ js.Value, a []js.Value) any {
			var c call
			if err := json.Unmarshal([]byte(a[0].String()), &c.seg); err != nil {
				t.Errorf("segment %s: %v", a[0], err)
			}
			c.done, c.total = a[1].Float(), a[2].Float()
			calls = append(calls, c)
			return stop(len(calls))
		})
	}
	all := record(func(int) bool { return false })
	defer all.Release()
	res := mustResolve(t, "transcribe with segments", api.Call("transcribe", f32(x), rate, `{"timestamps": true}`, "", all))
	var r asr.Result
	if err := json.Unmarshal([]byte(res.String()), &r); err != nil {
		t.Fatal(err)
	}
	if len(calls) < 3 {
		t.Fatalf("%d segment calls for 70 s with pauses, want 3 or more", len(calls))
	}
	var texts []string
	last := 0.0
	for _, c := range calls {
		if c.done <= last || c.total != total {
			t.Errorf("segment call done %v (previous %v), total %v (want %v)", c.done, last, c.total, total)
		}
		last = c.done
		if c.seg.Text != "" {
			texts = append(texts, c.seg.Text)
		}
	}
	if math.Abs(last-total) > 1e-9 {
		t.Errorf("last done %v, want the duration %v", last, total)
	}
	if got := strings.Join(texts, " "); got != r.Text {
		t.Errorf("segments' text %q, result's %q", got, r.Text)
	}

	calls = nil
	first := record(func(n int) bool { return n >= 1 })
	defer first.Release()
	wantReject(t, "transcribe stopped by the first callback", api.Call("transcribe", f32(x), rate, "", "", first), CodeCancelled)
	if len(calls) != 1 {
		t.Errorf("%d calls after the callback said stop, want 1", len(calls))
	}
}

func TestStreamBindings(t *testing.T) {
	e := NewEngine()
	api := Register("ecouteStreamTest", e)
	wantReject(t, "streamOpen before a model", api.Call("streamOpen", 16000, ""), CodeNoModel)
	mustResolve(t, "loadModel", api.Call("loadModel", u8(tinyModel(t))))
	wantReject(t, "streamOpen at 0 Hz", api.Call("streamOpen", 0, ""), CodeOptions)
	wantReject(t, "streamOpen with a bad option", api.Call("streamOpen", 16000, `{"beam": -1}`), CodeOptions)
	id := mustResolve(t, "streamOpen", api.Call("streamOpen", 16000, `{"timestamps": true}`))
	if id.Type() != js.TypeNumber {
		t.Fatalf("streamOpen resolved to %v, want a number", id)
	}
	wantReject(t, "streamWrite without samples", api.Call("streamWrite", id, "x"), CodeOptions)
	x := chirp(16000, 16000)
	var dur float64
	for i := 0; i < len(x); i += 1600 {
		v := mustResolve(t, "streamWrite", api.Call("streamWrite", id, f32(x[i:i+1600])))
		var u StreamUpdate
		if err := json.Unmarshal([]byte(v.String()), &u); err != nil {
			t.Fatalf("streamWrite: %v: %s", err, v.String())
		}
		dur = u.Duration
	}
	if dur != 1 {
		t.Errorf("duration %v after 1 s of samples", dur)
	}
	v := mustResolve(t, "streamClose", api.Call("streamClose", id, "mic"))
	var u StreamUpdate
	if err := json.Unmarshal([]byte(v.String()), &u); err != nil || !strings.Contains(string(u.Result), `"file":"mic"`) {
		t.Errorf("streamClose: %v: %s", err, v.String())
	}
	wantReject(t, "streamWrite after close", api.Call("streamWrite", id, f32(x[:10])), CodeOptions)
}
