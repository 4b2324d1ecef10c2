//go:build !noflac

package audio

import (
	"bytes"
	"errors"

	"io"

	"github.com/mewkiz/flac"
)

// maxFLACSamples bounds the samples per channel we accept from one stream
// (about 6 hours at 48 kHz); it guards the output slice, which grows with the
// frames actually decoded.
const maxFLACSamples = 1 << 30

// flacSource decodes a FLAC stream a frame at a time (a sampleSource).
// github.com/mewkiz/flac reads only what the stream holds; panics inside it
// on hostile input are turned into a *FormatError. A stream that ends early
// (inside a frame, or before the sample count of its STREAMINFO) keeps the
// frames before the cut and says so in PCM.Truncated; one that ends before
// its first frame is io.ErrUnexpectedEOF.
type flacSource struct {
	stream         *flac.Stream
	channel        int
	rate, channels int
	bps            int
	announced      int64 // samples per channel in STREAMINFO; 0: not said
	done           int64 // samples delivered
	cut            bool  // the stream ended inside a frame
	out            []float32
}

func newFLACSource(r io.Reader, channel int) (src *flacSource, err error) {
	defer func() {
		if e := recover(); e != nil {
			src, err = nil, formatErr("flac", "malformed stream (%v)", e)
		}
	}()
	stream, err := newFLACStream(r)
	if err != nil {
		return nil, err
	}
	info := stream.Info
	if err := checkFLACInfo(info.SampleRate, int(info.NChannels), int(info.BitsPerSample)); err != nil {
		return nil, err
	}
	channels := int(info.NChannels)
	if err := checkChannel("flac", channel, channels); err != nil {
		return nil, err
	}
	return &flacSource{stream: stream, channel: channel, rate: int(info.SampleRate), channels: channels,
		bps: int(info.BitsPerSample), announced: int64(min(info.NSamples, 1<<62))}, nil
}

// next decodes the next frame; io.EOF after the last one (or a cut inside
// a frame after at least one frame), io.ErrUnexpectedEOF for a stream that
// ends before its first frame, a *FormatError for a malformed one.
func (f *flacSource) next() (out []float32, err error) {
	defer func() {
		if e := recover(); e != nil {
			out, err = nil, formatErr("flac", "malformed stream (%v)", e)
		}
	}()
	fr, err := f.stream.ParseNext()
	if err == io.EOF {
		if f.done == 0 && f.announced > 0 {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, io.EOF
	}
	if err != nil {
		err = flacErr(err)
		if err == io.ErrUnexpectedEOF && f.done > 0 {
			f.cut = true
			return nil, io.EOF
		}
		return nil, err
	}
	if len(fr.Subframes) != f.channels {
		return nil, formatErr("flac", "frame has %d channels, stream %d", len(fr.Subframes), f.channels)
	}
	bps := int(fr.BitsPerSample)
	if bps == 0 {
		bps = f.bps
	}
	n := int(fr.BlockSize)
	for _, sf := range fr.Subframes {
		if len(sf.Samples) < n {
			return nil, formatErr("flac", "subframe holds %d samples, block size %d", len(sf.Samples), n)
		}
	}
	if f.done+int64(n) > maxFLACSamples {
		return nil, formatErr("flac", "stream longer than %d samples", maxFLACSamples)
	}
	f.out = f.out[:0]
	scale := 1 / float64(int64(1)<<(bps-1))
	if f.channel >= 0 {
		s := fr.Subframes[f.channel].Samples
		for i := 0; i < n; i++ {
			f.out = append(f.out, float32(float64(s[i])*scale))
		}
	} else {
		scale /= float64(f.channels)
		for i := 0; i < n; i++ {
			var sum int64
			for _, sf := range fr.Subframes {
				sum += int64(sf.Samples[i])
			}
			f.out = append(f.out, float32(float64(sum)*scale))
		}
	}
	f.done += int64(n)
	return f.out, nil
}

func (f *flacSource) truncated() *TruncatedError {
	switch {
	case f.announced > 0 && f.done < f.announced:
		return &TruncatedError{Format: "flac", Rate: f.rate, Decoded: f.done, Announced: f.announced}
	case f.cut:
		return &TruncatedError{Format: "flac", Rate: f.rate, Decoded: f.done, Announced: -1}
	}
	return nil
}

func checkFLACInfo(rate uint32, channels, bits int) error {
	if err := checkRate("flac", int64(rate)); err != nil {
		return err
	}
	if channels == 0 {
		return formatErr("flac", "zero channels")
	}
	if bits < 4 || bits > 32 {
		return formatErr("flac", "%d bits per sample", bits)
	}
	return nil
}

// flacErr maps mewkiz/flac errors: truncation stays io.ErrUnexpectedEOF,
// everything else becomes a *FormatError.
func flacErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	var fe *FormatError
	if errors.As(err, &fe) {
		return err
	}
	return &FormatError{Format: "flac", Msg: err.Error()}
}

