package kernel

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestExpf(t *testing.T) {
	maxRel := 0.0
	for x := float32(-87); x < 88; x += 0.0137 {
		got, want := float64(Expf(x)), math.Exp(float64(x))
		maxRel = max(maxRel, math.Abs(got-want)/want)
	}
	if maxRel > 3e-7 {
		t.Errorf("Expf max relative error %g", maxRel)
	}
	if v := Expf(float32(math.NaN())); v == v {
		t.Error("Expf(NaN) not NaN")
	}
}

// TestCellForwardAsm cross-checks the fused gate kernel against the pure-Go
// loop for H around the vector width, including NaN and extreme inputs.
func TestCellForwardAsm(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for H := 1; H <= 35; H++ {
		z := make([]float32, 4*H)
		for i := range z {
			z[i] = float32(r.NormFloat64() * 4)
		}
		z[0] = 100
		if H > 3 {
			z[H+1] = -100
			z[2*H+2] = float32(math.NaN())
		}
		cp := randSlice(r, H)
		z2 := append([]float32(nil), z...)
		c1, h1 := make([]float32, H), make([]float32, H)
		c2, h2 := make([]float32, H), make([]float32, H)
		cellForwardGo(z, cp, c1, h1, 0)
		CellForward(z2, cp, c2, h2)
		for i := range z {
			if d := math.Abs(float64(z[i] - z2[i])); d > 2e-7 || (z[i] != z[i]) != (z2[i] != z2[i]) {
				t.Fatalf("H=%d act[%d]: go %g, kernel %g", H, i, z[i], z2[i])
			}
		}
		for j := 0; j < H; j++ {
			if d := math.Abs(float64(h1[j] - h2[j])); d > 3e-7 || (h1[j] != h1[j]) != (h2[j] != h2[j]) {
				t.Fatalf("H=%d h[%d]: go %g, kernel %g", H, j, h1[j], h2[j])
			}
			if d := math.Abs(float64(c1[j] - c2[j])); d > 3e-7 {
				t.Fatalf("H=%d c[%d]: go %g, kernel %g", H, j, c1[j], c2[j])
			}
		}
	}
}

func TestCellBackwardAsm(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	for H := 1; H <= 35; H++ {
		z := make([]float32, 4*H)
		for i := range z {
			z[i] = float32(r.NormFloat64() * 2)
		}
		cp := randSlice(r, H)
		c, h := make([]float32, H), make([]float32, H)
		CellForward(z, cp, c, h)
		dh := randSlice(r, H)
		dc1 := randSlice(r, H)
		dc2 := append([]float32(nil), dc1...)
		dz1 := make([]float32, 4*H)
		act2 := append([]float32(nil), z...)
		cellBackwardGo(z, c, cp, dh, dc1, dz1, 0)
		CellBackward(act2, c, cp, dh, dc2, act2)
		for i := range dz1 {
			if d := math.Abs(float64(dz1[i] - act2[i])); d > 5e-7 {
				t.Fatalf("H=%d dz[%d]: go %g, kernel %g", H, i, dz1[i], act2[i])
			}
		}
		for j := range dc1 {
			if d := math.Abs(float64(dc1[j] - dc2[j])); d > 5e-7 {
				t.Fatalf("H=%d dc[%d]: go %g, kernel %g", H, j, dc1[j], dc2[j])
			}
		}
	}
}
