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
// The FFT is gonum's dsp/fourier real-input FFT (FFTPACK). github.com/mjibson/go-dsp
// was tried first: its FFTReal allocates its result and a complex copy of the
// input on every call and runs a radix-2 complex transform on a real signal;
// at 512 points it is several times slower than gonum's (see BenchmarkFFT), and
// the FFT dominates the per-frame cost, so it alone kept the speed goal out of
// reach. gonum's transform writes into caller buffers, so the steady state
// allocates nothing per frame.
//
// An MFCC or Fbank holds scratch buffers: it is not safe for concurrent use;
// make one per goroutine (construction is cheap).
package features
