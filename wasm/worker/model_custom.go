//go:build js && wasm && custommodel

package main

import (
	_ "embed"

	"github.com/ecoute/ecoute/asr"
)

// model.safetensors is copied here by worker/build.sh --model FILE.
//
//go:embed model.safetensors
var modelFile []byte

// loadModel loads the model file embedded at build time instead of asr's
// default model.
func loadModel() (*asr.Model, error) { return asr.Load(modelFile) }
