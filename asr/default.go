package asr

import (
	"embed"
	"errors"
	"sync"
)

// The default English model and its LM, embedded in every binary that
// imports asr (see default/README.md for how they were made). Only the
// model file is embedded: the folder also holds the recipe's config and F32
// training checkpoint, which would more than double every binary and the
// browser payload.
//
//go:embed default/model.safetensors
var defaultFS embed.FS

// DefaultModelPath is the default model's path inside the embedded files.
const DefaultModelPath = "default/model.safetensors"

var (
	defaultOnce  sync.Once
	defaultModel *Model
	defaultErr   error
)

// Default returns the embedded default English model (with its word n-gram
// LM). It is loaded once, without copying the weights, and shared: do not
// modify it.
func Default() (*Model, error) {
	defaultOnce.Do(func() {
		b, err := defaultFS.ReadFile(DefaultModelPath)
		if err != nil {
			defaultErr = errors.New("asr: this build has no embedded default model")
			return
		}
		defaultModel, defaultErr = Load(b)
	})
	return defaultModel, defaultErr
}

// DefaultModelBytes returns the embedded model file (nil if absent), for
// callers that serve or copy it.
func DefaultModelBytes() []byte {
	b, _ := defaultFS.ReadFile(DefaultModelPath)
	return b
}
