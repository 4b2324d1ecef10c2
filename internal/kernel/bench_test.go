package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// BenchmarkSgemm times C = A·Bᵀ (the input projection's shape) on one
// goroutine for our kernel (asm or go) and gonum's blas32.
func BenchmarkSgemm(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, s := range []struct{ m, n, k int }{{1000, 1024, 512}, {4800, 1024, 117}, {16, 1024, 256}, {1, 1024, 256}, {1024, 512, 4800}} {
		a := randSlice(r, s.m*s.k)
		w := randSlice(r, s.n*s.k)
		c := make([]float32, s.m*s.n)
		flops := 2 * float64(s.m*s.n*s.k)
		for _, impl := range []string{"asm", "go", "gonum"} {
			b.Run(fmt.Sprintf("m=%d/n=%d/k=%d/impl=%s", s.m, s.n, s.k, impl), func(b *testing.B) {
				if impl == "asm" && !setAsm(true) && !useAsm() {
					b.Skip("no assembly")
				}
				old := setAsm(impl == "asm")
				defer setAsm(old)
				for i := 0; i < b.N; i++ {
					if impl == "gonum" {
						blas32.Gemm(blas.NoTrans, blas.Trans, 1,
							blas32.General{Rows: s.m, Cols: s.k, Stride: s.k, Data: a},
							blas32.General{Rows: s.n, Cols: s.k, Stride: s.k, Data: w},
							0, blas32.General{Rows: s.m, Cols: s.n, Stride: s.n, Data: c})
					} else {
						Sgemm(false, true, s.m, s.n, s.k, 1, a, s.k, w, s.k, 0, c, s.n)
					}
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
