//go:build js && wasm && assetmodel

package main

import (
	"errors"
	"syscall/js"

	"github.com/ecoute/ecoute/asr"
)

// loadModel loads the model file from the worker's static assets: it calls
// the JS glue's ecouteModelAsset (worker/src/worker.mjs), which fetches it
// through the ASSETS binding. Static assets do not count towards the script
// size limit, so the script stays small whatever the model's size.
func loadModel() (*asr.Model, error) {
	fn := js.Global().Get("context").Get("ecouteModelAsset")
	if fn.Type() != js.TypeFunction {
		return nil, errors.New("no model: the JS glue has no ecouteModelAsset")
	}
	v, err := await(fn.Invoke())
	if err != nil {
		return nil, err
	}
	b := make([]byte, v.Get("byteLength").Int())
	js.CopyBytesToGo(b, v)
	return asr.Load(b)
}

// await waits for a JS promise. The Go scheduler yields to the JS event loop
// while it waits, so the promise can settle.
func await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var then, catch js.Func
	then = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	catch = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}
