package asr

import (
	"math"
	"testing"
)

func TestComputeWarped(t *testing.T) {
	fe, err := NewFrontEnd(DefaultConfig().FrontEnd)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 8000)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)*0.3) + 0.5*math.Sin(float64(i)*0.05))
	}
	ref := fe.Compute(x)
	diff := func(w float64) float64 {
		y := fe.ComputeWarped(x, w)
		d := 0.0
		for i := range ref {
			for j := range ref[i] {
				d = math.Max(d, math.Abs(float64(ref[i][j]-y[i][j])))
			}
		}
		return d
	}
	if d := diff(1); d != 0 {
		t.Errorf("warp 1 differs from Compute by %g", d)
	}
	if d := diff(1.1); d < 1e-3 {
		t.Errorf("warp 1.1 moved the features by only %g", d)
	}
	if d1, d2 := diff(1.1), diff(1.1); d1 != d2 {
		t.Errorf("a cached warp gives other features: %g then %g", d1, d2)
	}
}
