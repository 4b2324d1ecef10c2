// Package features computes Kaldi-compatible speech features: MFCC and
// log-mel filterbank energies (compute-mfcc-feats, compute-fbank-feats),
// deltas (add-deltas) and per-utterance mean/variance normalisation.
//
// Sources: Kaldi's feature-window.cc, feature-mfcc.cc, feature-fbank.cc,
// mel-computations.cc, feature-functions.cc (ComputeDeltas) and
// matrix/srfft.h conventions; torchaudio.compliance.kaldi is the reference
// the golden tests compare against (testdata/gen/features_golden.py).
//
// Option names and defaults are Kaldi's, with one exception: Dither is 0 by
// default (Kaldi's is 1), so features are deterministic unless asked
// otherwise; when dither is on, the noise comes from a seeded generator.
// Samples are float32 in [-1, 1] and are scaled by 32768 internally, because
// Kaldi computes on 16-bit integer sample values; features therefore have the
// same scale whatever the source file's format.
//
// The FFT: the issue asked for github.com/mjibson/go-dsp first, then gonum's
// dsp/fourier real FFT (FFTPACK), before writing one. Measured at Kaldi's
// 512-point frame (BenchmarkFFT): go-dsp's FFTReal allocates its result and a
// complex copy of the input on every call and runs a complex radix-2
// transform on the real signal, about 10x the time of the transform in
// fft.go; gonum's writes into caller buffers but still takes about 3x, and
// with it the FFT was about 80% of a frame and MFCC throughput stayed under
// 3x torchaudio's (scripts/bench/mfcc_vs_torchaudio.sh). So power-of-two
// frames use fft.go (one n/2-point complex FFT, stages fused in pairs,
// checked against gonum in TestRealFFTMatchesGonum); other frame lengths
// (RoundToPowerOfTwo off) use gonum. Nothing allocates per frame.
//
// NewPipeline is the one constructor of a whole front end (extractor,
// deltas, CMVN, in that order; Config says why) with its Dim; the
// recognizer, its trainer and the CLI's features command all build their
// features with it. MFCC and Fbank are its extractors, usable alone.
//
// An MFCC, Fbank or Pipeline holds scratch buffers: it is not safe for concurrent use;
// make one per goroutine (construction is cheap).
package features
