package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-audio/wav"
)

const clipDir = "../testdata/audio"

func readClip(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(clipDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeClip(t testing.TB, name string, o DecodeOptions) *PCM {
	t.Helper()
	p, err := DecodeWithOptions(bytes.NewReader(readClip(t, name)), o)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

// compare reports the largest |got[i]-want[i]*scale| and fails above tol.
func compare(t *testing.T, label string, got, want []float32, scale, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d samples, want %d", label, len(got), len(want))
		return
	}
	maxErr, at := 0.0, -1
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(want[i])*scale); d > maxErr {
			maxErr, at = d, i
		}
	}
	if maxErr > tol {
		t.Errorf("%s: max error %.3g at sample %d (got %v, want %v), tolerance %.3g",
			label, maxErr, at, got[at], float64(want[at])*scale, tol)
	}
}

// Every committed encoding of the clip decodes to the 16-bit original, within
// the encoding's quantization step. The clips come from sox
// (testdata/gen/audio_clips.sh), so this also checks our decoding against
// sox's encoding.
func TestDecodeVariants(t *testing.T) {
	ref := decodeClip(t, "clip16k.wav", DefaultDecodeOptions()).Samples
	if len(ref) != 15552 {
		t.Fatalf("clip16k.wav: %d samples, want 15552", len(ref))
	}
	cases := []struct {
		file  string
		ch    int
		n     int     // samples expected (prefix of ref); 0 means all
		scale float64 // expected = ref*scale
		tol   float64
	}{
		{"clip16k.flac", -1, 0, 1, 0},
		{"clip_rifx.wav", -1, 0, 1, 0},
		{"clip_s24.wav", -1, 0, 1, 0},
		{"clip_s24_ext.wav", -1, 0, 1, 0},
		{"clip_s32.wav", -1, 8000, 1, 0},
		{"clip_f32.wav", -1, 0, 1, 0},
		{"clip_f64.wav", -1, 8000, 1, 0},
		{"clip_u8.wav", -1, 0, 1, 1.0 / 256},
		{"clip_stereo.wav", 0, 0, 1, 0},
		{"clip_stereo.wav", 1, 0, -0.5, 1.0 / 32768},
		{"clip_stereo.wav", -1, 0, 0.25, 1.0 / 32768},
		{"clip_stereo24.flac", 0, 0, 1, 0},
		{"clip_stereo24.flac", -1, 0, 0.25, 1.0 / 32768},
		{"clip_4ch_s24.wav", 2, 4000, 1, 0},
		{"clip_4ch_s24.wav", 3, 4000, -0.5, 1.0 / 32768},
		{"clip_4ch_s24.wav", -1, 4000, 0.25, 1.0 / 32768},
	}
	for _, c := range cases {
		o := DefaultDecodeOptions()
		o.Channel = c.ch
		p := decodeClip(t, c.file, o)
		if p.Rate != 16000 {
			t.Errorf("%s: rate %d", c.file, p.Rate)
		}
		want := ref
		if c.n > 0 {
			want = ref[:c.n]
		}
		compare(t, c.file, p.Samples, want, c.scale, c.tol+1e-7)
	}
}

// G.711 files decode to within the companding error of the 8 kHz original.
func TestDecodeG711(t *testing.T) {
	ref := decodeClip(t, "clip8k.wav", DefaultDecodeOptions()).Samples
	for _, f := range []string{"clip_alaw.wav", "clip_ulaw.wav"} {
		p := decodeClip(t, f, DefaultDecodeOptions())
		if p.Rate != 8000 || len(p.Samples) != len(ref) {
			t.Fatalf("%s: rate %d, %d samples", f, p.Rate, len(p.Samples))
		}
		// sox truncates to 13/14 bits before companding, so the error is up
		// to one step: 1/16 of the magnitude, plus 16/32768 near zero.
		for i, v := range p.Samples {
			if d := math.Abs(float64(v - ref[i])); d > math.Abs(float64(ref[i]))/16+5e-4 {
				t.Fatalf("%s: sample %d is %v, original %v", f, i, v, ref[i])
			}
		}
	}
	// Exact G.711 values, as sox decodes them (sox -t raw -e a-law/u-law ... -e signed -b 16).
	for _, c := range []struct {
		b    byte
		a, u int16
	}{{0x00, -5504, -32124}, {0x80, 5504, 32124}, {0x55, -8, -716}, {0xD5, 8, 716}, {0xFF, 848, 0}, {0x7F, -848, 0}, {0x2A, -32256, -5372}, {0xAA, 32256, 5372}} {
		if got := alawToLinear(c.b); got != c.a {
			t.Errorf("A-law %#x = %d, want %d", c.b, got, c.a)
		}
		if got := ulawToLinear(c.b); got != c.u {
			t.Errorf("µ-law %#x = %d, want %d", c.b, got, c.u)
		}
	}
}

