package audio

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestReaderMatchesDecode: every committed clip read through a Reader in
// random piece sizes, or a piece and then ReadAll, gives Decode's samples,
// and a file cut short reports the same truncation.
func TestReaderMatchesDecode(t *testing.T) {
	clips, _ := filepath.Glob(filepath.Join("..", "testdata", "audio", "*"))
	if len(clips) == 0 {
		t.Fatal("no clips")
	}
	rng := rand.New(rand.NewPCG(8, 8))
	check := func(name string, b []byte) {
		want, werr := Decode(bytes.NewReader(b))
		r, err := NewReader(bytes.NewReader(b), DefaultDecodeOptions())
		if werr != nil {
			return // a Reader may find out only while reading
		}
		if err != nil {
			t.Errorf("%s: Decode decodes it, NewReader: %v", name, err)
			return
		}
		var got []float32
		for {
			buf := make([]float32, 1+rng.IntN(5000))
			n, err := r.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if r.Rate != want.Rate || r.Channels != want.Channels || len(got) != len(want.Samples) {
			t.Fatalf("%s: %d Hz %d ch %d samples, Decode %d Hz %d ch %d", name, r.Rate, r.Channels, len(got), want.Rate, want.Channels, len(want.Samples))
		}
		for i := range got {
			if got[i] != want.Samples[i] {
				t.Fatalf("%s: sample %d: %v, Decode %v", name, i, got[i], want.Samples[i])
			}
		}
		// ReadAll after a first piece gives the rest.
		r2, _ := NewReader(bytes.NewReader(b), DefaultDecodeOptions())
		head := make([]float32, 1000)
		n, _ := r2.Read(head)
		rest, err := r2.ReadAll()
		if err != nil || rest.Rate != want.Rate || !slices.Equal(append(head[:n], rest.Samples...), want.Samples) ||
			(rest.Truncated == nil) != (want.Truncated == nil) {
			t.Errorf("%s: Read then ReadAll: %v, %d+%d samples of %d", name, err, n, len(rest.Samples), len(want.Samples))
		}
		if (r.Truncated() == nil) != (want.Truncated == nil) || (want.Truncated != nil && *r.Truncated() != *want.Truncated) {
			t.Errorf("%s: truncated %v, Decode %v", name, r.Truncated(), want.Truncated)
		}
	}
	for _, c := range clips {
		b, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		check(filepath.Base(c), b)
		if ext := filepath.Ext(c); ext == ".wav" || ext == ".flac" || ext == ".mp3" {
			check(filepath.Base(c)+" cut", b[:len(b)*2/3])
		}
	}
}
