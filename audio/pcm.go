package audio

import (
	"bufio"

	"fmt"
	"io"
	"math"
	"time"
)

// PCM is decoded audio: mono samples (the source's channels mixed, or one of
// them picked) at Rate samples per second.
type PCM struct {
	Samples  []float32 // mono, nominally in [-1, 1]
	Rate     int       // samples per second
	Channels int       // channel count of the source

	// Truncated is set when the stream ended before the length its header
	// announces (a recorder that crashed, a file still being written, a cut
	// download). Samples then hold every whole frame that was there, as sox
	// and ffmpeg decode such files; callers that show messages should show
	// this one as a warning. It is nil for a complete stream, and for a
	// stream whose header does not say its length.
	Truncated *TruncatedError
}

// Duration is the length of p.
func (p *PCM) Duration() time.Duration {
	if p.Rate <= 0 {
		return 0
	}
	return time.Duration(float64(len(p.Samples)) / float64(p.Rate) * float64(time.Second))
}

// A FormatError reports malformed or unsupported input.
type FormatError struct {
	Format string // "wav", "flac", "mp3", "raw" or "" when the format is unknown
	Msg    string
}

func (e *FormatError) Error() string {
	if e.Format == "" {
		return "audio: " + e.Msg
	}
	return "audio: " + e.Format + ": " + e.Msg
}

// A TruncatedError says how much of a stream was decoded when it ended
// before the length its header announces. Decoding does not fail on it: it is
// returned in PCM.Truncated, beside the samples that were there.
type TruncatedError struct {
	Format    string // "wav" or "flac"
	Rate      int    // samples per second
	Decoded   int64  // samples per channel decoded
	Announced int64  // samples per channel the header announces; -1 when it does not say (a FLAC stream cut inside a frame)
}

func (e *TruncatedError) Error() string {
	got := float64(e.Decoded) / float64(max(e.Rate, 1))
	if e.Announced < 0 {
		return fmt.Sprintf("audio: %s: truncated: decoded %s; the stream ends inside a frame", e.Format, secs(got, got))
	}
	want := float64(e.Announced) / float64(max(e.Rate, 1))
	return fmt.Sprintf("audio: %s: truncated: decoded %s of the %s the header announces", e.Format, secs(got, want), secs(want, want))
}

// secs formats v seconds with one decimal, or two when scale is under a second.
func secs(v, scale float64) string {
	if scale < 1 {
		return fmt.Sprintf("%.2f s", v)
	}
	return fmt.Sprintf("%.1f s", v)
}

// Sample rates outside [MinRate, MaxRate] are refused with a *RateError: a
// header that claims 1 Hz turns a few kilobytes into hours of audio.
const (
	MinRate = 1000   // Hz
	MaxRate = 768000 // Hz; the highest rate audio interfaces offer
)

// A RateError reports a sample rate outside [MinRate, MaxRate], most often
// from a damaged or mislabelled header (or a wrong --raw-rate).
type RateError struct {
	Format string // "wav", "flac", "mp3" or "raw"
	Rate   int    // the rate claimed, in Hz
}

func (e *RateError) Error() string {
	hint := " (a damaged or mislabelled header?)"
	if e.Format == "raw" {
		hint = "" // the rate was given, not read from a header
	}
	return fmt.Sprintf("audio: %s: sample rate %d Hz is outside the range this package decodes, %d to %d Hz%s",
		e.Format, e.Rate, MinRate, MaxRate, hint)
}

// checkRate returns a *RateError when rate is outside [MinRate, MaxRate].
func checkRate(format string, rate int64) error {
	if rate < MinRate || rate > MaxRate {
		return &RateError{Format: format, Rate: int(max(min(rate, 1<<31-1), -1<<31))}
	}
	return nil
}

func formatErr(format, f string, args ...any) error {
	return &FormatError{Format: format, Msg: fmt.Sprintf(f, args...)}
}

// Encoding is the sample encoding of raw or WAV audio data.
type Encoding int

// Sample encodings. Multi-byte encodings are little-endian unless named BE.
const (
	EncodingUnknown Encoding = iota
	U8                       // unsigned 8-bit, 128 is zero
	S8                       // signed 8-bit
	S16                      // signed 16-bit
	S16BE                    // signed 16-bit big-endian
	S24                      // signed 24-bit
	S32                      // signed 32-bit
	F32                      // IEEE float 32-bit
	F64                      // IEEE float 64-bit
	ALaw                     // G.711 A-law, 8-bit
	MuLaw                    // G.711 µ-law, 8-bit
	S24BE                    // signed 24-bit big-endian
	S32BE                    // signed 32-bit big-endian
	F32BE                    // IEEE float 32-bit big-endian
	F64BE                    // IEEE float 64-bit big-endian
)

