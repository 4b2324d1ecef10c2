package punct

import (
	"embed"
	"errors"
	"sync"
)

// The default English tagger (see default/README.md for how it was made).
//
//go:embed default
var defaultFS embed.FS

// DefaultModelPath is the default tagger's path inside the embedded files.
const DefaultModelPath = "default/model.safetensors"

var (
	defaultOnce  sync.Once
	defaultModel *Model
	defaultErr   error
)

// Default returns the embedded English tagger, loaded once and shared (it
// is safe for concurrent use; do not modify it).
func Default() (*Model, error) {
	defaultOnce.Do(func() {
		b, err := defaultFS.ReadFile(DefaultModelPath)
		if err != nil {
			defaultErr = errors.New("punct: this build has no embedded default tagger")
			return
		}
		defaultModel, defaultErr = Load(b)
	})
	return defaultModel, defaultErr
}
