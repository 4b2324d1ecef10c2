//go:build js && wasm

package wasm

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"
	"time"
	"unsafe"

	"github.com/ecoute/ecoute/asr"
)

// Version is reported as globalThis.ecoute.version.
var Version = "dev"

// Register puts e's API on globalThis[name] (name is usually "ecoute"),
// then calls globalThis.onEcouteReady(api) when the page defined it. The
// functions are described in the package documentation; each returns a
// Promise that resolves on a later turn of the event loop.
func Register(name string, e *Engine) js.Value {
	api := js.Global().Get("Object").New()
	api.Set("version", Version)
	api.Set("defaults", jsonValue(DefaultOptions()))
	api.Set("limits", map[string]any{"maxSeconds": e.Limits.MaxSeconds, "maxBytes": float64(e.Limits.MaxBytes)})
	fn := func(name string, f func(args []js.Value) (any, error)) {
		api.Set(name, js.FuncOf(func(this js.Value, args []js.Value) any {
			return promise(func() (any, error) { return f(args) })
		}))
	}
	fn("loadDefault", func([]js.Value) (any, error) {
		info, err := e.LoadDefault()
		return modelInfo(info), err
	})
	fn("loadModel", func(args []js.Value) (any, error) {
		b, err := bytesArg(args, 0)
		if err != nil {
			return nil, err
		}
		info, err := e.LoadModel(b)
		return modelInfo(info), err
	})
	fn("probe", func(args []js.Value) (any, error) {
		head, err := bytesArg(args, 0)
		if err != nil {
			return nil, err
		}
		size := int64(len(head))
		if len(args) > 1 && args[1].Type() == js.TypeNumber {
			size = int64(args[1].Float())
		}
		info, err := e.Probe(head, size)
		return audioInfo(info), err
	})
	fn("transcribe", func(args []js.Value) (any, error) {
		a, err := audioArg(args)
		if err != nil {
			return nil, err
		}
		out, err := e.TranscribeEachJSON(a, stringArg(args, 2), stringArg(args, 3), segmentCallback(args, 4))
		return string(out), err
	})
	fn("align", func(args []js.Value) (any, error) {
		a, err := audioArg(args)
		if err != nil {
			return nil, err
		}
		out, err := e.AlignFile(a, stringArg(args, 2), stringArg(args, 3))
		return string(out), err
	})
	fn("format", func(args []js.Value) (any, error) {
		out, err := Format(stringArg(args, 0), stringArg(args, 1), stringArg(args, 2))
		return string(out), err
	})
	fn("features", func(args []js.Value) (any, error) {
		a, err := audioArg(args)
		if err != nil {
			return nil, err
		}
		o, err := ParseFeatureOptions(stringArg(args, 2))
		if err != nil {
			return nil, err
		}
		fm, err := e.Features(a, o)
		if err != nil {
			return nil, err
		}
		return map[string]any{
			"kind": fm.Kind, "frames": fm.Frames, "dims": fm.Dims, "frameShift": fm.FrameShift,
			"data": float32Array(fm.Data),
		}, nil
	})
	fn("decode", func(args []js.Value) (any, error) {
		a, err := audioArg(args)
		if err != nil {
			return nil, err
		}
		rate := 0
		if len(args) > 2 && args[2].Type() == js.TypeNumber {
			rate = args[2].Int()
		}
		p, info, err := e.Decode(a, rate)
		if err != nil {
			return nil, err
		}
		return map[string]any{
			"samples": float32Array(p.Samples), "sampleRate": p.Rate, "channels": info.Channels,
			"duration": info.Duration, "format": info.Format,
			"sourceSampleRate": info.SampleRate,
		}, nil
	})
	fn("streamOpen", func(args []js.Value) (any, error) {
		rate := 0
		if len(args) > 0 && args[0].Type() == js.TypeNumber {
			rate = args[0].Int()
		}
		return e.OpenStream(rate, stringArg(args, 1))
	})
	fn("streamWrite", func(args []js.Value) (any, error) {
		if len(args) < 2 || args[0].Type() != js.TypeNumber || !args[1].InstanceOf(js.Global().Get("Float32Array")) {
			return nil, errorf(CodeOptions, "streamWrite(id, samples): want a stream id and a Float32Array")
		}
		out, err := e.WriteStreamJSON(args[0].Int(), float32Slice(args[1]))
		return string(out), err
	})
	fn("streamClose", func(args []js.Value) (any, error) {
		if len(args) < 1 || args[0].Type() != js.TypeNumber {
			return nil, errorf(CodeOptions, "streamClose(id, name): want a stream id")
		}
		out, err := e.CloseStreamJSON(args[0].Int(), stringArg(args, 1))
		return string(out), err
	})
	js.Global().Set(name, api)
	if ready := js.Global().Get("onEcouteReady"); ready.Type() == js.TypeFunction {
		ready.Invoke(api)
	}
	return api
}