var encodingNames = [...]string{
	EncodingUnknown: "unknown", U8: "u8", S8: "s8", S16: "s16le", S16BE: "s16be",
	S24: "s24le", S32: "s32le", F32: "f32le", F64: "f64le", ALaw: "alaw", MuLaw: "mulaw",
	S24BE: "s24be", S32BE: "s32be", F32BE: "f32be", F64BE: "f64be",
}

func (e Encoding) String() string {
	if e >= 0 && int(e) < len(encodingNames) {
		return encodingNames[e]
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// ParseEncoding returns the Encoding named s ("s16le", "f32le", "alaw", ...;
// "s16" is accepted for "s16le" and "ulaw" for "mulaw").
func ParseEncoding(s string) (Encoding, error) {
	switch s {
	case "s16", "pcm16":
		return S16, nil
	case "s24":
		return S24, nil
	case "s32":
		return S32, nil
	case "f32", "float":
		return F32, nil
	case "f64", "double":
		return F64, nil
	case "ulaw", "u-law", "µlaw":
		return MuLaw, nil
	case "a-law":
		return ALaw, nil
	}
	for i, n := range encodingNames {
		if n == s && i != 0 {
			return Encoding(i), nil
		}
	}
	return EncodingUnknown, fmt.Errorf("audio: unknown sample encoding %q", s)
}

// BytesPerSample is the size of one sample of one channel.
func (e Encoding) BytesPerSample() int {
	switch e {
	case U8, S8, ALaw, MuLaw:
		return 1
	case S16, S16BE:
		return 2
	case S24, S24BE:
		return 3
	case S32, S32BE, F32, F32BE:
		return 4
	case F64, F64BE:
		return 8
	}
	return 0
}

// RawFormat describes headerless PCM data.
type RawFormat struct {
	Rate     int
	Encoding Encoding
	Channels int
}

// DecodeOptions control Decode.
type DecodeOptions struct {
	// Channel picks one source channel (0-based); -1 mixes all channels
	// to mono by averaging. Note that the zero value picks channel 0; start
	// from DefaultDecodeOptions to mix.
	Channel int
	// Raw, when set, says the input is headerless PCM in this format. Without
	// it the format is sniffed: WAV ("RIFF"/"RIFX"/"RF64"…"WAVE"), FLAC
	// ("fLaC") or MP3 (an MPEG audio frame header), the last two possibly
	// after an ID3v2 tag.
	Raw *RawFormat
}

// DefaultDecodeOptions mixes all channels and sniffs the format.
func DefaultDecodeOptions() DecodeOptions { return DecodeOptions{Channel: -1} }

// Config is what a file's header says about its audio.
type Config struct {
	Format   string   // "wav", "flac", "mp3" or "raw"
	Encoding Encoding // sample encoding (FLAC: the signed integer encoding of its bit depth)
	Rate     int
	Channels int
	BitDepth int           // bits per sample as stored (valid bits for WAVE_FORMAT_EXTENSIBLE)
	Frames   int64         // samples per channel; -1 when the header does not say
	Duration time.Duration // Frames / Rate; 0 when Frames is unknown
}

func (c *Config) setDuration() {
	if c.Frames > 0 && c.Rate > 0 {
		c.Duration = time.Duration(float64(c.Frames) / float64(c.Rate) * float64(time.Second))
	}
}

// Decode reads a whole WAV, FLAC or MP3 stream and mixes its channels to mono.
func Decode(r io.Reader) (*PCM, error) {
	return DecodeWithOptions(r, DefaultDecodeOptions())
}

// DecodeWithOptions is Decode with a channel choice and raw-PCM support:
// a Reader read to the end.
func DecodeWithOptions(r io.Reader, o DecodeOptions) (*PCM, error) {
	rd, err := NewReader(r, o)
	if err != nil {
		return nil, err
	}
	return rd.ReadAll()
}

// DecodeConfig reads only the header of a WAV, FLAC or MP3 stream. For MP3
// it reads the first frame header; Frames is -1 (MP3 has no sample count).
func DecodeConfig(r io.Reader) (Config, error) {
	br := bufio.NewReaderSize(r, 4096)
	kind, err := sniff(br)
	if err != nil {
		return Config{}, err
	}
	switch kind {
	case "wav":
		h, err := readWAVHeader(br)
		if err != nil {
			return Config{}, err
		}
		return h.config(), nil
	case "mp3":
		return mp3Config(br)
	}
	return flacConfig(br)
}

func sniff(br *bufio.Reader) (string, error) {
	head, err := br.Peek(12)
	if len(head) == 0 {
		if err == nil || err == io.EOF {
			return "", formatErr("", "empty input")
		}
		return "", err
	}
	if len(head) >= 4 {
		switch string(head[:4]) {
		case "RIFF", "RIFX", "RF64":
			if len(head) < 12 {
				return "", io.ErrUnexpectedEOF
			}
			if string(head[8:12]) != "WAVE" {
				return "", formatErr("wav", "RIFF form type %q is not WAVE", head[8:12])
			}
			return "wav", nil
		case "fLaC":
			return "flac", nil
		}
	}
	if len(head) >= 3 && string(head[:3]) == "ID3" {
		// An ID3v2 tag (of any size) may precede FLAC or MP3: skip it and
		// look at what follows.
		if err := skipID3(br); err != nil {
			return "", err
		}
		head, err = br.Peek(4)
		if len(head) >= 4 && string(head[:4]) == "fLaC" {
			return "flac", nil
		}
		if isMP3(head) {
			return "mp3", nil
		}
		if len(head) == 0 {
			return "", formatErr("", "an ID3 tag and no audio after it")
		}
		return "", formatErr("", "unknown format after an ID3 tag (not FLAC or MP3); it starts % x", head[:min(len(head), 4)])
	}
	if isMP3(head) {
		return "mp3", nil
	}
	if err != nil && err != io.EOF {
		return "", err
	}
	if name := knownUnsupported(head); name != "" {
		return "", formatErr("", "%s is not supported (WAV, FLAC and MP3 are); convert it first, e.g. ffmpeg -i IN -ar 16000 -ac 1 OUT.wav, or sox IN -r 16000 -c 1 OUT.wav", name)
	}
	return "", formatErr("", "unknown format (not WAV, FLAC or MP3; convert others with sox or ffmpeg); header starts % x", head[:min(len(head), 4)])
}

// knownUnsupported names the container that head starts, for the formats
// people most often try (Ogg, MP4/M4A, WebM, AIFF, CAF), or returns "".
func knownUnsupported(head []byte) string {
	switch {
	case len(head) >= 4 && string(head[:4]) == "OggS":
		return "Ogg (Vorbis, Opus)"
	case len(head) >= 8 && string(head[4:8]) == "ftyp":
		return "MP4/M4A (AAC)"
	case len(head) >= 4 && string(head[:4]) == "\x1a\x45\xdf\xa3":
		return "WebM/Matroska"
	case len(head) >= 12 && string(head[:4]) == "FORM" && (string(head[8:12]) == "AIFF" || string(head[8:12]) == "AIFC"):
		return "AIFF"
	case len(head) >= 4 && string(head[:4]) == "caff":
		return "CAF"
	}
	return ""
}

// sanitize replaces NaN by 0 and ±Inf by ±1.
func sanitize(v float64) float32 {
	if v != v {
		return 0
	}
	if math.IsInf(v, 0) {
		if v > 0 {
			return 1
		}
		return -1
	}
	return float32(v)
}

// decodeSamples converts interleaved frames in data to mono float32,
// mixing channels when channel < 0. len(data) must be a multiple of
// enc.BytesPerSample()*channels.
func decodeSamples(data []byte, enc Encoding, channels, channel int) []float32 {
	bps := enc.BytesPerSample()
	frame := bps * channels
	n := len(data) / frame
	out := make([]float32, n)
	conv := sampleConverter(enc)
	if channel >= 0 {
		off := channel * bps
		for i := range out {
			out[i] = conv(data[i*frame+off:])
		}
		return out
	}
	if channels == 1 {
		for i := range out {
			out[i] = conv(data[i*bps:])
		}
		return out
	}
	inv := 1 / float64(channels)
	for i := range out {
		var s float64
		f := data[i*frame : (i+1)*frame]
		for c := 0; c < channels; c++ {
			s += float64(conv(f[c*bps:]))
		}
		out[i] = float32(s * inv)
	}
	return out
}

// sampleConverter returns a function decoding one sample at the start of b.
func sampleConverter(enc Encoding) func(b []byte) float32 {
	switch enc {
	case U8:
		return func(b []byte) float32 { return float32(int(b[0])-128) / 128 }
	case S8:
		return func(b []byte) float32 { return float32(int8(b[0])) / 128 }
	case S16:
		return func(b []byte) float32 { return float32(int16(uint16(b[0])|uint16(b[1])<<8)) / 32768 }
	case S16BE:
		return func(b []byte) float32 { return float32(int16(uint16(b[1])|uint16(b[0])<<8)) / 32768 }
	case S24:
		return func(b []byte) float32 {
			v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
			return float32(float64(v) / (1 << 23))
		}
	case S24BE:
		return func(b []byte) float32 {
			v := int32(uint32(b[2])<<8|uint32(b[1])<<16|uint32(b[0])<<24) >> 8
			return float32(float64(v) / (1 << 23))
		}
	case S32:
		return func(b []byte) float32 {
			v := int32(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
			return float32(float64(v) / (1 << 31))
		}
	case S32BE:
		return func(b []byte) float32 {
			v := int32(uint32(b[3]) | uint32(b[2])<<8 | uint32(b[1])<<16 | uint32(b[0])<<24)
			return float32(float64(v) / (1 << 31))
		}
	case F32:
		return func(b []byte) float32 {
			return sanitize(float64(math.Float32frombits(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)))
		}
	case F32BE:
		return func(b []byte) float32 {
			return sanitize(float64(math.Float32frombits(uint32(b[3]) | uint32(b[2])<<8 | uint32(b[1])<<16 | uint32(b[0])<<24)))
		}
	case F64:
		return func(b []byte) float32 {
			var u uint64
			for i := 7; i >= 0; i-- {
				u = u<<8 | uint64(b[i])
			}
			return sanitize(math.Float64frombits(u))
		}
	case F64BE:
		return func(b []byte) float32 {
			var u uint64
			for i := 0; i < 8; i++ {
				u = u<<8 | uint64(b[i])
			}
			return sanitize(math.Float64frombits(u))
		}
	case ALaw:
		return func(b []byte) float32 { return float32(alawToLinear(b[0])) / 32768 }
	case MuLaw:
		return func(b []byte) float32 { return float32(ulawToLinear(b[0])) / 32768 }
	}
	panic("audio: no converter for " + enc.String())
}

// alawToLinear decodes one G.711 A-law byte to a 16-bit linear sample.
func alawToLinear(a byte) int16 {
	a ^= 0x55
	t := int16(a&0x0f) << 4
	seg := (a & 0x70) >> 4
	switch seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t += 0x108
		t <<= seg - 1
	}
	if a&0x80 != 0 {
		return t
	}
	return -t
}

// ulawToLinear decodes one G.711 µ-law byte to a 16-bit linear sample.
func ulawToLinear(u byte) int16 {
	u = ^u
	t := (int16(u&0x0f) << 3) + 0x84
	t <<= (u & 0x70) >> 4
	if u&0x80 != 0 {
		return 0x84 - t
	}
	return t - 0x84
}

func checkChannel(format string, channel, channels int) error {
	if channel >= channels || channel < -1 {
		return formatErr(format, "channel %d requested from a %d-channel stream", channel, channels)
	}
	return nil
}

// checkRaw refuses a raw format or channel choice Decode cannot read.
func checkRaw(f RawFormat, channel int) error {
	if f.Channels <= 0 || f.Encoding.BytesPerSample() == 0 {
		return formatErr("raw", "bad raw format: rate %d, %d channels, encoding %v", f.Rate, f.Channels, f.Encoding)
	}
	if err := checkRate("raw", int64(f.Rate)); err != nil {
		return err
	}
	if f.Channels > maxChannels {
		return formatErr("raw", "%d channels (at most %d)", f.Channels, maxChannels)
	}
	if err := checkChannel("raw", channel, f.Channels); err != nil {
		return err
	}
	return nil
}

// newRawReader reads headerless samples of the checked format f as a WAV
// data chunk of unknown length.
func newRawReader(r io.Reader, f RawFormat, channel int) *wavReader {
	h := &wavHeader{enc: f.Encoding, channels: f.Channels, rate: f.Rate, blockAlign: f.Encoding.BytesPerSample() * f.Channels, dataSize: -1}
	return &wavReader{r: r, h: h, channel: channel, block: make([]byte, 16384*h.blockAlign)}
}

// maxChannels bounds the channel count accepted from any header.
const maxChannels = 1024
