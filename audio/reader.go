package audio

import (
	"bufio"
	"io"
)

// A Reader delivers a recording's samples in order, mono (or the chosen
// channel) as Decode returns them, without holding them all: a WAV's data
// is converted as it is read. FLAC, MP3 and raw PCM are decoded whole when
// the Reader is made and served from memory.
type Reader struct {
	Rate     int   // samples per second
	Channels int   // channel count of the source
	Frames   int64 // samples the header announces; -1: not said

	wav *wavReader
	pcm *PCM // FLAC, MP3, raw: decoded whole
	pos int
}

// NewReader reads the header of a WAV stream (or decodes a FLAC, MP3 or raw
// one whole) and returns a Reader of its samples. Its errors are Decode's.
func NewReader(r io.Reader, o DecodeOptions) (*Reader, error) {
	if o.Raw == nil {
		br := bufio.NewReaderSize(r, 4096)
		kind, err := sniff(br)
		if err != nil {
			return nil, err
		}
		if kind == "wav" {
			w, err := newWAVReader(br, o.Channel)
			if err != nil {
				return nil, err
			}
			frames := int64(-1)
			if w.h.dataSize >= 0 {
				frames = w.h.dataSize / int64(w.h.blockAlign)
			}
			return &Reader{Rate: w.rate(), Channels: w.channels(), Frames: frames, wav: w}, nil
		}
		r = br
	}
	p, err := DecodeWithOptions(r, o)
	if err != nil {
		return nil, err
	}
	return &Reader{Rate: p.Rate, Channels: p.Channels, Frames: int64(len(p.Samples)), pcm: p}, nil
}

// Read fills dst with the next samples and returns how many; at the end it
// returns 0 and io.EOF. Other errors are the stream's.
func (r *Reader) Read(dst []float32) (int, error) {
	if r.wav != nil {
		if len(dst) == 0 {
			return 0, nil
		}
		return r.wav.readSamples(dst)
	}
	if r.pos >= len(r.pcm.Samples) {
		return 0, io.EOF
	}
	n := copy(dst, r.pcm.Samples[r.pos:])
	r.pos += n
	return n, nil
}

// Truncated is PCM.Truncated: after Read has returned io.EOF, non-nil when
// the stream ended before the length its header announces.
func (r *Reader) Truncated() *TruncatedError {
	if r.wav != nil {
		return r.wav.truncated()
	}
	return r.pcm.Truncated
}
