package features

import "math"

// realFFT is the power spectrum of a real sequence whose length n is a power
// of two, through one complex FFT of n/2 points (the even samples as real
// parts, the odd ones as imaginary parts) and the usual split into the
// spectra of the two halves. The complex FFT is iterative radix-2
// decimation in time on split real/imaginary arrays with per-stage twiddle
// tables; the first two stages need no multiplications, and the others run
// two at a time so each point is loaded and stored once per pair of stages.
//
// It exists because the FFT is most of an MFCC frame's cost: gonum's FFTPACK
// (dsp/fourier) runs a 512-point real transform at about 3x the time of this
// one, and go-dsp about 10x (BenchmarkFFT), which kept ecoute's MFCC under
// the 3x-torchaudio goal. Non-power-of-two lengths (RoundToPowerOfTwo off)
// still use gonum.
type realFFT struct {
	n, h     int
	rev      []int32   // [h] bit reversal permutation
	twr, twi []float64 // [h] twiddles: stage with half-size m uses [m:2m]
	pwr, pwi []float64 // [h] post-processing twiddles exp(-2πik/n)
	re, im   []float64 // [h] work
}

func newRealFFT(n int) *realFFT {
	if n < 2 || n&(n-1) != 0 {
		panic("features: realFFT length must be a power of two >= 2")
	}
	h := n / 2
	f := &realFFT{n: n, h: h,
		rev: make([]int32, h), twr: make([]float64, h), twi: make([]float64, h),
		pwr: make([]float64, h), pwi: make([]float64, h),
		re: make([]float64, h), im: make([]float64, h)}
	bits := 0
	for 1<<bits < h {
		bits++
	}
	for i := range f.rev {
		r := 0
		for b := 0; b < bits; b++ {
			if i&(1<<b) != 0 {
				r |= 1 << (bits - 1 - b)
			}
		}
		f.rev[i] = int32(r)
	}
	for m := 1; m < h; m <<= 1 {
		for j := 0; j < m; j++ {
			s, c := math.Sincos(-math.Pi * float64(j) / float64(m))
			f.twr[m+j], f.twi[m+j] = c, s
		}
	}
	for k := range f.pwr {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.pwr[k], f.pwi[k] = c, s
	}
	return f
}

// power writes |X[k]|² for k = 0..n/2 into out (len n/2+1), X the DFT of x
// (len n). It allocates nothing.
func (f *realFFT) power(out, x []float64) {
	h := f.h
	re, im := f.re[:h], f.im[:h]
	x = x[:2*h]
	if h < 4 {
		for i, j := range f.rev {
			re[j] = x[2*i]
			im[j] = x[2*i+1]
		}
		if h == 2 {
			ar, ai, br, bi := re[0], im[0], re[1], im[1]
			re[0], im[0] = ar+br, ai+bi
			re[1], im[1] = ar-br, ai-bi
		}
	} else {
		// Bit-reversed load fused with the first two stages (a 4-point DFT
		// with twiddles 1 and -i). Bit reversal is an involution, so
		// position p receives input rev[p].
		rev := f.rev[:h]
		for i := 0; i+3 < h; i += 4 {
			q0, q1, q2, q3 := 2*int(rev[i]), 2*int(rev[i+1]), 2*int(rev[i+2]), 2*int(rev[i+3])
			x0r, x0i := x[q0], x[q0+1]
			x1r, x1i := x[q1], x[q1+1]
			x2r, x2i := x[q2], x[q2+1]
			x3r, x3i := x[q3], x[q3+1]
			// Stage 1: (0, 1) and (2, 3).
			ar, ai := x0r+x1r, x0i+x1i
			br, bi := x0r-x1r, x0i-x1i
			cr, ci := x2r+x3r, x2i+x3i
			dr, di := x2r-x3r, x2i-x3i
			// Stage 2: (a, c) with twiddle 1, (b, d) with twiddle -i.
			re[i], im[i] = ar+cr, ai+ci
			re[i+2], im[i+2] = ar-cr, ai-ci
			re[i+1], im[i+1] = br+di, bi-dr
			re[i+3], im[i+3] = br-di, bi+dr
		}
	}
	m := 4
	// Stages m and 2m fused: each point is loaded and stored once per two
	// stages.
	for ; 4*m <= h; m *= 4 {
		t1r, t1i := f.twr[m:2*m], f.twi[m:2*m]
		t2r, t2i := f.twr[2*m:3*m], f.twi[2*m:3*m]
		t3r, t3i := f.twr[3*m:4*m], f.twi[3*m:4*m]
		for i := 0; i < h; i += 4 * m {
			Ar, Ai := re[i:i+m], im[i:i+m]
			Br, Bi := re[i+m:i+2*m], im[i+m:i+2*m]
			Cr, Ci := re[i+2*m:i+3*m], im[i+2*m:i+3*m]
			Dr, Di := re[i+3*m:i+4*m], im[i+3*m:i+4*m]
			for j := range t1r {
				// Stage m: (A, B) and (C, D) with twiddle t1.
				wr, wi := t1r[j], t1i[j]
				br, bi := Br[j]*wr-Bi[j]*wi, Br[j]*wi+Bi[j]*wr
				dr, di := Dr[j]*wr-Di[j]*wi, Dr[j]*wi+Di[j]*wr
				a1r, a1i := Ar[j]+br, Ai[j]+bi
				b1r, b1i := Ar[j]-br, Ai[j]-bi
				c1r, c1i := Cr[j]+dr, Ci[j]+di
				d1r, d1i := Cr[j]-dr, Ci[j]-di
				// Stage 2m: (A, C) with twiddle t2, (B, D) with t3.
				wr, wi = t2r[j], t2i[j]
				ur, ui := c1r*wr-c1i*wi, c1r*wi+c1i*wr
				Ar[j], Ai[j] = a1r+ur, a1i+ui
				Cr[j], Ci[j] = a1r-ur, a1i-ui
				wr, wi = t3r[j], t3i[j]
				vr, vi := d1r*wr-d1i*wi, d1r*wi+d1i*wr
				Br[j], Bi[j] = b1r+vr, b1i+vi
				Dr[j], Di[j] = b1r-vr, b1i-vi
			}
		}
	}
	for ; m < h; m <<= 1 {
		twr, twi := f.twr[m:2*m], f.twi[m:2*m]
		for i := 0; i < h; i += 2 * m {
			ar, ai := re[i:i+m], im[i:i+m]
			br, bi := re[i+m:i+2*m], im[i+m:i+2*m]
			for j := range twr {
				wr, wi := twr[j], twi[j]
				tr := wr*br[j] - wi*bi[j]
				ti := wr*bi[j] + wi*br[j]
				br[j], bi[j] = ar[j]-tr, ai[j]-ti
				ar[j] += tr
				ai[j] += ti
			}
		}
	}
	out = out[:h+1]
	// X[0] and X[n/2] are real.
	x0, xh := re[0]+im[0], re[0]-im[0]
	out[0], out[h] = x0*x0, xh*xh
	pwr, pwi := f.pwr[:h], f.pwi[:h]
	for k := 1; k < h; k++ {
		ar, ai := re[k], im[k]
		cr, ci := re[h-k], im[h-k]
		er, ei := 0.5*(ar+cr), 0.5*(ai-ci)
		or, oi := 0.5*(ai+ci), -0.5*(ar-cr)
		wr, wi := pwr[k], pwi[k]
		xr := er + wr*or - wi*oi
		xi := ei + wr*oi + wi*or
		out[k] = xr*xr + xi*xi
	}
}
