package ctc

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func BenchmarkLossGradLogits(b *testing.B) {
	for _, c := range []struct{ T, V, L int }{{200, 29, 40}, {500, 29, 120}, {500, 256, 60}} {
		b.Run(fmt.Sprintf("frames=%d/labels=%d/target=%d", c.T, c.V, c.L), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			logits, _ := randLogProbs(r, c.T, c.V, 2)
			target := make([]int, c.L)
			for i := range target {
				target[i] = 1 + r.IntN(c.V-1)
			}
			g := newGrad(c.T, c.V)
			var w Workspace
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.LossGradLogits(logits, target, Options{}, g); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