// Our decoding equals sox's own conversion of each file to 32-bit float
// (sox mixes channels by averaging with "-c 1"). Skipped without sox.
func TestDecodeMatchesSox(t *testing.T) {
	sox, err := exec.LookPath("sox")
	if err != nil || runtime.GOOS == "js" {
		t.Skip("sox not installed")
	}
	files, _ := filepath.Glob(filepath.Join(clipDir, "*"))
	for _, f := range files {
		if strings.HasSuffix(f, ".mp3") {
			continue // lossy: TestDecodeMP3MatchesSox compares it by SNR
		}
		out, err := exec.Command(sox, "-V1", f, "-t", "raw", "-e", "floating-point", "-b", "32", "-L", "-c", "1", "-").Output()
		if err != nil {
			t.Fatalf("sox %s: %v", f, err)
		}
		want := make([]float32, len(out)/4)
		for i := range want {
			want[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
		}
		p := decodeClip(t, filepath.Base(f), DefaultDecodeOptions())
		compare(t, filepath.Base(f), p.Samples, want, 1, 2e-7)
	}
}

// go-audio/wav, an independent reader, agrees on integer PCM files.
func TestDecodeMatchesGoAudio(t *testing.T) {
	for _, f := range []string{"clip16k.wav", "clip_s24.wav", "clip_stereo.wav", "clip8k.wav"} {
		d := wav.NewDecoder(bytes.NewReader(readClip(t, f)))
		buf, err := d.FullPCMBuffer()
		if err != nil {
			t.Fatalf("go-audio/wav %s: %v", f, err)
		}
		ch := int(d.NumChans)
		scale := 1 / float64(int64(1)<<(d.BitDepth-1))
		for c := 0; c < ch; c++ {
			want := make([]float32, len(buf.Data)/ch)
			for i := range want {
				want[i] = float32(float64(buf.Data[i*ch+c]) * scale)
			}
			o := DefaultDecodeOptions()
			o.Channel = c
			p := decodeClip(t, f, o)
			if p.Rate != int(d.SampleRate) || p.Channels != ch {
				t.Errorf("%s: rate %d channels %d, go-audio says %d %d", f, p.Rate, p.Channels, d.SampleRate, ch)
			}
			compare(t, f, p.Samples, want, 1, 0)
		}
	}
}

func TestDecodeConfig(t *testing.T) {
	cases := []struct {
		file            string
		format          string
		enc             Encoding
		rate, ch, depth int
		frames          int64
	}{
		{"clip16k.wav", "wav", S16, 16000, 1, 16, 15552},
		{"clip8k.wav", "wav", S16, 8000, 1, 16, 7776},
		{"clip44k.wav", "wav", S16, 44100, 1, 16, 42865},
		{"clip_u8.wav", "wav", U8, 16000, 1, 8, 15552},
		{"clip_s24_ext.wav", "wav", S24, 16000, 1, 24, 15552},
		{"clip_f64.wav", "wav", F64, 16000, 1, 64, 8000},
		{"clip_alaw.wav", "wav", ALaw, 8000, 1, 8, 7776},
		{"clip_ulaw.wav", "wav", MuLaw, 8000, 1, 8, 7776},
		{"clip_rifx.wav", "wav", S16BE, 16000, 1, 16, 15552},
		{"clip_4ch_s24.wav", "wav", S24, 16000, 4, 24, 4000},
		{"clip16k.flac", "flac", S16, 16000, 1, 16, 15552},
		{"clip_stereo24.flac", "flac", S24, 16000, 2, 24, 15552},
	}
	for _, c := range cases {
		cfg, err := DecodeConfig(bytes.NewReader(readClip(t, c.file)))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		want := Config{Format: c.format, Encoding: c.enc, Rate: c.rate, Channels: c.ch, BitDepth: c.depth, Frames: c.frames}
		want.setDuration()
		if cfg != want {
			t.Errorf("%s: got %+v\nwant %+v", c.file, cfg, want)
		}
		p := decodeClip(t, c.file, DefaultDecodeOptions())
		if int64(len(p.Samples)) != c.frames {
			t.Errorf("%s: decoded %d samples, header says %d", c.file, len(p.Samples), c.frames)
		}
	}
}

func TestDecodeRaw(t *testing.T) {
	ref := decodeClip(t, "clip_stereo.wav", DefaultDecodeOptions())
	data := readClip(t, "clip_stereo.wav")[44:]
	for _, ch := range []int{-1, 0, 1} {
		p, err := DecodeWithOptions(bytes.NewReader(data), DecodeOptions{Channel: ch, Raw: &RawFormat{Rate: 16000, Encoding: S16, Channels: 2}})
		if err != nil {
			t.Fatal(err)
		}
		o := DefaultDecodeOptions()
		o.Channel = ch
		compare(t, "raw", p.Samples, decodeClip(t, "clip_stereo.wav", o).Samples, 1, 0)
	}
	if len(ref.Samples) == 0 {
		t.Fatal("empty reference")
	}
	for _, bad := range []RawFormat{{0, S16, 1}, {16000, S16, 0}, {16000, EncodingUnknown, 1}, {16000, S16, 1 << 20}} {
		if _, err := DecodeWithOptions(bytes.NewReader(data), DecodeOptions{Channel: -1, Raw: &bad}); err == nil {
			t.Errorf("raw %+v: no error", bad)
		}
	}
	for _, s := range []string{"s16le", "s16", "f32le", "alaw", "ulaw", "u8", "f64be"} {
		e, err := ParseEncoding(s)
		if err != nil || e.BytesPerSample() == 0 {
			t.Errorf("ParseEncoding(%q) = %v, %v", s, e, err)
		}
	}
	if _, err := ParseEncoding("mp3"); err == nil {
		t.Error("ParseEncoding(mp3): no error")
	}
}

// buildWAV writes a little-endian WAV file with the given fmt fields and data.
func buildWAV(tag uint16, channels, rate, bits int, extensible bool, data []byte) []byte {
	var fmtc bytes.Buffer
	le := binary.LittleEndian
	w16 := func(v uint16) { binary.Write(&fmtc, le, v) }
	w32 := func(v uint32) { binary.Write(&fmtc, le, v) }
	container := (bits + 7) / 8
	if extensible {
		w16(waveExtensible)
	} else {
		w16(tag)
	}
	w16(uint16(channels))
	w32(uint32(rate))
	w32(uint32(rate * channels * container))
	w16(uint16(channels * container))
	w16(uint16(bits))
	if extensible {
		w16(22)
		w16(uint16(bits))
		w32(0)
		w16(tag)
		fmtc.Write(ksSubtypeTail[:])
	}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, le, uint32(4+8+fmtc.Len()+8+len(data)))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, le, uint32(fmtc.Len()))
	b.Write(fmtc.Bytes())
	b.WriteString("data")
	binary.Write(&b, le, uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}

