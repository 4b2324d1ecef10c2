package kernel

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// lstmShapes are the products of an LSTM layer with hidden size H, input
// size In, batch B and T*B frames (lstm/forward.go, lstm/backward.go):
//
//	recur:   g[B][4H] += h[B][H] · Whhᵀ      (PackedB, Whh [4H][H])
//	recurBw: dh[B][H] = dg[B][4H] · Whh      (PackedB, Whh [4H][H])
//	inproj:  g[TB][4H] += x[TB][In] · Wihᵀ
//	dW:      dWih[4H][In] += dgᵀ[4H][TB] · x[TB][In]
//	dx:      dx[TB][In] = dg[TB][4H] · Wih[4H][In]
type gemmShape struct {
	op      string
	tA, tB  bool
	m, n, k int
	packed  bool
}

func lstmShapes() []gemmShape {
	var s []gemmShape
	for _, c := range []struct{ H, In int }{{160, 117}, {256, 117}, {256, 512}} {
		H, In := c.H, c.In
		if In == 117 {
			s = append(s,
				gemmShape{"recur", false, true, 1, 4 * H, H, true},
				gemmShape{"recur", false, true, 16, 4 * H, H, true},
				gemmShape{"recurBw", false, false, 1, H, 4 * H, true},
				gemmShape{"recurBw", false, false, 16, H, 4 * H, true},
			)
		}
		s = append(s,
			gemmShape{"inproj", false, true, 1000, 4 * H, In, false},
			gemmShape{"dW", true, false, 4 * H, In, 1000, false},
			gemmShape{"dx", false, false, 1000, In, 4 * H, false},
		)
	}
	return s
}

// BenchmarkGemmShapes times our GEMM (the micro-kernel of this build: run
// with -tags purego, or under wasm, for the pure-Go one) against gonum's
// blas/gonum Sgemm (pure Go with -tags noasm and under wasm) at the LSTM's
// shapes, on one goroutine (run with -cpu 1: gonum splits large products
// across GOMAXPROCS goroutines).
//
//	go test -run '^$' -bench GemmShapes -cpu 1 -tags purego,noasm ./internal/kernel/
//	PATH=$(go env GOROOT)/lib/wasm:$PATH GOOS=js GOARCH=wasm go test -run '^$' -bench GemmShapes ./internal/kernel/
func BenchmarkGemmShapes(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	var impl gonum.Implementation
	for _, s := range lstmShapes() {
		ar, ac := s.m, s.k
		if s.tA {
			ar, ac = s.k, s.m
		}
		br, bc := s.k, s.n
		if s.tB {
			br, bc = s.n, s.k
		}
		a := randSlice(r, ar*ac)
		w := randSlice(r, br*bc)
		c := make([]float32, s.m*s.n)
		flops := 2 * float64(s.m*s.n*s.k)
		tr := func(t bool) blas.Transpose {
			if t {
				return blas.Trans
			}
			return blas.NoTrans
		}
		for _, name := range []string{Impl, "gonum"} {
			b.Run(fmt.Sprintf("op=%s/m=%d/n=%d/k=%d/impl=%s", s.op, s.m, s.n, s.k, name), func(b *testing.B) {
				var p *PackedB
				if s.packed && name != "gonum" {
					p = PackB(s.tB, s.k, s.n, w, bc)
				}
				for i := 0; i < b.N; i++ {
					switch {
					case name == "gonum":
						impl.Sgemm(tr(s.tA), tr(s.tB), s.m, s.n, s.k, 1, a, ac, w, bc, 0, c, s.n)
					case p != nil:
						p.Gemm(s.tA, s.m, 1, a, ac, 0, c, s.n)
					default:
						Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, ac, w, bc, 0, c, s.n)
					}
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
