package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSoftmaxPrimitives checks AddMax, ExpSum, Scal and Acc against float64
// loops, on both paths (asm and Go where the machine has AVX2), at lengths
// around the vector width and at a vocabulary-sized row.
func TestSoftmaxPrimitives(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, asm := range []bool{true, false} {
		old := setAsm(asm)
		for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 33278} {
			z := make([]float32, n)
			bias := make([]float32, n)
			for i := range z {
				z[i] = float32(r.NormFloat64() * 8)
				bias[i] = float32(r.NormFloat64())
			}
			orig := append([]float32(nil), z...)
			mx := AddMax(z, bias)
			wantMx := math.Inf(-1)
			for i := range z {
				want := orig[i] + bias[i]
				if z[i] != want {
					t.Fatalf("asm=%v n=%d: AddMax z[%d]=%g want %g", asm, n, i, z[i], want)
				}
				wantMx = math.Max(wantMx, float64(want))
			}
			if float64(mx) != wantMx {
				t.Fatalf("asm=%v n=%d: AddMax max %g want %g", asm, n, mx, wantMx)
			}
			if n == 0 {
				if s := ExpSum(z, 0, true); s != 0 {
					t.Fatalf("ExpSum of nothing = %g", s)
				}
				continue
			}
			biased := append([]float32(nil), z...)
			s0 := ExpSum(z, mx, false)
			for i := range z {
				if z[i] != biased[i] {
					t.Fatalf("asm=%v n=%d: ExpSum without store changed z[%d]", asm, n, i)
				}
			}
			s := ExpSum(z, mx, true)
			if s != s0 {
				t.Fatalf("asm=%v n=%d: ExpSum store %g, no store %g", asm, n, s, s0)
			}
			var want float64
			for i, v := range biased {
				e := math.Exp(float64(v - mx)) // the float32 difference, as ExpSum forms it
				want += e
				if math.Abs(float64(z[i])-e) > 3e-7*e+1e-38 {
					t.Fatalf("asm=%v n=%d: ExpSum term %d = %g want %g", asm, n, i, z[i], e)
				}
			}
			if math.Abs(s-want) > 1e-6*want {
				t.Fatalf("asm=%v n=%d: ExpSum = %.9g want %.9g", asm, n, s, want)
			}
			terms := append([]float32(nil), z...)
			Scal(z, 0.25)
			for i := range z {
				if z[i] != terms[i]*0.25 {
					t.Fatalf("asm=%v n=%d: Scal z[%d]=%g want %g", asm, n, i, z[i], terms[i]*0.25)
				}
			}
			dst := append([]float32(nil), bias...)
			Acc(dst, z)
			for i := range dst {
				if dst[i] != bias[i]+z[i] {
					t.Fatalf("asm=%v n=%d: Acc dst[%d]=%g want %g", asm, n, i, dst[i], bias[i]+z[i])
				}
			}
		}
		setAsm(old)
	}
}

// TestSoftmaxPrimitivesSpecial: NaN is skipped by the maximum but makes the
// sum NaN; -Inf logits contribute 0.
func TestSoftmaxPrimitivesSpecial(t *testing.T) {
	for _, asm := range []bool{true, false} {
		old := setAsm(asm)
		for _, n := range []int{5, 16, 21} {
			for _, at := range []int{0, n / 2, n - 1} {
				z := make([]float32, n)
				for i := range z {
					z[i] = float32(i % 5)
				}
				z[at] = float32(math.NaN())
				mx := AddMax(z, make([]float32, n))
				if mx != 4 && !(n == 5 && at == 4 && mx == 3) {
					t.Fatalf("asm=%v n=%d NaN at %d: max %g", asm, n, at, mx)
				}
				if s := ExpSum(z, mx, false); s == s {
					t.Fatalf("asm=%v n=%d NaN at %d: sum %g, want NaN", asm, n, at, s)
				}
				z[at] = float32(math.Inf(-1))
				if s := ExpSum(z, mx, true); !(s > 0 && !math.IsInf(s, 0)) || z[at] > 1.2e-38 { // 0, or e**-87.34 on the asm path
					t.Fatalf("asm=%v n=%d -Inf at %d: sum %g term %g", asm, n, at, s, z[at])
				}
			}
		}
		setAsm(old)
	}
}
