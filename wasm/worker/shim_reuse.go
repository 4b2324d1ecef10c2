//go:build js && wasm && !stockshim

package main

// stockShim is false: the instance is kept for the isolate's lifetime.
const stockShim = false
