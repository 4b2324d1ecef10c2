package features

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	dspfft "github.com/mjibson/go-dsp/fft"
	"gonum.org/v1/gonum/dsp/fourier"
)

func noise(n int) []float32 {
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(0.1 * r.NormFloat64())
	}
	return x
}

// BenchmarkMFCC reports per-frame cost and real-time factor on one minute of
// 16 kHz audio with Kaldi's default options.
func BenchmarkMFCC(b *testing.B) {
	for _, secs := range []int{60} {
		x := noise(16000 * secs)
		m, _ := NewMFCC(DefaultMFCCOptions())
		dst := m.Compute(x)
		b.Run("seconds="+strconv.Itoa(secs)+"/impl=ComputeInto", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				dst = m.ComputeInto(dst, x)
			}
			perCall := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(perCall/float64(len(dst))*1e9, "ns/frame")
			b.ReportMetric(float64(secs)/perCall, "x-realtime")
		})
	}
}

func BenchmarkFbank(b *testing.B) {
	x := noise(16000 * 60)
	f, _ := NewFbank(DefaultFbankOptions())
	dst := f.Compute(x)
	b.Run("seconds=60", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			dst = f.ComputeInto(dst, x)
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/float64(len(dst))*1e9, "ns/frame")
	})
}

// BenchmarkFFT compares the two FFTs the design allows at Kaldi's 512-point
// frame: github.com/mjibson/go-dsp (allocating, complex radix-2) and gonum's
// dsp/fourier real FFT (FFTPACK, caller buffers). See doc.go.
func BenchmarkFFT(b *testing.B) {
	x := make([]float64, 512)
	for i := range x {
		x[i] = math.Sin(float64(i) * 0.1)
	}
	b.Run("n=512/impl=go-dsp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			dspfft.FFTReal(x)
		}
	})
	b.Run("n=512/impl=ecoute-power", func(b *testing.B) {
		b.ReportAllocs()
		t := newRealFFT(512)
		dst := make([]float64, 257)
		for b.Loop() {
			t.power(dst, x)
		}
	})
	b.Run("n=512/impl=gonum", func(b *testing.B) {
		b.ReportAllocs()
		t := fourier.NewFFT(512)
		dst := make([]complex128, 257)
		for b.Loop() {
			t.Coefficients(dst, x)
		}
	})
}
