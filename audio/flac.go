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

// decodeFLAC decodes a whole FLAC stream. github.com/mewkiz/flac reads only
// what the stream holds; panics inside it on hostile input are turned into a
// *FormatError. A stream that ends early (inside a frame, or before the
// sample count of its STREAMINFO) keeps the frames before the cut and says
// so in PCM.Truncated; one that ends before its first frame is
// io.ErrUnexpectedEOF.
func decodeFLAC(r io.Reader, channel int) (p *PCM, err error) {
	defer func() {
		if e := recover(); e != nil {
			p, err = nil, formatErr("flac", "malformed stream (%v)", e)
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
	var out []float32
	if info.NSamples > 0 && info.NSamples < 1<<22 {
		// A hint only; append grows past it if the header lies.
		out = make([]float32, 0, info.NSamples)
	}
	cut := false // the stream ends inside a frame
	for {
		f, err := stream.ParseNext()
		if err == io.EOF {
			break
		}
		if err != nil {
			err = flacErr(err)
			if err == io.ErrUnexpectedEOF && len(out) > 0 {
				cut = true
				break
			}
			return nil, err
		}
		if len(f.Subframes) != channels {
			return nil, formatErr("flac", "frame has %d channels, stream %d", len(f.Subframes), channels)
		}
		bps := int(f.BitsPerSample)
		if bps == 0 {
			bps = int(info.BitsPerSample)
		}
		n := int(f.BlockSize)
		for _, sf := range f.Subframes {
			if len(sf.Samples) < n {
				return nil, formatErr("flac", "subframe holds %d samples, block size %d", len(sf.Samples), n)
			}
		}
		if len(out)+n > maxFLACSamples {
			return nil, formatErr("flac", "stream longer than %d samples", maxFLACSamples)
		}
		scale := 1 / float64(int64(1)<<(bps-1))
		if channel >= 0 {
			s := f.Subframes[channel].Samples
			for i := 0; i < n; i++ {
				out = append(out, float32(float64(s[i])*scale))
			}
			continue
		}
		scale /= float64(channels)
		for i := 0; i < n; i++ {
			var sum int64
			for _, sf := range f.Subframes {
				sum += int64(sf.Samples[i])
			}
			out = append(out, float32(float64(sum)*scale))
		}
	}
	p = &PCM{Samples: out, Rate: int(info.SampleRate), Channels: channels}
	switch {
	case info.NSamples > 0 && uint64(len(out)) < info.NSamples:
		if len(out) == 0 {
			return nil, io.ErrUnexpectedEOF
		}
		p.Truncated = &TruncatedError{Format: "flac", Rate: p.Rate, Decoded: int64(len(out)), Announced: int64(min(info.NSamples, 1<<62))}
	case cut:
		p.Truncated = &TruncatedError{Format: "flac", Rate: p.Rate, Decoded: int64(len(out)), Announced: -1}
	}
	return p, nil
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
