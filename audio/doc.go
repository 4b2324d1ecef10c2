// Package audio turns audio bytes into mono float32 samples and back:
// decoding WAV (RIFF, RIFX and RF64 containers; 8/16/24/32-bit integer PCM,
// 32/64-bit IEEE float, WAVE_FORMAT_EXTENSIBLE, G.711 A-law and µ-law), FLAC, MP3
// and headerless raw PCM; mixing or picking channels; band-limited resampling
// between any two rates; and writing 16-bit WAV.
//
// Sources:
//   - Microsoft, "Multimedia Programming Interface and Data Specifications 1.0"
//     (RIFF/WAVE), and "WAVEFORMATEXTENSIBLE" (KSDATAFORMAT_SUBTYPE GUIDs).
//   - EBU Tech 3306 for RF64.
//   - ITU-T G.711 for A-law and µ-law (the table-free decoders follow the
//     reference code in Sun's g711.c, also used by sox).
//   - FLAC decoding is github.com/mewkiz/flac.
//   - MP3 (MPEG-1 and MPEG-2 layer III, ISO/IEC 11172-3 and 13818-3) decoding
//     is github.com/hajimehoshi/go-mp3; the frame-header sniffing is ours.
//   - J. O. Smith, "Digital Audio Resampling Home Page" (bandlimited
//     interpolation), and J. F. Kaiser, "Nonrecursive digital filter design
//     using the I0-sinh window function" (1974) for the resampler.
//
// The RIFF parser is our own rather than github.com/go-audio/wav's: that
// decoder allocates buffers from sizes claimed by the header (a 1 KB file can
// ask for gigabytes), drops the WAVE_FORMAT_EXTENSIBLE sub-format, returns
// IEEE float data as integers and does not read 64-bit float, A-law or µ-law.
// The tests still use go-audio/wav as an independent reader of the integer
// PCM files, and to read back what EncodeWAV writes.
//
// Errors: malformed input gives a *FormatError, a sample rate outside
// [MinRate, MaxRate] (1 kHz to 768 kHz) a *RateError, and a file that ends
// inside its header, or before its first sample, io.ErrUnexpectedEOF. A WAV
// or FLAC file cut inside its audio data is not an error: the samples that
// are there are decoded and PCM.Truncated (a *TruncatedError) says how much
// of the length its header announces was missing, for the caller to show as
// a warning. Nothing in this package panics on bad data, and no allocation is
// sized from a header field without being bounded by the bytes actually
// present. Misuse (a non-positive rate passed to Resample) panics.
//
// Samples are float32: integer PCM of b bits is divided by 2^(b-1), so 16-bit
// values are exactly s/32768 and features computed on them match Kaldi's
// integer-scaled input after multiplying by 32768. IEEE float samples are kept
// as they are (they may lie outside [-1, 1]), except that NaN becomes 0 and
// ±Inf becomes ±1.
package audio
