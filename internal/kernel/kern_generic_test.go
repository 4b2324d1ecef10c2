package kernel

import (
	"math/rand/v2"
	"testing"
)

// kern6Plain and kern1Plain are the loops of kern6Go's and kern1Go's doc
// comments.
func kern6Plain(kc int, a, b, c []float32, ldc int, alpha float32) {
	for i := 0; i < MR; i++ {
		for j := 0; j < NR; j++ {
			var s float32
			for p := 0; p < kc; p++ {
				s += a[p*MR+i] * b[p*NR+j]
			}
			c[i*ldc+j] += alpha * s
		}
	}
}

func kern1Plain(kc int, a, b, c []float32, np int, alpha float32) {
	for j := 0; j < np*NR; j++ {
		var s float32
		for p := 0; p < kc; p++ {
			s += a[p] * b[(j/NR)*NR*kc+p*NR+j%NR]
		}
		c[j] += alpha * s
	}
}

// TestGoKernelsMatchPlainLoops checks the register-blocked pure-Go
// micro-kernels bit for bit against their plain loops at depths around the
// unroll width (2) and the tile sizes, and that kern1Go and kern6Go give the
// same bits for the same row (the property PackedB.Gemm's one-row path
// relies on).
func TestGoKernelsMatchPlainLoops(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, kc := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 117, 255, 256} {
		a := randSlice(r, kc*MR)
		b := randSlice(r, kc*NR*5)
		for _, ldc := range []int{NR, NR + 3} {
			c1 := randSlice(r, (MR-1)*ldc+NR)
			c2 := append([]float32(nil), c1...)
			kern6Plain(kc, a, b, c1, ldc, 0.75)
			kern6Go(kc, a, b, c2, ldc, 0.75)
			for i := range c1 {
				if c1[i] != c2[i] {
					t.Fatalf("kern6Go kc=%d ldc=%d [%d]: plain %g, go %g", kc, ldc, i, c1[i], c2[i])
				}
			}
		}
		for np := 1; np <= 5; np++ {
			c1 := randSlice(r, np*NR)
			c2 := append([]float32(nil), c1...)
			kern1Plain(kc, a, b, c1, np, 1.25)
			kern1Go(kc, a, b, c2, np, 1.25)
			for i := range c1 {
				if c1[i] != c2[i] {
					t.Fatalf("kern1Go kc=%d np=%d [%d]: plain %g, go %g", kc, np, i, c1[i], c2[i])
				}
			}
		}
		// Row i of a 6-row block equals the one-row product of row i of A.
		c6 := make([]float32, MR*NR)
		kern6Go(kc, a, b, c6, NR, 1)
		for i := 0; i < MR; i++ {
			row := make([]float32, kc)
			for p := range row {
				row[p] = a[p*MR+i]
			}
			c1 := make([]float32, NR)
			kern1Go(kc, row, b, c1, 1, 1)
			for j := range c1 {
				if c1[j] != c6[i*NR+j] {
					t.Fatalf("kc=%d row %d col %d: kern6Go %g, kern1Go %g", kc, i, j, c6[i*NR+j], c1[j])
				}
			}
		}
	}
}
