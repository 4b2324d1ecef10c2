package kernel

import "math"

// Row primitives of the softmax/cross-entropy over a large vocabulary. Each
// has an AVX2 body on amd64 for the first len&^7 elements and finishes the
// rest (or everything, on other targets) with the Go loop shown.

// AddMax adds bias to z element-wise and returns the largest element of the
// result (-Inf for an empty z). NaN elements are skipped by the maximum; they
// still reach ExpSum, whose sum is then NaN.
//
//	for j := range z { z[j] += bias[j]; mx = max(mx, z[j]) }
func AddMax(z, bias []float32) float32 {
	bias = bias[:len(z)]
	mx := float32(math.Inf(-1))
	from := 0
	if n := len(z) &^ 7; n > 0 && useAsm() {
		mx = addMaxAVX2(&z[0], &bias[0], n)
		from = n
	}
	for j := from; j < len(z); j++ {
		v := z[j] + bias[j]
		z[j] = v
		if v > mx {
			mx = v
		}
	}
	return mx
}

// ExpSum returns Σ_j Expf(z[j]-shift), summed in float64, and with store
// set replaces each z[j] by its term. The sum runs over 8 interleaved
// partial sums (j mod 8), added pairwise at the end, so the asm and Go
// paths add in the same order.
func ExpSum(z []float32, shift float32, store bool) float64 {
	var acc [8]float64
	from := 0
	if n := len(z) &^ 7; n > 0 && useAsm() {
		st := 0
		if store {
			st = 1
		}
		expSumAVX2(&z[0], n, shift, st, &acc)
		from = n
	}
	var buf [8]float32
	for j := from; j < len(z); j += 8 {
		k := min(8, len(z)-j)
		for i := 0; i < k; i++ {
			buf[i] = z[j+i] - shift
		}
		expfs(buf[:k])
		for i := 0; i < k; i++ {
			acc[i] += float64(buf[i])
		}
		if store {
			copy(z[j:j+k], buf[:k])
		}
	}
	return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]))
}

// Scal multiplies x by a in place.
func Scal(x []float32, a float32) {
	from := 0
	if n := len(x) &^ 7; n > 0 && useAsm() {
		scalAVX2(&x[0], n, a)
		from = n
	}
	for j := from; j < len(x); j++ {
		x[j] *= a
	}
}

// Acc adds x into dst element-wise: dst[j] += x[j].
func Acc(dst, x []float32) {
	x = x[:len(dst)]
	from := 0
	if n := len(dst) &^ 7; n > 0 && useAsm() {
		accAVX2(&dst[0], &x[0], n)
		from = n
	}
	for j := from; j < len(dst); j++ {
		dst[j] += x[j]
	}
}