// segmentCallback turns the JavaScript function args[i], if there is one,
// into TranscribeEach's callback: it is called as f(segmentJSON, done,
// total) with each segment (asr.Segment as JSON; text "" for a stretch
// without speech) and the seconds of audio processed so far out of the
// total, and returns true to stop the transcription, which then rejects
// with code "cancelled". Before each call the Go runtime lets the
// JavaScript event loop run, so that a message that asks to stop (posted to
// the Web Worker while the module computes) is received in time for f to
// say so.
func segmentCallback(args []js.Value, i int) func(asr.Segment, float64, float64) error {
	if i >= len(args) || args[i].Type() != js.TypeFunction {
		return nil
	}
	f := args[i]
	return func(seg asr.Segment, done, total float64) error {
		time.Sleep(time.Millisecond) // all goroutines idle: the runtime returns to the event loop
		b, err := json.Marshal(seg)
		if err != nil {
			panic(err) // a plain struct
		}
		if f.Invoke(string(b), done, total).Truthy() {
			return ErrCancelled
		}
		return nil
	}
}

// promise runs f in a new goroutine and returns a Promise of its result.
// An error, or a panic that escaped f, rejects the Promise with an Error
// whose message is the error's and whose code property is its Code.
func promise(f func() (any, error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(this js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			var (
				v   any
				err error
			)
			func() {
				defer catch(&err)
				v, err = f()
			}()
			if err != nil {
				reject.Invoke(jsError(err))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	defer executor.Release()
	return js.Global().Get("Promise").New(executor)
}

func jsError(err error) js.Value {
	je := js.Global().Get("Error").New(err.Error())
	var e *Error
	if errors.As(err, &e) {
		je.Set("code", e.Code)
		if e.Stack != "" {
			je.Set("goStack", e.Stack)
		}
	} else {
		je.Set("code", CodeInternal)
	}
	return je
}

func modelInfo(i ModelInfo) any { return jsonValue(i) }

func audioInfo(i AudioInfo) any { return jsonValue(i) }

// jsonValue converts v to a JavaScript object through its JSON encoding.
func jsonValue(v any) js.Value {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs reach here
	}
	return js.Global().Get("JSON").Call("parse", string(b))
}

func stringArg(args []js.Value, i int) string {
	if i >= len(args) || args[i].Type() != js.TypeString {
		return ""
	}
	return args[i].String()
}

// bytesArg copies a Uint8Array or ArrayBuffer argument into Go memory.
func bytesArg(args []js.Value, i int) ([]byte, error) {
	if i >= len(args) {
		return nil, errorf(CodeOptions, "missing argument %d", i+1)
	}
	v := args[i]
	if v.InstanceOf(js.Global().Get("ArrayBuffer")) {
		v = js.Global().Get("Uint8Array").New(v)
	}
	if !v.InstanceOf(js.Global().Get("Uint8Array")) {
		return nil, errorf(CodeOptions, "argument %d: want a Uint8Array or ArrayBuffer, got %s", i+1, describe(v))
	}
	b := make([]byte, v.Get("byteLength").Int())
	js.CopyBytesToGo(b, v)
	return b, nil
}

// audioArg reads (audio, sampleRate): a Uint8Array/ArrayBuffer file or a
// Float32Array of samples at sampleRate.
func audioArg(args []js.Value) (Audio, error) {
	if len(args) == 0 {
		return Audio{}, errorf(CodeOptions, "missing audio argument")
	}
	v := args[0]
	if v.InstanceOf(js.Global().Get("Float32Array")) {
		rate := 0
		if len(args) > 1 && args[1].Type() == js.TypeNumber {
			rate = args[1].Int()
		}
		return Audio{Samples: float32Slice(v), Rate: rate}, nil
	}
	b, err := bytesArg(args, 0)
	if err != nil {
		return Audio{}, errorf(CodeOptions, "audio: want a WAV/FLAC file as Uint8Array or ArrayBuffer, or a Float32Array of samples; got %s", describe(v))
	}
	return Audio{File: b}, nil
}

// float32Slice copies a JavaScript Float32Array into Go memory.
func float32Slice(v js.Value) []float32 {
	n := v.Get("length").Int()
	s := make([]float32, n)
	if n > 0 {
		u8 := js.Global().Get("Uint8Array").New(v.Get("buffer"), v.Get("byteOffset"), v.Get("byteLength"))
		js.CopyBytesToGo(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 4*n), u8)
	}
	return s
}

// float32Array copies s into a new JavaScript Float32Array.
func float32Array(s []float32) js.Value {
	a := js.Global().Get("Float32Array").New(len(s))
	if len(s) > 0 {
		u8 := js.Global().Get("Uint8Array").New(a.Get("buffer"))
		js.CopyBytesToJS(u8, unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 4*len(s)))
	}
	return a
}

func describe(v js.Value) string {
	switch v.Type() {
	case js.TypeObject:
		if c := v.Get("constructor"); c.Type() == js.TypeFunction {
			return c.Get("name").String()
		}
		return "object"
	default:
		return fmt.Sprint(v.Type())
	}
}
