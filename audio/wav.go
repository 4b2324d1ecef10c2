package audio

import (
	"encoding/binary"
	"io"
)

// WAVE format tags.
const (
	wavePCM        = 0x0001
	waveFloat      = 0x0003
	waveALaw       = 0x0006
	waveMuLaw      = 0x0007
	waveExtensible = 0xFFFE
)

// ksSubtypeTail is bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID whose
// first two bytes are a WAVE format tag (00000001-0000-0010-8000-00aa00389b71).
var ksSubtypeTail = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// unknownDataSize reports whether a data chunk size is one that streaming
// writers put in a WAV of unknown length: 0 and 0xFFFFFFFF (ffmpeg and
// others), 0x7FFFF000 (sox and espeak-ng writing to a pipe), 0x7FFFFFFF and
// 0xFFFFFFF0 (other streaming writers and recorders). They mean "until the
// end of the stream". Any other size larger than the bytes present is
// truncation: the samples that are there are decoded, and PCM.Truncated says
// how much was missing.
func unknownDataSize(size int64) bool {
	switch size {
	case 0, 0xFFFFFFFF, 0x7FFFF000, 0x7FFFFFFF, 0xFFFFFFF0:
		return true
	}
	return false
}

// maxFmtChunk bounds the fmt chunk we read into memory; real ones are 16-40 bytes.
const maxFmtChunk = 1 << 16

// wavHeader is what the chunks before "data" say.
type wavHeader struct {
	order      binary.ByteOrder
	tag        uint16 // format tag, the sub-format's for WAVE_FORMAT_EXTENSIBLE
	channels   int
	rate       int
	blockAlign int
	bits       int // container bits per sample
	validBits  int
	enc        Encoding
	dataSize   int64 // -1: until the end of the stream
}

func (h *wavHeader) config() Config {
	c := Config{Format: "wav", Encoding: h.enc, Rate: h.rate, Channels: h.channels, BitDepth: h.validBits, Frames: -1}
	if h.dataSize >= 0 && h.blockAlign > 0 {
		c.Frames = h.dataSize / int64(h.blockAlign)
	}
	c.setDuration()
	return c
}

// readWAVHeader reads the RIFF header and every chunk up to and including the
// "data" chunk header, leaving r at the first sample byte.
func readWAVHeader(r io.Reader) (*wavHeader, error) {
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, eofToUnexpected(err)
	}
	h := &wavHeader{order: binary.LittleEndian}
	rf64 := false
	switch string(hdr[:4]) {
	case "RIFF":
	case "RIFX":
		h.order = binary.BigEndian
	case "RF64":
		rf64 = true
	default:
		return nil, formatErr("wav", "not a RIFF file")
	}
	if string(hdr[8:12]) != "WAVE" {
		return nil, formatErr("wav", "RIFF form type %q is not WAVE", hdr[8:12])
	}
	var ds64Data int64 = -1
	haveFmt := false
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			if err == io.EOF {
				if !haveFmt {
					return nil, formatErr("wav", "no fmt chunk")
				}
				return nil, formatErr("wav", "no data chunk")
			}
			return nil, eofToUnexpected(err)
		}
		id := string(ch[:4])
		size := int64(h.order.Uint32(ch[4:]))
		switch id {
		case "fmt ":
			if size < 16 || size > maxFmtChunk {
				return nil, formatErr("wav", "fmt chunk of %d bytes", size)
			}
			buf := make([]byte, size+size&1)
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil, eofToUnexpected(err)
			}
			if err := h.parseFmt(buf[:size]); err != nil {
				return nil, err
			}
			haveFmt = true
		case "ds64":
			if size < 16 || size > maxFmtChunk {
				return nil, formatErr("wav", "ds64 chunk of %d bytes", size)
			}
			buf := make([]byte, size+size&1)
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil, eofToUnexpected(err)
			}
			ds64Data = int64(binary.LittleEndian.Uint64(buf[8:16]))
		case "data":
			if !haveFmt {
				return nil, formatErr("wav", "data chunk before fmt chunk")
			}
			h.dataSize = size
			switch {
			case rf64 && size == 0xFFFFFFFF && ds64Data >= 0:
				h.dataSize = ds64Data
			case unknownDataSize(size):
				// Written to a pipe: the size was never filled in.
				h.dataSize = -1
			}
			return h, nil
		default:
			if _, err := io.CopyN(io.Discard, r, size+size&1); err != nil {
				return nil, eofToUnexpected(err)
			}
		}
	}
}

