package corpus

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecoute/ecoute/audio"
)

// audio.Decode keeps what a cut WAV holds and reports it in PCM.Truncated;
// a corpus utterance's transcript is of the whole recording, so Load
// refuses the cut file with the *audio.TruncatedError.
func TestLoadTruncated(t *testing.T) {
	b, err := os.ReadFile(fixture("manifest", "yes.wav"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.wav")
	if err := os.WriteFile(cut, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	u := &Utterance{ID: "cut", Path: cut}
	_, err = u.Load()
	var te *audio.TruncatedError
	if !errors.As(err, &te) {
		t.Fatalf("Load of a cut WAV: %v, want an *audio.TruncatedError", err)
	}
	whole := &Utterance{ID: "whole", Path: fixture("manifest", "yes.wav")}
	if p, err := whole.Load(); err != nil || len(p.Samples) == 0 {
		t.Errorf("Load of the whole WAV: %v", err)
	}
}
