package lstm

import (
	"fmt"

	"github.com/ecoute/ecoute/internal/kernel"
)

// Forward returns z = x·Wᵀ + b, a new slice.
//
//	x: [rows][In], z: [rows][Out]
//
// It panics if x does not hold rows·In values.
func (l *Linear) Forward(x []float32, rows int) []float32 {
	if len(x) != rows*l.In {
		panic(fmt.Sprintf("lstm: Linear.Forward: x has %d values, want [%d][%d]", len(x), rows, l.In))
	}
	z := make([]float32, rows*l.Out)
	b := l.B.W()
	for r := range rows {
		copy(z[r*l.Out:(r+1)*l.Out], b)
	}
	kernel.Sgemm(false, true, rows, l.Out, l.In, 1, x, l.In, l.W.W(), l.In, 1, z, l.Out)
	return z
}

// Backward adds the gradients of Forward for the output gradient dz to
// W.G() and B.G(), and to dx unless it is nil:
//
//	dz: [rows][Out], x: [rows][In] (Forward's input), dx: [rows][In]
//	dW += dzᵀ·x
//	db += Σ_rows dz
//	dx += dz·W
//
// It panics if a length does not match.
func (l *Linear) Backward(dz, x, dx []float32, rows int) {
	if len(dz) != rows*l.Out || len(x) != rows*l.In || dx != nil && len(dx) != rows*l.In {
		panic(fmt.Sprintf("lstm: Linear.Backward: dz %d, x %d, dx %d values for [%d] rows of %d -> %d", len(dz), len(x), len(dx), rows, l.In, l.Out))
	}
	kernel.Sgemm(true, false, l.Out, l.In, rows, 1, dz, l.Out, x, l.In, 1, l.W.G(), l.In)
	db := l.B.G()
	for r := range rows {
		for j, v := range dz[r*l.Out : (r+1)*l.Out] {
			db[j] += v
		}
	}
	if dx != nil {
		kernel.Sgemm(false, false, rows, l.In, l.Out, 1, dz, l.Out, l.W.W(), l.In, 1, dx, l.In)
	}
}