func TestDecodeExtensibleFloat(t *testing.T) {
	vals := []float32{0, 0.5, -0.25, 1, -1, 0.125}
	data := make([]byte, 4*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
	}
	for _, ext := range []bool{false, true} {
		p, err := Decode(bytes.NewReader(buildWAV(waveFloat, 1, 8000, 32, ext, data)))
		if err != nil {
			t.Fatal(err)
		}
		compare(t, "float", p.Samples, vals, 1, 0)
	}
	// 20 valid bits in a 24-bit container: left-justified, so the container
	// scale applies.
	wb := buildWAV(wavePCM, 1, 8000, 24, true, []byte{0x00, 0x00, 0x40, 0x00, 0x00, 0xC0})
	binary.LittleEndian.PutUint16(wb[20+18:], 20)
	p, err := Decode(bytes.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "20-bit", p.Samples, []float32{0.5, -0.5}, 1, 0)
	cfg, _ := DecodeConfig(bytes.NewReader(wb))
	if cfg.BitDepth != 20 {
		t.Errorf("valid bits: %d, want 20", cfg.BitDepth)
	}
}

// NaN becomes 0 and ±Inf becomes ±1.
func TestDecodeNonFinite(t *testing.T) {
	vals := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 2.5, -0.5}
	want := []float32{0, 1, -1, 2.5, -0.5}
	d32 := make([]byte, 4*len(vals))
	d64 := make([]byte, 8*len(vals))
	for i, v := range vals {
		binary.LittleEndian.PutUint32(d32[4*i:], math.Float32bits(float32(v)))
		binary.LittleEndian.PutUint64(d64[8*i:], math.Float64bits(v))
	}
	for _, w := range [][]byte{buildWAV(waveFloat, 1, 8000, 32, false, d32), buildWAV(waveFloat, 1, 8000, 64, false, d64)} {
		p, err := Decode(bytes.NewReader(w))
		if err != nil {
			t.Fatal(err)
		}
		compare(t, "non-finite", p.Samples, want, 1, 0)
	}
}

