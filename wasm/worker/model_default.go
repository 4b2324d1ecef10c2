//go:build js && wasm && !custommodel && !assetmodel

package main

import "github.com/ecoute/ecoute/asr"

// loadModel loads asr's embedded default model.
func loadModel() (*asr.Model, error) { return asr.Default() }