func flacConfig(r io.Reader) (c Config, err error) {
	defer func() {
		if e := recover(); e != nil {
			c, err = Config{}, formatErr("flac", "malformed stream (%v)", e)
		}
	}()
	stream, err := newFLACStream(r)
	if err != nil {
		return Config{}, err
	}
	info := stream.Info
	if err := checkFLACInfo(info.SampleRate, int(info.NChannels), int(info.BitsPerSample)); err != nil {
		return Config{}, err
	}
	c = Config{Format: "flac", Rate: int(info.SampleRate), Channels: int(info.NChannels),
		BitDepth: int(info.BitsPerSample), Frames: -1}
	switch (c.BitDepth + 7) / 8 {
	case 1:
		c.Encoding = S8
	case 2:
		c.Encoding = S16
	case 3:
		c.Encoding = S24
	default:
		c.Encoding = S32
	}
	if info.NSamples > 0 {
		c.Frames = int64(info.NSamples)
	}
	c.setDuration()
	return c, nil
}

// newFLACStream walks the metadata blocks itself, so that a block claiming
// more bytes than the file holds is reported as truncation (mewkiz/flac skips
// such blocks silently), skips an ID3v2 tag, and hands mewkiz/flac a stream of
// the signature, STREAMINFO and the audio frames.
func newFLACStream(r io.Reader) (*flac.Stream, error) {
	var sig [4]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil {
		return nil, eofToUnexpected(err)
	}
	if string(sig[:3]) == "ID3" {
		var rest [6]byte
		if _, err := io.ReadFull(r, rest[:]); err != nil {
			return nil, eofToUnexpected(err)
		}
		size := int64(rest[2]&0x7f)<<21 | int64(rest[3]&0x7f)<<14 | int64(rest[4]&0x7f)<<7 | int64(rest[5]&0x7f)
		if rest[1]&0x10 != 0 {
			size += 10 // footer
		}
		if _, err := io.CopyN(io.Discard, r, size); err != nil {
			return nil, eofToUnexpected(err)
		}
		if _, err := io.ReadFull(r, sig[:]); err != nil {
			return nil, eofToUnexpected(err)
		}
	}
	if string(sig[:]) != "fLaC" {
		return nil, formatErr("flac", "missing fLaC signature")
	}
	var streamInfo []byte
	for last := false; !last; {
		var h [4]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return nil, eofToUnexpected(err)
		}
		last = h[0]&0x80 != 0
		typ := h[0] & 0x7f
		n := int64(h[1])<<16 | int64(h[2])<<8 | int64(h[3])
		if typ == 127 {
			return nil, formatErr("flac", "invalid metadata block type 127")
		}
		if streamInfo == nil {
			if typ != 0 || n != 34 {
				return nil, formatErr("flac", "first metadata block is type %d of %d bytes, want STREAMINFO of 34", typ, n)
			}
			streamInfo = make([]byte, 4+4+34)
			copy(streamInfo, "fLaC")
			if _, err := io.ReadFull(r, streamInfo[8:]); err != nil {
				return nil, eofToUnexpected(err)
			}
			continue
		}
		if typ == 0 {
			return nil, formatErr("flac", "second STREAMINFO block")
		}
		if _, err := io.CopyN(io.Discard, r, n); err != nil {
			return nil, eofToUnexpected(err)
		}
	}
	copy(streamInfo[4:], []byte{0x80, 0, 0, 34}) // STREAMINFO, last block
	stream, err := flac.New(io.MultiReader(bytes.NewReader(streamInfo), r))
	if err != nil {
		return nil, flacErr(err)
	}
	return stream, nil
}