func TestDecodeBadInput(t *testing.T) {
	good := readClip(t, "clip16k.wav")
	data := []byte{1, 2, 3, 4}
	hugeFmt := append([]byte("RIFF\x00\x00\x00\x00WAVEfmt \xf0\xff\xff\xff"), make([]byte, 1000)...)
	hugeOther := append([]byte("RIFF\x00\x00\x00\x00WAVELIST\xf0\xff\xff\x7f"), make([]byte, 1000)...)
	zeroRate := buildWAV(wavePCM, 1, 0, 16, false, data)
	zeroCh := buildWAV(wavePCM, 0, 16000, 16, false, data)
	mp3 := buildWAV(0x55, 1, 16000, 16, false, data)
	badGUID := buildWAV(wavePCM, 1, 16000, 16, true, data)
	badGUID[20+30] ^= 0xFF
	noFmt := []byte("RIFF\x10\x00\x00\x00WAVEdata\x04\x00\x00\x00abcd")
	tooManyCh := buildWAV(wavePCM, 5000, 16000, 16, false, data)
	float16 := buildWAV(waveFloat, 1, 16000, 16, false, data)

	var fe *FormatError
	cases := []struct {
		name string
		in   []byte
		want error // nil: any *FormatError
	}{
		{"empty", nil, nil},
		{"not RIFF", []byte("hello, this is not audio at all"), nil},
		{"RIFF not WAVE", []byte("RIFF\x00\x00\x00\x00AVI LIST"), nil},
		{"header only", good[:12], nil},
		{"truncated fmt", good[:30], io.ErrUnexpectedEOF},
		{"data chunk header and no data", good[:44], io.ErrUnexpectedEOF},
		{"half a sample of data", good[:45], io.ErrUnexpectedEOF},
		{"fmt claims 4 GiB", hugeFmt, nil},
		{"chunk claims 2 GiB", hugeOther, io.ErrUnexpectedEOF},
		{"zero rate", zeroRate, errRate},
		{"zero channels", zeroCh, nil},
		{"5000 channels", tooManyCh, nil},
		{"mp3 codec", mp3, nil},
		{"unknown GUID", badGUID, nil},
		{"16-bit float", float16, nil},
		{"no fmt", noFmt, nil},
		{"truncated flac", readClip(t, "clip16k.flac")[:2000], io.ErrUnexpectedEOF},
		{"flac header only", []byte("fLaC"), io.ErrUnexpectedEOF},
		{"flac metadata claims 11 MB", append([]byte("fLaC\x00\x00\x00\x22"), bytes.Repeat([]byte{0xAB}, 100)...), io.ErrUnexpectedEOF},
		{"flac garbage frames", append([]byte("fLaC\x80\x00\x00\x22"), bytes.Repeat([]byte{0xAB}, 200)...), nil},
		{"flac no STREAMINFO", append([]byte("fLaC\x81\x00\x00\x22"), bytes.Repeat([]byte{0xAB}, 200)...), nil},
	}
	for _, c := range cases {
		p, err := Decode(bytes.NewReader(c.in))
		if err == nil {
			t.Errorf("%s: no error (%d samples)", c.name, len(p.Samples))
			continue
		}
		if c.want == errRate {
			var re *RateError
			if !errors.As(err, &re) {
				t.Errorf("%s: error %v (%T), want a *RateError", c.name, err, err)
			}
			continue
		}
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.want)
		}
		if c.want == nil && !errors.As(err, &fe) {
			t.Errorf("%s: error %v (%T), want a *FormatError", c.name, err, err)
		}
	}
	// Picking a channel the file does not have.
	if _, err := DecodeWithOptions(bytes.NewReader(good), DecodeOptions{Channel: 1}); !errors.As(err, &fe) {
		t.Errorf("channel 1 of mono: %v", err)
	}
	// A data chunk with unfilled size (written to a pipe) reads to the end.
	pipe := buildWAV(wavePCM, 1, 16000, 16, false, data)
	binary.LittleEndian.PutUint32(pipe[40:], 0xFFFFFFFF)
	p, err := Decode(bytes.NewReader(pipe))
	if err != nil || len(p.Samples) != 2 {
		t.Errorf("unfilled data size: %v", err)
	}
	// Streaming writers' other "unknown length" sizes: sox and espeak-ng
	// write 0x7FFFF000 to a pipe, others 0x7FFFFFFF and 0xFFFFFFF0. They
	// read to the end, with no truncation warning and no length in the
	// config.
	for _, size := range []uint32{0, 0x7FFFF000, 0x7FFFFFFF, 0xFFFFFFF0} {
		binary.LittleEndian.PutUint32(pipe[40:], size)
		p, err = Decode(bytes.NewReader(pipe))
		if err != nil || len(p.Samples) != 2 || p.Truncated != nil {
			t.Errorf("data size %#x: %v, %+v", size, err, p)
		}
		if cfg, err := DecodeConfig(bytes.NewReader(pipe)); err != nil || cfg.Frames != -1 || cfg.Duration != 0 {
			t.Errorf("data size %#x config: %+v, %v", size, cfg, err)
		}
	}
}

