package audio

import (
	"bufio"
	"io"
)

// A sampleSource yields a recording's samples a block at a time: next
// returns the next block (valid until the following call) or io.EOF after
// the last; truncated is PCM.Truncated, once next has returned io.EOF.
type sampleSource interface {
	next() ([]float32, error)
	truncated() *TruncatedError
}

// A Reader delivers a recording's samples in order, mono (or the chosen
// channel) as Decode returns them, decoding WAV, FLAC, MP3 and raw PCM as
// they are read, so that a long recording is never all in memory.
type Reader struct {
	Rate     int   // samples per second
	Channels int   // channel count of the source
	Frames   int64 // samples the header announces; -1: not said

	src     sampleSource
	pending []float32
	err     error
}

// NewReader reads the header of a WAV, FLAC or MP3 stream and returns a
// Reader of its samples. Its errors, and those of Read, are Decode's.
func NewReader(r io.Reader, o DecodeOptions) (*Reader, error) {
	if o.Raw != nil {
		f := *o.Raw
		if err := checkRaw(f, o.Channel); err != nil {
			return nil, err
		}
		return &Reader{Rate: f.Rate, Channels: f.Channels, Frames: -1, src: newRawReader(r, f, o.Channel)}, nil
	}
	br := bufio.NewReaderSize(r, 4096)
	kind, err := sniff(br)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "wav":
		w, err := newWAVReader(br, o.Channel)
		if err != nil {
			return nil, err
		}
		frames := int64(-1)
		if w.h.dataSize >= 0 {
			frames = w.h.dataSize / int64(w.h.blockAlign)
		}
		return &Reader{Rate: w.h.rate, Channels: w.h.channels, Frames: frames, src: w}, nil
	case "mp3":
		m, err := newMP3Source(br, o.Channel)
		if err != nil {
			return nil, err
		}
		return &Reader{Rate: m.rate, Channels: m.channels, Frames: -1, src: m}, nil
	default:
		f, err := newFLACSource(br, o.Channel)
		if err != nil {
			return nil, err
		}
		frames := f.announced
		if frames <= 0 {
			frames = -1
		}
		return &Reader{Rate: f.rate, Channels: f.channels, Frames: frames, src: f}, nil
	}
}

// Read fills dst with the next samples and returns how many; at the end it
// returns 0 and io.EOF.
func (r *Reader) Read(dst []float32) (int, error) {
	if len(dst) == 0 {
		return 0, nil
	}
	for len(r.pending) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.pending, r.err = r.src.next()
	}
	n := copy(dst, r.pending)
	r.pending = r.pending[n:]
	return n, nil
}

// ReadAll reads the rest of the recording into a PCM, as Decode returns it
// (Truncated included).
func (r *Reader) ReadAll() (*PCM, error) {
	if r.err != nil && r.err != io.EOF {
		return nil, r.err
	}
	hint := len(r.pending)
	if r.Frames > 0 {
		hint = int(min(r.Frames, 1<<26)) // a hint: a lying header allocates little
	}
	out := append(make([]float32, 0, hint), r.pending...)
	r.pending = nil
	for r.err == nil {
		var b []float32
		b, r.err = r.src.next()
		out = append(out, b...)
	}
	if r.err != io.EOF {
		return nil, r.err
	}
	return &PCM{Samples: out, Rate: r.Rate, Channels: r.Channels, Truncated: r.Truncated()}, nil
}

// Truncated is PCM.Truncated: after Read has returned io.EOF, non-nil when
// the stream ended before the length its header announces.
func (r *Reader) Truncated() *TruncatedError { return r.src.truncated() }
