package lstmlm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkTrainStep times one training step of word_language_model's
// WikiText-2 configuration (vocabulary 33,278, 2x200, bptt 35, batch 20)
// and reports tokens/s and the output layer's share in GFLOP/s.
func BenchmarkTrainStep(b *testing.B) {
	for _, V := range []int{33278} {
		b.Run(fmt.Sprintf("vocab=%d/hidden=200/bptt=35/batch=20", V), func(b *testing.B) {
			toks := make([]string, V)
			for i := range toks {
				toks[i] = fmt.Sprint(i)
			}
			m := New(Config{Vocab: NewVocab(Word, toks), Embed: 200, Hidden: 200, Layers: 2, Dropout: 0.2})
			m.Init(1)
			tr := NewTrainer(m, TrainConfig{BPTT: 35, Batch: 20, LR: 20, Clip: 0.25})
			r := rand.New(rand.NewPCG(1, 2))
			in, tgt := make([]int, 700), make([]int, 700)
			for i := range in {
				in[i], tgt[i] = r.IntN(V), r.IntN(V)
			}
			tr.Step(in, tgt, 35)
			b.ResetTimer()
			for range b.N {
				tr.Step(in, tgt, 35)
			}
			s := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(700/s, "tok/s")
			b.ReportMetric(3*2*700*float64(V)*200/s/1e9, "head-GFLOP/s-of-step")
		})
	}
}

// BenchmarkHead times the fused output layer alone (forward and backward).
func BenchmarkHead(b *testing.B) {
	const V, H, N = 33278, 200, 700
	toks := make([]string, V)
	for i := range toks {
		toks[i] = fmt.Sprint(i)
	}
	m := New(Config{Vocab: NewVocab(Word, toks), Embed: H, Hidden: H, Layers: 1})
	m.Init(1)
	r := rand.New(rand.NewPCG(1, 2))
	y := make([]float32, N*H)
	for i := range y {
		y[i] = float32(r.NormFloat64())
	}
	tgt := make([]int, N)
	for i := range tgt {
		tgt[i] = r.IntN(V)
	}
	dy := make([]float32, N*H)
	var h head
	b.ResetTimer()
	for range b.N {
		m.run(&h, y, N, tgt, dy, 1.0/N)
	}
	s := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(3*2*N*V*H/s/1e9, "GFLOP/s")
}