// errRate in a TestDecodeBadInput case wants a *RateError.
var errRate = errors.New("want a *RateError")

// A header whose sample rate is outside [MinRate, MaxRate] is refused with a
// *RateError before any sample is decoded: a 93 KB WAV claiming 1 Hz would
// otherwise be 13 hours of audio, resampled to hundreds of millions of
// samples. The limits themselves are accepted.
func TestDecodeRateRange(t *testing.T) {
	data := make([]byte, 93*1000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, c := range []struct {
		rate int
		ok   bool
	}{{1, false}, {0, false}, {999, false}, {MinRate, true}, {16000, true}, {MaxRate, true}, {MaxRate + 1, false}, {1 << 24, false}, {0xFFFFFFFF, false}} {
		w := buildWAV(wavePCM, 1, c.rate, 16, false, data)
		p, err := Decode(bytes.NewReader(w))
		_, cfgErr := DecodeConfig(bytes.NewReader(w))
		raw, rawErr := DecodeWithOptions(bytes.NewReader(data), DecodeOptions{Channel: -1, Raw: &RawFormat{Rate: c.rate, Encoding: S16, Channels: 1}})
		if c.ok {
			if err != nil || cfgErr != nil || rawErr != nil {
				t.Errorf("rate %d: %v, %v, %v", c.rate, err, cfgErr, rawErr)
			} else if p.Rate != c.rate || len(p.Samples) != len(data)/2 || raw.Rate != c.rate {
				t.Errorf("rate %d: decoded rate %d, %d samples", c.rate, p.Rate, len(p.Samples))
			}
			continue
		}
		for what, e := range map[string]error{"Decode": err, "DecodeConfig": cfgErr, "raw": rawErr} {
			var re *RateError
			if !errors.As(e, &re) || int64(re.Rate) != int64(int32(c.rate)) && c.rate <= 1<<31-1 {
				t.Errorf("rate %d: %s: %v (%T), want a *RateError", c.rate, what, e, e)
			}
		}
		if c.rate == 1 && !strings.Contains(err.Error(), "sample rate 1 Hz") {
			t.Errorf("rate 1: message %q does not say the rate", err)
		}
		// A raw rate was given, not read from a header: no header hint.
		if c.rate == 1 && (!strings.Contains(err.Error(), "header") || strings.Contains(rawErr.Error(), "header")) {
			t.Errorf("rate 1: header hint in %q / %q", err, rawErr)
		}
	}
	// FLAC: STREAMINFO's 20-bit rate field of the committed clip set to 1 Hz.
	fl := bytes.Clone(readClip(t, "clip16k.flac"))
	if string(fl[:4]) != "fLaC" || fl[8+10]<<4|fl[8+11]>>4 != 0x3e {
		t.Fatalf("clip16k.flac: unexpected STREAMINFO % x", fl[8:8+18])
	}
	fl[18], fl[19], fl[20] = 0, 0, 0x10|fl[20]&0x0F
	_, err := Decode(bytes.NewReader(fl))
	_, cfgErr := DecodeConfig(bytes.NewReader(fl))
	for what, e := range map[string]error{"Decode": err, "DecodeConfig": cfgErr} {
		var re *RateError
		if !errors.As(e, &re) || re.Rate != 1 || re.Format != "flac" {
			t.Errorf("flac at 1 Hz: %s: %v (%T), want a *RateError", what, e, e)
		}
	}
}

// sox decodes a WAV or FLAC file cut inside its audio data up to the cut
// (every whole frame, for FLAC) and warns; so do we, through PCM.Truncated.
// The samples are checked against our decoding of the whole file and, when
// sox is installed, against sox's decoding of the cut file.
func TestDecodeTruncated(t *testing.T) {
	whole := map[string]*PCM{}
	for _, f := range []string{"clip16k.wav", "clip16k.flac", "clip_stereo24.flac", "clip_4ch_s24.wav"} {
		whole[f] = decodeClip(t, f, DefaultDecodeOptions())
	}
	sox, soxErr := exec.LookPath("sox")
	if runtime.GOOS == "js" {
		soxErr = errors.New("js")
	}
	dir := t.TempDir()
	for _, c := range []struct {
		file     string
		cut      int   // bytes kept
		decoded  int64 // samples per channel
		announce int64
	}{
		{"clip16k.wav", 10044, 5000, 15552},
		{"clip16k.wav", 10045, 5000, 15552}, // half a sample more
		{"clip16k.wav", 46, 1, 15552},
		{"clip16k.wav", 31147, 15551, 15552},
		{"clip_4ch_s24.wav", 80 + 4*3*1000 + 5, 1000, 4000}, // data from byte 80 (after a fact chunk)
		{"clip16k.flac", 5000, 4096, 15552},
		{"clip16k.flac", 11000, 8192, 15552},
		{"clip16k.flac", 14000, 8192, 15552},
		{"clip_stereo24.flac", 20000, 8192, 15552},
	} {
		b := readClip(t, c.file)
		if c.file == "clip_4ch_s24.wav" && bytes.Index(b, []byte("data")) != 80-8 {
			t.Fatalf("%s: data chunk not where the test expects it", c.file)
		}
		name := fmt.Sprintf("%s[:%d]", c.file, c.cut)
		p, err := Decode(bytes.NewReader(b[:c.cut]))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		want := &TruncatedError{Format: c.file[strings.LastIndexByte(c.file, '.')+1:], Rate: 16000, Decoded: c.decoded, Announced: c.announce}
		if p.Truncated == nil || *p.Truncated != *want {
			t.Errorf("%s: Truncated %+v, want %+v", name, p.Truncated, want)
		}
		compare(t, name, p.Samples, whole[c.file].Samples[:c.decoded], 1, 0)
		if soxErr == nil {
			cut := filepath.Join(dir, "cut"+filepath.Ext(c.file))
			os.WriteFile(cut, b[:c.cut], 0o644)
			// sox exits 2 on the FLAC ones after writing the whole frames.
			out, _ := exec.Command(sox, "-V1", cut, "-t", "raw", "-e", "floating-point", "-b", "32", "-L", "-c", "1", "-").Output()
			ref := make([]float32, len(out)/4)
			for i := range ref {
				ref[i] = math.Float32frombits(binary.LittleEndian.Uint32(out[4*i:]))
			}
			compare(t, name+" against sox", p.Samples, ref, 1, 2e-7)
		}
	}
	// The message, on a 6 s file cut at 3.2 s.
	six := buildWAV(wavePCM, 1, 16000, 16, false, make([]byte, 2*16000*6))
	p, err := Decode(bytes.NewReader(six[:44+2*16000*32/10]))
	if err != nil || p.Truncated == nil {
		t.Fatalf("6 s cut at 3.2 s: %v, %+v", err, p)
	}
	if got, want := p.Truncated.Error(), "audio: wav: truncated: decoded 3.2 s of the 6.0 s the header announces"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if d := p.Duration(); d != 3200*time.Millisecond {
		t.Errorf("duration %v, want 3.2s", d)
	}
	// A complete file has no warning.
	for f, p := range whole {
		if p.Truncated != nil {
			t.Errorf("%s: Truncated %+v on the whole file", f, p.Truncated)
		}
	}
}

// Every prefix of a valid file gives an error or a shorter decode, never a panic.
func TestDecodePrefixes(t *testing.T) {
	for _, f := range []string{"clip16k.wav", "clip16k.flac", "clip_s24_ext.wav"} {
		b := readClip(t, f)
		for n := 0; n < len(b); n += 1 + n/8 {
			Decode(bytes.NewReader(b[:n]))
			DecodeConfig(bytes.NewReader(b[:n]))
		}
	}
}

func TestEncodeWAV(t *testing.T) {
	ref := decodeClip(t, "clip16k.wav", DefaultDecodeOptions())
	var buf bytes.Buffer
	if err := EncodeWAV(&buf, ref.Samples, ref.Rate); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes()[44:], readClip(t, "clip16k.wav")[44:]) {
		t.Error("re-encoded 16-bit samples differ")
	}
	p, err := Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "round trip", p.Samples, ref.Samples, 1, 0)
	// go-audio/wav reads what we write.
	d := wav.NewDecoder(bytes.NewReader(buf.Bytes()))
	ib, err := d.FullPCMBuffer()
	if err != nil || d.SampleRate != 16000 || d.NumChans != 1 || d.BitDepth != 16 || len(ib.Data) != len(ref.Samples) {
		t.Fatalf("go-audio/wav: %v, %d Hz, %d ch, %d bits, %d samples", err, d.SampleRate, d.NumChans, d.BitDepth, len(ib.Data))
	}
	// Clipping and rounding.
	buf.Reset()
	EncodeWAV(&buf, []float32{2, -2, float32(math.NaN()), 0.5 / 32768 * 1.01, -1}, 8000)
	p, _ = Decode(bytes.NewReader(buf.Bytes()))
	compare(t, "clip", p.Samples, []float32{32767.0 / 32768, -1, 0, 1.0 / 32768, -1}, 1, 0)
	if err := EncodeWAV(io.Discard, nil, 0); err == nil {
		t.Error("rate 0: no error")
	}
}

