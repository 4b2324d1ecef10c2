package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"

	"github.com/hajimehoshi/go-mp3"
)

// maxMP3Samples bounds the samples per channel we accept from one MP3 stream
// (about 6 hours at 48 kHz), like maxFLACSamples.
const maxMP3Samples = 1 << 30

// mp3Header is what the first MPEG audio frame header says.
type mp3Header struct {
	rate     int
	channels int
	layer    int // 1, 2 or 3
	mpeg25   bool
}

// parseMP3Header reads a 4-byte MPEG audio frame header (ISO/IEC 11172-3
// 2.4.2.3, with the MPEG-2 and MPEG-2.5 sample rates). ok is false when h is
// not a valid header.
func parseMP3Header(h []byte) (m mp3Header, ok bool) {
	if len(h) < 4 || h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
		return m, false
	}
	version := (h[1] >> 3) & 3 // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5, 1: reserved
	layer := (h[1] >> 1) & 3   // 3: layer I, 2: layer II, 1: layer III, 0: reserved
	rateIndex := (h[2] >> 2) & 3
	bitrateIndex := h[2] >> 4
	if version == 1 || layer == 0 || rateIndex == 3 || bitrateIndex == 15 {
		return m, false
	}
	rate := [3]int{44100, 48000, 32000}[rateIndex]
	switch version {
	case 2:
		rate /= 2
	case 0:
		rate /= 4
	}
	m.rate = rate
	m.mpeg25 = version == 0
	m.layer = 4 - int(layer)
	m.channels = 2
	if h[3]>>6 == 3 {
		m.channels = 1
	}
	return m, true
}

// isMP3 reports whether head starts with an MPEG audio frame header.
func isMP3(head []byte) bool {
	_, ok := parseMP3Header(head)
	return ok
}

// skipID3 discards an ID3v2 tag at the start of br, of any size, if there is
// one. A tag that claims more bytes than the stream holds is truncation.
func skipID3(br *bufio.Reader) error {
	head, _ := br.Peek(10)
	if len(head) < 3 || string(head[:3]) != "ID3" {
		return nil
	}
	if len(head) < 10 {
		return io.ErrUnexpectedEOF
	}
	size := int64(head[6]&0x7f)<<21 | int64(head[7]&0x7f)<<14 | int64(head[8]&0x7f)<<7 | int64(head[9]&0x7f)
	if head[5]&0x10 != 0 {
		size += 10 // footer
	}
	n, err := br.Discard(10 + int(size))
	if n < 10+int(size) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}

// mp3Source decodes an MPEG-1 or MPEG-2 layer III stream a few frames at a
// time (a sampleSource) with github.com/hajimehoshi/go-mp3 (which always
// yields 16-bit stereo; a mono stream comes out as two equal channels). A
// stream cut inside a frame is decoded up to its last whole frame, as sox
// and ffmpeg do; PCM.Truncated stays nil, since MP3 frames do not announce
// the stream's length. The MPEG sample rates (8 to 48 kHz) all lie within
// [MinRate, MaxRate]. Panics inside the decoder on hostile input become a
// *FormatError.
type mp3Source struct {
	d              *mp3.Decoder
	channel        int
	rate, channels int
	buf            []byte
	out            []float32
	done           int64
	end            bool
}

func newMP3Source(br *bufio.Reader, channel int) (src *mp3Source, err error) {
	defer func() {
		if e := recover(); e != nil {
			src, err = nil, formatErr("mp3", "malformed stream (%v)", e)
		}
	}()
	head, _ := br.Peek(4)
	h, ok := parseMP3Header(head)
	if !ok {
		return nil, formatErr("mp3", "no MPEG audio frame header")
	}
	if h.layer != 3 {
		return nil, formatErr("mp3", "MPEG layer %d is not supported (layer III only)", h.layer)
	}
	if h.mpeg25 {
		return nil, formatErr("mp3", "MPEG-2.5 (%d Hz) is not supported (MPEG-1 and MPEG-2 only)", h.rate)
	}
	if err := checkChannel("mp3", channel, h.channels); err != nil {
		return nil, err
	}
	d, err := mp3.NewDecoder(br)
	if err != nil {
		return nil, mp3Err(err)
	}
	if r := d.SampleRate(); r != h.rate {
		return nil, formatErr("mp3", "sample rate changes from %d to %d Hz", h.rate, r)
	}
	return &mp3Source{d: d, channel: channel, rate: h.rate, channels: h.channels, buf: make([]byte, 4*1152*8)}, nil
}

// next decodes the next frames; io.EOF after the last (a frame cut short
// ends the stream), a *FormatError for a stream without a whole frame or a
// malformed one.
func (m *mp3Source) next() (out []float32, err error) {
	defer func() {
		if e := recover(); e != nil {
			out, err = nil, formatErr("mp3", "malformed stream (%v)", e)
		}
	}()
	if m.end {
		if m.done == 0 {
			return nil, formatErr("mp3", "no audio frames")
		}
		return nil, io.EOF
	}
	n, err := io.ReadFull(m.d, m.buf)
	n -= n % 4
	if m.done+int64(n/4) > maxMP3Samples {
		return nil, formatErr("mp3", "stream longer than %d samples", maxMP3Samples)
	}
	m.out = m.out[:0]
	for i := 0; i < n; i += 4 {
		l := int16(binary.LittleEndian.Uint16(m.buf[i:]))
		r := int16(binary.LittleEndian.Uint16(m.buf[i+2:]))
		var v float32
		switch {
		case m.channel == 1:
			v = float32(r) / 32768
		case m.channel == 0 || m.channels == 1:
			v = float32(l) / 32768
		default:
			v = float32(int32(l)+int32(r)) / 65536
		}
		m.out = append(m.out, v)
	}
	m.done += int64(len(m.out))
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		m.end = true
	default:
		return nil, mp3Err(err)
	}
	if len(m.out) == 0 {
		return m.next()
	}
	return m.out, nil
}

// truncated is nil: MP3 frames do not announce the stream's length.
func (m *mp3Source) truncated() *TruncatedError { return nil }

func mp3Err(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return formatErr("mp3", "no complete audio frame")
	}
	return &FormatError{Format: "mp3", Msg: err.Error()}
}

func mp3Config(br *bufio.Reader) (Config, error) {
	head, _ := br.Peek(4)
	h, ok := parseMP3Header(head)
	if !ok {
		return Config{}, formatErr("mp3", "no MPEG audio frame header")
	}
	return Config{Format: "mp3", Encoding: EncodingUnknown, Rate: h.rate, Channels: h.channels, Frames: -1}, nil
}
