package audio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"testing"
)

// alignSNR finds the lag (got[i+lag] ≈ want[i]) in [-maxLag, maxLag] with the
// smallest error and returns it with the signal-to-noise ratio in dB of got
// against want over the samples both hold.
func alignSNR(got, want []float32, maxLag int) (lag int, snr float64) {
	best := math.Inf(-1)
	for l := -maxLag; l <= maxLag; l++ {
		var sig, noise float64
		for i := range want {
			j := i + l
			if j < 0 || j >= len(got) {
				continue
			}
			d := float64(got[j]) - float64(want[i])
			sig += float64(want[i]) * float64(want[i])
			noise += d * d
		}
		if noise == 0 {
			return l, math.Inf(1)
		}
		if s := 10 * math.Log10(sig/noise); s > best {
			best, lag = s, l
		}
	}
	return lag, best
}

// The Go decoder (github.com/hajimehoshi/go-mp3) against an independent
// decoder, sox through libmad, on the same files (testdata/gen/mp3_clips.sh):
// MPEG-2 16 kHz mono, and MPEG-1 44.1 kHz joint stereo (each channel, and
// the mix). The two decoders start at different points of the encoder delay,
// so the outputs are aligned first; the offset and SNR are logged.
func TestDecodeMP3MatchesSox(t *testing.T) {
	cases := []struct {
		file    string
		channel int
		minSNR  float64
	}{
		{"clip16k.mp3", -1, 60},
		{"clip44k_stereo.mp3", -1, 60},
		{"clip44k_stereo.mp3", 0, 60},
		{"clip44k_stereo.mp3", 1, 60},
	}
	for _, c := range cases {
		got := decodeClip(t, c.file, DecodeOptions{Channel: c.channel})
		want := decodeClip(t, c.file+".sox.wav", DecodeOptions{Channel: c.channel})
		if got.Rate != want.Rate || got.Channels != want.Channels {
			t.Errorf("%s: %d Hz, %d channels; sox %d Hz, %d channels", c.file, got.Rate, got.Channels, want.Rate, want.Channels)
			continue
		}
		lag, snr := alignSNR(got.Samples, want.Samples, 2400)
		t.Logf("%s channel %d: offset %d samples (%.1f ms), SNR %.1f dB, %d samples (sox %d)",
			c.file, c.channel, lag, 1000*float64(lag)/float64(got.Rate), snr, len(got.Samples), len(want.Samples))
		if snr < c.minSNR {
			t.Errorf("%s channel %d: SNR %.1f dB against sox, want ≥ %.0f", c.file, c.channel, snr, c.minSNR)
		}
	}
}

func TestDecodeConfigMP3(t *testing.T) {
	for _, c := range []struct {
		file           string
		rate, channels int
	}{{"clip16k.mp3", 16000, 1}, {"clip44k_stereo.mp3", 44100, 2}} {
		cfg, err := DecodeConfig(bytes.NewReader(readClip(t, c.file)))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Format != "mp3" || cfg.Rate != c.rate || cfg.Channels != c.channels || cfg.Frames != -1 {
			t.Errorf("%s: %+v", c.file, cfg)
		}
	}
}

// id3v2 builds an ID3v2.4 tag with size bytes of padding (syncsafe size).
func id3v2(size int) []byte {
	h := []byte{'I', 'D', '3', 4, 0, 0, byte(size >> 21 & 0x7f), byte(size >> 14 & 0x7f), byte(size >> 7 & 0x7f), byte(size & 0x7f)}
	return append(h, make([]byte, size)...)
}

// ID3v2 tags of any size (larger than the sniffing buffer too) are skipped.
func TestDecodeMP3ID3(t *testing.T) {
	clip := readClip(t, "clip16k.mp3")
	ref := decodeClip(t, "clip16k.mp3", DefaultDecodeOptions())
	for _, size := range []int{0, 100, 5000, 1 << 20} {
		p, err := Decode(bytes.NewReader(append(id3v2(size), clip...)))
		if err != nil {
			t.Errorf("ID3 of %d bytes: %v", size, err)
			continue
		}
		compare(t, fmt.Sprintf("ID3 of %d bytes", size), p.Samples, ref.Samples, 1, 0)
	}
	// An ID3v1 tag ("TAG", 128 bytes) at the end is not audio.
	tail := append(append([]byte{}, clip...), append([]byte("TAG"), make([]byte, 125)...)...)
	p, err := Decode(bytes.NewReader(tail))
	if err != nil {
		t.Fatalf("ID3v1 at the end: %v", err)
	}
	compare(t, "ID3v1 at the end", p.Samples[:len(ref.Samples)], ref.Samples, 1, 0)
}

func TestDecodeMP3BadInput(t *testing.T) {
	clip := readClip(t, "clip16k.mp3")
	var fe *FormatError
	layer2 := append([]byte{}, clip...)
	layer2[1] = layer2[1]&^0x06 | 0x04 // layer II
	for _, c := range []struct {
		name string
		in   []byte
	}{
		{"frame header only", clip[:4]},
		{"ID3 tag only", id3v2(20)},
		{"ID3 tag then text", append(id3v2(20), "not audio at all"...)},
		{"layer II", layer2},
		{"sync then garbage", append([]byte{0xFF, 0xF3, 0x64, 0xC4}, bytes.Repeat([]byte{0xAB}, 300)...)},
	} {
		p, err := Decode(bytes.NewReader(c.in))
		if err == nil {
			t.Errorf("%s: no error (%d samples)", c.name, len(p.Samples))
			continue
		}
		if !errors.As(err, &fe) {
			t.Errorf("%s: error %v (%T), want a *FormatError", c.name, err, err)
		}
	}
	// A tag that claims more bytes than there are is truncation.
	tag := id3v2(1000)[:500]
	if _, err := Decode(bytes.NewReader(tag)); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated ID3: %v", err)
	}
	// A stream cut mid-frame decodes its whole frames: a prefix of the full decode.
	ref := decodeClip(t, "clip16k.mp3", DefaultDecodeOptions())
	p, err := Decode(bytes.NewReader(clip[:len(clip)/2]))
	if err != nil {
		t.Fatalf("half a stream: %v", err)
	}
	if len(p.Samples) == 0 || len(p.Samples) >= len(ref.Samples) {
		t.Fatalf("half a stream: %d samples of %d", len(p.Samples), len(ref.Samples))
	}
	// Every prefix gives an error or a decode, never a panic.
	for n := 0; n < len(clip); n += 1 + n/8 {
		Decode(bytes.NewReader(clip[:n]))
		DecodeConfig(bytes.NewReader(clip[:n]))
	}
	// A mono stream has no channel 1.
	if _, err := DecodeWithOptions(bytes.NewReader(clip), DecodeOptions{Channel: 1}); !errors.As(err, &fe) {
		t.Errorf("channel 1 of mono: %v", err)
	}
}

func FuzzDecodeMP3(f *testing.F) { fuzzDecode(f, ".mp3") }