// RF64 (EBU Tech 3306): sizes in a ds64 chunk, 0xFFFFFFFF in the data chunk.
// And a FLAC file behind an ID3v2 tag.
func TestDecodeRF64AndID3(t *testing.T) {
	ref := decodeClip(t, "clip16k.wav", DefaultDecodeOptions())
	orig := readClip(t, "clip16k.wav")
	data := orig[44:]
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("RF64")
	binary.Write(&b, le, uint32(0xFFFFFFFF))
	b.WriteString("WAVEds64")
	binary.Write(&b, le, uint32(28))
	binary.Write(&b, le, uint64(len(orig)+28+8-8)) // RIFF size
	binary.Write(&b, le, uint64(len(data)))        // data size
	binary.Write(&b, le, uint64(len(data)/2))      // sample count
	binary.Write(&b, le, uint32(0))                // table length
	b.Write(orig[12:36])                           // fmt chunk
	b.WriteString("data")
	binary.Write(&b, le, uint32(0xFFFFFFFF))
	b.Write(data)
	b.Write([]byte("junk after the data chunk"))
	p, err := Decode(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "rf64", p.Samples, ref.Samples, 1, 0)

	tag := []byte("ID3\x04\x00\x00\x00\x00\x00\x0a0123456789")
	p, err = Decode(bytes.NewReader(append(tag, readClip(t, "clip16k.flac")...)))
	if err != nil {
		t.Fatal(err)
	}
	compare(t, "id3+flac", p.Samples, ref.Samples, 1, 0)
}

// Containers people often try get named, with a conversion command, instead
// of "unknown format".
func TestDecodeUnsupportedHint(t *testing.T) {
	for _, c := range []struct{ head, name string }{
		{"OggS\x00\x02\x00\x00\x00\x00\x00\x00", "Ogg"},
		{"\x00\x00\x00\x20ftypM4A \x00\x00", "MP4/M4A"},
		{"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81", "WebM"},
		{"FORM\x00\x00\x10\x00AIFFCOMM", "AIFF"},
		{"caff\x00\x01\x00\x00desc\x00\x00", "CAF"},
	} {
		_, err := Decode(strings.NewReader(c.head + strings.Repeat("\x00", 64)))
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.name) || !strings.Contains(err.Error(), "ffmpeg -i") {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