func (h *wavHeader) parseFmt(b []byte) error {
	o := h.order
	tag := o.Uint16(b[0:])
	h.channels = int(o.Uint16(b[2:]))
	h.rate = int(o.Uint32(b[4:]))
	h.blockAlign = int(o.Uint16(b[12:]))
	h.bits = int(o.Uint16(b[14:]))
	h.validBits = h.bits
	if tag == waveExtensible {
		if len(b) < 40 {
			return formatErr("wav", "WAVE_FORMAT_EXTENSIBLE fmt chunk of %d bytes (want 40)", len(b))
		}
		if vb := int(o.Uint16(b[18:])); vb > 0 {
			h.validBits = vb
		}
		var tail [14]byte
		copy(tail[:], b[26:40])
		if tail != ksSubtypeTail {
			return formatErr("wav", "unknown WAVE_FORMAT_EXTENSIBLE sub-format GUID % x", b[24:40])
		}
		tag = o.Uint16(b[24:])
	}
	h.tag = tag
	if h.channels == 0 {
		return formatErr("wav", "zero channels")
	}
	if h.channels > maxChannels {
		return formatErr("wav", "%d channels (at most %d)", h.channels, maxChannels)
	}
	if err := checkRate("wav", int64(h.rate)); err != nil {
		return err
	}
	if h.bits == 0 {
		return formatErr("wav", "zero bits per sample")
	}
	if h.validBits > h.bits {
		return formatErr("wav", "%d valid bits in a %d-bit container", h.validBits, h.bits)
	}
	container := (h.bits + 7) / 8
	be := o == binary.BigEndian
	switch tag {
	case wavePCM:
		switch container {
		case 1:
			h.enc = U8
		case 2:
			h.enc = pick(be, S16, S16BE)
		case 3:
			h.enc = pick(be, S24, S24BE)
		case 4:
			h.enc = pick(be, S32, S32BE)
		default:
			return formatErr("wav", "%d-bit integer PCM is not supported", h.bits)
		}
	case waveFloat:
		switch h.bits {
		case 32:
			h.enc = pick(be, F32, F32BE)
		case 64:
			h.enc = pick(be, F64, F64BE)
		default:
			return formatErr("wav", "%d-bit IEEE float is not supported", h.bits)
		}
	case waveALaw, waveMuLaw:
		if h.bits != 8 {
			return formatErr("wav", "%d-bit G.711 (want 8)", h.bits)
		}
		h.enc = pick(tag == waveALaw, MuLaw, ALaw)
	default:
		return formatErr("wav", "unsupported codec: format tag 0x%04x", tag)
	}
	want := container * h.channels
	if h.blockAlign != want {
		// Some writers get block align wrong; the sample layout is what counts.
		h.blockAlign = want
	}
	return nil
}

func pick(second bool, a, b Encoding) Encoding {
	if second {
		return b
	}
	return a
}

func eofToUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// wavReader converts a WAV's data chunk a block at a time (a
// sampleSource), so that memory is one block, not the file's bytes.
type wavReader struct {
	r       io.Reader
	h       *wavHeader
	channel int
	block   []byte
	read    int64 // bytes of the data chunk read
	frames  int64 // frames delivered
	end     bool
}

func newWAVReader(r io.Reader, channel int) (*wavReader, error) {
	h, err := readWAVHeader(r)
	if err != nil {
		return nil, err
	}
	if err := checkChannel("wav", channel, h.channels); err != nil {
		return nil, err
	}
	if h.dataSize >= 0 {
		r = io.LimitReader(r, h.dataSize)
	}
	return &wavReader{r: r, h: h, channel: channel, block: make([]byte, 16384*h.blockAlign)}, nil
}

// next converts the next block; io.EOF after the last, and
// io.ErrUnexpectedEOF for a data chunk that ends before its first frame.
func (w *wavReader) next() ([]float32, error) {
	for !w.end {
		n, err := io.ReadFull(w.r, w.block)
		w.read += int64(n)
		whole := n / w.h.blockAlign * w.h.blockAlign
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			w.end = true
		default:
			return nil, err
		}
		if whole > 0 {
			out := decodeSamples(w.block[:whole], w.h.enc, w.h.channels, w.channel)
			w.frames += int64(len(out))
			return out, nil
		}
	}
	if w.frames == 0 && w.h.dataSize >= 0 && w.read < w.h.dataSize {
		// Nothing but the header: there is no audio to keep.
		return nil, io.ErrUnexpectedEOF
	}
	return nil, io.EOF
}

// truncated is the TruncatedError of a data chunk that ended early.
func (w *wavReader) truncated() *TruncatedError {
	if w.h.dataSize < 0 || w.read >= w.h.dataSize {
		return nil
	}
	return &TruncatedError{Format: "wav", Rate: w.h.rate, Decoded: w.frames, Announced: w.h.dataSize / int64(w.h.blockAlign)}
}
