package features

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

// realFFT.power against gonum's FFTPACK at every power of two from 2 to 8192.
func TestRealFFTMatchesGonum(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := 2; n <= 8192; n *= 2 {
		x := make([]float64, n)
		for i := range x {
			x[i] = r.NormFloat64() * 1000
		}
		want := fourier.NewFFT(n).Coefficients(nil, x)
		got := make([]float64, n/2+1)
		newRealFFT(n).power(got, x)
		var scale float64
		for _, c := range want {
			scale = math.Max(scale, real(c)*real(c)+imag(c)*imag(c))
		}
		for k, c := range want {
			p := real(c)*real(c) + imag(c)*imag(c)
			if math.Abs(got[k]-p) > 1e-12*scale {
				t.Fatalf("n=%d k=%d: power %v, gonum %v", n, k, got[k], p)
			}
		}
	}
}
