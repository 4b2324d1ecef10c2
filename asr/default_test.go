package asr

import (
	"io/fs"
	"testing"
)

func TestDefaultModel(t *testing.T) {
	// go:embed makes a missing model file a build error, so an error here
	// is a corrupt committed model (or LM): it must fail, not skip.
	m, err := Default()
	if err != nil {
		t.Fatalf("embedded default model: %v", err)
	}
	if err := m.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := m.NumParams(); n > 4_000_000 {
		t.Errorf("default model has %d parameters, budget 4M", n)
	}
	m2, err := Default()
	if err != nil || m2 != m {
		t.Error("Default does not return the shared model")
	}
	if m.LM == nil || m.LM.Model().Order() < 2 {
		t.Error("the default model carries no word n-gram LM")
	}
}

// TestDefaultEmbedsOnlyTheModel guards binary and browser payload size: the
// checkpoint and docs beside the model must not be embedded.
func TestDefaultEmbedsOnlyTheModel(t *testing.T) {
	var files []string
	err := fs.WalkDir(defaultFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0] != DefaultModelPath {
		t.Errorf("embedded files %v, want only %s", files, DefaultModelPath)
	}
}
