//go:build js && wasm && stockshim

package main

// stockShim selects the stock syumai/workers glue: one Go instance per
// request, exiting when its response is sent.
const stockShim = true
