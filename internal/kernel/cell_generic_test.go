package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// cellForwardPlain and cellBackwardPlain are CellForward's and
// CellBackward's loops written with Sigmoidf and Tanhf.
func cellForwardPlain(z, cprev, c, h []float32) {
	H := len(h)
	for j := 0; j < H; j++ {
		i, f, g, o := Sigmoidf(z[j]), Sigmoidf(z[H+j]), Tanhf(z[2*H+j]), Sigmoidf(z[3*H+j])
		z[j], z[H+j], z[2*H+j], z[3*H+j] = i, f, g, o
		c[j] = f*cprev[j] + i*g
		h[j] = o * Tanhf(c[j])
	}
}

func cellBackwardPlain(act, c, cprev, dh, dc, dz []float32) {
	H := len(dh)
	for j := 0; j < H; j++ {
		i, f, g, o := act[j], act[H+j], act[2*H+j], act[3*H+j]
		tc := Tanhf(c[j])
		dC := dc[j] + dh[j]*o*(1-tc*tc)
		dz[j] = dC * g * i * (1 - i)
		dz[H+j] = dC * cprev[j] * f * (1 - f)
		dz[2*H+j] = dC * i * (1 - g*g)
		dz[3*H+j] = dh[j] * tc * o * (1 - o)
		dc[j] = dC * f
	}
}

func sameBits(a, b float32) bool { return a == b || (a != a && b != b) }

// TestExpfsMatchesExpf checks the call-free exponential bit for bit against
// Expf, including the range limits, NaN and the floor of negative halves.
func TestExpfsMatchesExpf(t *testing.T) {
	var xs []float32
	for x := float32(-100); x < 100; x += 0.00731 {
		xs = append(xs, x)
	}
	for _, x := range []float32{0, -0.5 / 1.4426950, 0.5 / 1.4426950, 88, 88.0001, -87.33654, -87.3366, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())} {
		xs = append(xs, x, -x)
	}
	got := append([]float32(nil), xs...)
	expfs(got)
	for i, x := range xs {
		if want := Expf(x); !sameBits(got[i], want) {
			t.Fatalf("expfs(%g) = %g, Expf = %g", x, got[i], want)
		}
	}
}

// TestCellGoMatchesPlain checks the chunked pure-Go cell kernels bit for bit
// against the element-by-element loops, for H around the chunk size.
func TestCellGoMatchesPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	for H := 1; H <= 3*cellChunk+1; H++ {
		z := make([]float32, 4*H)
		for i := range z {
			z[i] = float32(r.NormFloat64() * 4)
		}
		z[0] = 100
		if H > 3 {
			z[H+1] = -100
			z[2*H+2] = float32(math.NaN())
			z[3*H+3] = 9.5
		}
		cp := randSlice(r, H)
		z2 := append([]float32(nil), z...)
		c1, h1 := make([]float32, H), make([]float32, H)
		c2, h2 := make([]float32, H), make([]float32, H)
		cellForwardPlain(z, cp, c1, h1)
		cellForwardGo(z2, cp, c2, h2, 0)
		for i := range z {
			if !sameBits(z[i], z2[i]) {
				t.Fatalf("H=%d act[%d]: plain %g, go %g", H, i, z[i], z2[i])
			}
		}
		for j := range h1 {
			if !sameBits(h1[j], h2[j]) || !sameBits(c1[j], c2[j]) {
				t.Fatalf("H=%d unit %d: plain c=%g h=%g, go c=%g h=%g", H, j, c1[j], h1[j], c2[j], h2[j])
			}
		}
		dh := randSlice(r, H)
		dc1 := randSlice(r, H)
		dc2 := append([]float32(nil), dc1...)
		dz1 := make([]float32, 4*H)
		act2 := append([]float32(nil), z...)
		cellBackwardPlain(z, c1, cp, dh, dc1, dz1)
		cellBackwardGo(act2, c1, cp, dh, dc2, act2, 0)
		for i := range dz1 {
			if !sameBits(dz1[i], act2[i]) {
				t.Fatalf("H=%d dz[%d]: plain %g, go %g", H, i, dz1[i], act2[i])
			}
		}
		for j := range dc1 {
			if !sameBits(dc1[j], dc2[j]) {
				t.Fatalf("H=%d dc[%d]: plain %g, go %g", H, j, dc1[j], dc2[j])
			}
		}
	}
}
