package audio

import (
	"bytes"
	"errors"
	"math"
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

// fuzzDecode checks that Decode and DecodeConfig agree on any input that
// decodes, seeded with the committed clips of one suffix.
func fuzzDecode(f *testing.F, suffix string) {
	seedClips(f, suffix)
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := Decode(bytes.NewReader(in))
		cfg, cerr := DecodeConfig(bytes.NewReader(in))
		if err != nil {
			return
		}
		checkDecoded(t, in, p, cerr, cfg)
	})
}

func FuzzDecodeFLAC(f *testing.F) { fuzzDecode(f, ".flac") }

// FuzzDecodeRaw decodes headerless PCM under any format the caller may
// give: an unusable format is a *FormatError (a rate out of range a
// *RateError), never a panic; a decode has
// one sample per whole frame of the input, finite, within [-1, 1] for the
// integer and G.711 encodings, at the given rate. Seeded with the data
// chunks of the committed clips.
func FuzzDecodeRaw(f *testing.F) {
	for _, c := range []struct {
		file string
		enc  Encoding
		ch   int
	}{
		{"clip8k.wav", S16, 1}, {"clip_stereo.wav", S16, 2}, {"clip_u8.wav", U8, 1},
		{"clip_f32.wav", F32, 1}, {"clip_alaw.wav", ALaw, 1}, {"clip_s24.wav", S24, 1},
	} {
		b, err := os.ReadFile(filepath.Join(clipDir, c.file))
		if err != nil {
			f.Fatal(err)
		}
		data := b[min(len(b), 44):min(len(b), 44+512)]
		f.Add(data, 8000, uint8(c.enc), c.ch, -1)
		f.Add(data, 16000, uint8(c.enc), c.ch, c.ch-1)
	}
	f.Add([]byte{1, 2, 3}, 0, uint8(S16), 1, -1)
	f.Add([]byte{}, 16000, uint8(F64BE), 3, 2)
	f.Fuzz(func(t *testing.T, in []byte, rate int, enc uint8, channels, channel int) {
		raw := RawFormat{Rate: rate, Encoding: Encoding(enc), Channels: channels}
		p, err := DecodeWithOptions(bytes.NewReader(in), DecodeOptions{Channel: channel, Raw: &raw})
		if err != nil {
			var fe *FormatError
			var re *RateError
			if !errors.As(err, &fe) && !errors.As(err, &re) {
				t.Fatalf("%+v channel %d: error %T %v, want *FormatError or *RateError", raw, channel, err, err)
			}
			return
		}
		frame := raw.Encoding.BytesPerSample() * channels
		if p.Rate != rate || p.Channels != channels || len(p.Samples) != len(in)/frame {
			t.Fatalf("%+v: rate %d, %d channels, %d samples from %d bytes", raw, p.Rate, p.Channels, len(p.Samples), len(in))
		}
		bounded := raw.Encoding != F32 && raw.Encoding != F64 && raw.Encoding != F32BE && raw.Encoding != F64BE
		for i, v := range p.Samples {
			if v != v || math.IsInf(float64(v), 0) || (bounded && (v < -1 || v > 1)) {
				t.Fatalf("%+v: sample %d is %v", raw, i, v)
			}
		}
	})
}
