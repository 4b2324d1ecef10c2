package lstm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/ecoute/ecoute/internal/kernel"
)

// BenchmarkForward times inference on one 1000-frame sequence (the
// configurations of scripts/bench/lstm_vs_torch.py) and reports frames/s.
func BenchmarkForward(b *testing.B) {
	for _, c := range []struct{ in, hidden, layers int }{{39, 128, 2}, {39, 256, 3}} {
		name := fmt.Sprintf("hidden=%d/layers=%d/frames=1000/impl=%s", c.hidden, c.layers, kernel.Impl)
		b.Run(name, func(b *testing.B) {
			m := New(Config{Input: c.in, Hidden: c.hidden, Layers: c.layers, Bidirectional: true})
			m.Init(1, InitOptions{})
			bt := Batch{X: randF(rand.New(rand.NewPCG(1, 1)), 1000*c.in, 1), T: 1000, B: 1}
			ws := NewWorkspace(1)
			m.Forward(ws, bt, false)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.Forward(ws, bt, false)
			}
			b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}

// BenchmarkTrainStep times forward, backward and Adam on 16 x 300 frames.
func BenchmarkTrainStep(b *testing.B) {
	for _, c := range []struct{ in, hidden, layers int }{{39, 128, 2}, {117, 256, 3}} {
		name := fmt.Sprintf("hidden=%d/layers=%d/batch=16/frames=300/impl=%s", c.hidden, c.layers, kernel.Impl)
		b.Run(name, func(b *testing.B) {
			m := New(Config{Input: c.in, Hidden: c.hidden, Layers: c.layers, Bidirectional: true})
			m.Init(1, InitOptions{})
			bt := Batch{X: randF(rand.New(rand.NewPCG(1, 1)), 300*16*c.in, 1), T: 300, B: 16}
			dy := randF(rand.New(rand.NewPCG(2, 1)), 300*16*2*c.hidden, 1e-3)
			ws := NewWorkspace(1)
			opt := NewAdam()
			for i := 0; i <= b.N; i++ {
				if i == 1 {
					b.ResetTimer()
				}
				m.Params.ZeroGrad()
				m.Forward(ws, bt, true)
				m.Backward(ws, dy)
				opt.Step(m.Params.Data, m.Params.Grad, 1e-3)
			}
			b.ReportMetric(4800*float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
