package audio

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// EncodeWAV writes samples as a mono 16-bit PCM WAV file. Samples are scaled
// by 32768, rounded to the nearest integer and clipped to [-32768, 32767], so
// 16-bit input decoded by Decode is written back bit for bit; NaN is written
// as 0. It returns an error if rate is not positive, the data would exceed a
// RIFF file's 4 GiB, or w fails.
func EncodeWAV(w io.Writer, samples []float32, rate int) error {
	if rate <= 0 || rate > math.MaxInt32 {
		return fmt.Errorf("audio: EncodeWAV: sample rate %d", rate)
	}
	dataSize := int64(len(samples)) * 2
	if dataSize+36 > math.MaxUint32 {
		return fmt.Errorf("audio: EncodeWAV: %d samples do not fit a WAV file", len(samples))
	}
	var h [44]byte
	copy(h[0:], "RIFF")
	binary.LittleEndian.PutUint32(h[4:], uint32(36+dataSize))
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], wavePCM)
	binary.LittleEndian.PutUint16(h[22:], 1)
	binary.LittleEndian.PutUint32(h[24:], uint32(rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(rate*2))
	binary.LittleEndian.PutUint16(h[32:], 2)
	binary.LittleEndian.PutUint16(h[34:], 16)
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(dataSize))
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	buf := make([]byte, 0, 8192)
	for i, s := range samples {
		buf = binary.LittleEndian.AppendUint16(buf, uint16(toInt16(s)))
		if len(buf) == cap(buf) || i == len(samples)-1 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

func toInt16(s float32) int16 {
	v := math.Round(float64(s) * 32768)
	switch {
	case v != v:
		return 0
	case v > 32767:
		return 32767
	case v < -32768:
		return -32768
	}
	return int16(v)
}
