package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ecoute/ecoute/internal/numtest"
)

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.Float64()*2 - 1)
	}
	return s
}

// naive computes the reference product in float64.
func naive(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if tA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if tB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			v := float64(alpha) * s
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
			}
			out[i*n+j] = v
		}
	}
	return out
}

// checkClose compares the m x n result in got (row stride ldc) with the
// float64 loop's want, within 1e-5*sqrt(k+1)*4 (internal/numtest).
func checkClose(t *testing.T, what string, got []float32, ldc, m, n int, want []float64, k int) {
	t.Helper()
	rows := make([][]float32, m)
	for i := range rows {
		rows[i] = got[i*ldc : i*ldc+n]
	}
	wrows := make([][]float64, m)
	for i := range wrows {
		wrows[i] = want[i*n : (i+1)*n]
	}
	numtest.Close2D(t, what+": C", rows, wrows, 1e-5*math.Sqrt(float64(k+1))*4)
}

var sizes = []int{1, 2, 5, 6, 7, 11, 12, 13, 15, 16, 17, 31, 33, 97}

func TestSgemm(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, asm := range []bool{false, true} {
		old := setAsm(asm)
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				for _, m := range sizes {
					for _, n := range []int{1, 15, 16, 17, 33, 64, 65} {
						for _, k := range []int{1, 3, 8, 17, 257} {
							lda, ldb, ldc := k+1, n+2, n+3
							if tA {
								lda = m + 1
							}
							if tB {
								ldb = k + 2
							}
							ar := m
							if tA {
								ar = k
							}
							br := k
							if tB {
								br = n
							}
							a := randSlice(r, ar*lda)
							b := randSlice(r, br*ldb)
							c := randSlice(r, m*ldc)
							alpha, beta := float32(0.5), float32(1.5)
							if k == 8 {
								beta = 0
								for i := range c {
									c[i] = float32(math.NaN())
								}
							}
							want := naive(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
							Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
							checkClose(t, fmt.Sprintf("asm=%v tA=%v tB=%v m=%d n=%d k=%d", asm, tA, tB, m, n, k), c, ldc, m, n, want, k)
						}
					}
				}
			}
		}
		setAsm(old)
	}
}

// TestPackedMatchesSgemm checks PackedB.Gemm gives bit-identical results to
// Sgemm, and that a product split by rows equals the whole one (the property
// that makes results independent of the number of threads).
func TestPackedMatchesSgemm(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, m := range []int{1, 2, 6, 7, 13} {
		for _, k := range []int{5, 128, 300} {
			n := 4 * 37
			a := randSlice(r, m*k)
			w := randSlice(r, n*k)
			c1 := make([]float32, m*n)
			c2 := make([]float32, m*n)
			c3 := make([]float32, m*n)
			Sgemm(false, true, m, n, k, 1, a, k, w, k, 0, c1, n)
			p := PackB(true, k, n, w, k)
			p.Gemm(false, m, 1, a, k, 0, c2, n)
			for i := 0; i < m; i++ { // one row at a time
				p.Gemm(false, 1, 1, a[i*k:], k, 0, c3[i*n:], n)
			}
			for i := range c1 {
				if c1[i] != c2[i] || c1[i] != c3[i] {
					t.Fatalf("m=%d k=%d: element %d: Sgemm %g, packed %g, row by row %g", m, k, i, c1[i], c2[i], c3[i])
				}
			}
		}
	}
}

// TestAsmMatchesGo cross-checks the micro-kernels directly at depths around
// the unroll widths.
func TestAsmMatchesGo(t *testing.T) {
	if !setAsm(true) {
		setAsm(false)
	}
	defer setAsm(setAsm(true))
	if !useAsm() {
		t.Skip("no assembly kernels on this build or CPU")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for kc := 1; kc <= 40; kc++ {
		a := randSlice(r, kc*MR)
		b := randSlice(r, kc*NR*9)
		for np := 1; np <= 9; np++ {
			c1 := randSlice(r, np*NR)
			c2 := append([]float32(nil), c1...)
			kern1Go(kc, a, b, c1, np, 0.75)
			kern1(kc, a, b, c2, np, 0.75)
			for i := range c1 {
				if d := math.Abs(float64(c1[i] - c2[i])); d > 1e-5 {
					t.Fatalf("kern1 kc=%d np=%d [%d]: go %g asm %g", kc, np, i, c1[i], c2[i])
				}
			}
		}
		c1 := randSlice(r, MR*(NR+3))
		c2 := append([]float32(nil), c1...)
		kern6Go(kc, a, b, c1, NR+3, 1.25)
		kern6(kc, a, b, c2, NR+3, 1.25)
		for i := range c1 {
			if d := math.Abs(float64(c1[i] - c2[i])); d > 1e-5 {
				t.Fatalf("kern6 kc=%d [%d]: go %g asm %g", kc, i, c1[i], c2[i])
			}
		}
	}
}

func TestSgemmPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for short C")
		}
	}()
	Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 3), 2)
}
