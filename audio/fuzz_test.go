package audio

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedClips adds every committed clip whose name has the given suffix, and
// short prefixes of them, to the corpus.
func seedClips(f *testing.F, suffix string) {
	files, _ := filepath.Glob(filepath.Join(clipDir, "*"))
	files = append(files, "../testdata/hello.wav")
	for _, p := range files {
		if !strings.HasSuffix(p, suffix) {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// Whole files are large for the mutator; their heads and a middle
		// cut keep the header structure.
		f.Add(b[:min(len(b), 4096)])
		f.Add(b[:min(len(b), 200)])
	}
}

// checkDecoded holds for any successful decode: finite samples (NaN/Inf are
// mapped), a positive rate, and a sample count bounded by the input size.
func checkDecoded(t *testing.T, in []byte, p *PCM, cfgErr error, cfg Config) {
	if p.Rate <= 0 || p.Channels <= 0 {
		t.Fatalf("decoded rate %d channels %d", p.Rate, p.Channels)
	}
	for _, v := range p.Samples {
		if v != v || v > 1e30 || v < -1e30 {
			t.Fatalf("non-finite sample %v", v)
		}
	}
	if cfgErr != nil {
		t.Fatalf("Decode succeeded but DecodeConfig failed: %v", cfgErr)
	}
	if cfg.Rate != p.Rate || cfg.Channels != p.Channels {
		t.Fatalf("DecodeConfig %+v disagrees with Decode (rate %d, %d channels)", cfg, p.Rate, p.Channels)
	}
}

func FuzzDecodeWAV(f *testing.F) {
	seedClips(f, ".wav")
	f.Add(buildWAV(waveFloat, 2, 8000, 64, true, make([]byte, 32)))
	f.Add(buildWAV(waveMuLaw, 3, 8000, 8, false, []byte{1, 2, 3, 4, 5, 6}))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := Decode(bytes.NewReader(in))
		cfg, cerr := DecodeConfig(bytes.NewReader(in))
		if err != nil {
			return
		}
		// A WAV holds at most one sample per input byte.
		if len(p.Samples) > len(in) {
			t.Fatalf("%d samples from %d bytes", len(p.Samples), len(in))
		}
		checkDecoded(t, in, p, cerr, cfg)
		// Picking each channel works too.
		if p.Channels <= 8 {
			for c := 0; c < p.Channels; c++ {
				q, err := DecodeWithOptions(bytes.NewReader(in), DecodeOptions{Channel: c})
				if err != nil || len(q.Samples) != len(p.Samples) {
					t.Fatalf("channel %d: %v", c, err)
				}
			}
		}
	})
}

func FuzzDecodeFLAC(f *testing.F) {
	seedClips(f, ".flac")
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := Decode(bytes.NewReader(in))
		cfg, cerr := DecodeConfig(bytes.NewReader(in))
		if err != nil {
			return
		}
		checkDecoded(t, in, p, cerr, cfg)
	})
}
