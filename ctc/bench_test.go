package ctc

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/text/lm"
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

// syntheticFrames spells sentences as CTC frames at about 2.2 frames per
// label (a peak label, sometimes repeated, then a blank), each peak with a
// random probability in [0.6,0.95], a random runner-up taking 95% of the
// rest and the other labels sharing 5%: a stand-in for a trained acoustic
// model's peaky output.
func syntheticFrames(r *rand.Rand, vocab []string, text string, frames int) [][]float32 {
	V := len(vocab)
	index := map[rune]int{}
	for i, v := range vocab {
		index[[]rune(v)[0]] = i
	}
	var out [][]float32
	emit := func(k int) {
		p := 0.6 + 0.35*r.Float64()
		second := 1 + r.IntN(V-1)
		row := make([]float32, V)
		rest := (1 - p) * 0.05 / float64(V-2)
		for j := range row {
			row[j] = float32(math.Log(rest))
		}
		row[second] = float32(math.Log((1 - p) * 0.95))
		row[k] = float32(math.Log(p))
		out = append(out, row)
	}
	for len(out) < frames {
		for _, c := range text {
			k, ok := index[c]
			if !ok {
				continue
			}
			emit(k)
			if r.IntN(3) == 0 {
				emit(k)
			}
			emit(0)
			if len(out) >= frames {
				break
			}
		}
	}
	return out[:frames]
}

// BenchmarkBeamSearch decodes 10 minutes of frames (33 per second, 29
// labels) with beam 16 and a trigram word LM, and reports the real-time
// factor (seconds of audio per second of decoding) as xRT.
func BenchmarkBeamSearch(b *testing.B) {
	corpus, err := os.ReadFile("../testdata/lm/corpus.txt")
	if err != nil {
		b.Fatal(err)
	}
	m, err := lm.Build(bytes.NewReader(corpus), lm.BuildOptions{Order: 3})
	if err != nil {
		b.Fatal(err)
	}
	vocab := charVocabBench()
	text := strings.ReplaceAll(string(corpus), "\n", " ")
	const fps, seconds = 33, 600
	frames := syntheticFrames(rand.New(rand.NewPCG(1, 2)), vocab, text, fps*seconds)
	for _, c := range []struct {
		name string
		o    BeamOptions
	}{
		{"lm=none", BeamOptions{Beam: 16, PruneProb: 1e-3, Vocab: vocab, Space: 1}},
		{"lm=word3", BeamOptions{Beam: 16, PruneProb: 1e-3, Vocab: vocab, Space: 1, LM: m, Alpha: 0.5, Beta: 1}},
		{"lm=word3/prune=none", BeamOptions{Beam: 16, Vocab: vocab, Space: 1, LM: m, Alpha: 0.5, Beta: 1}},
	} {
		b.Run(fmt.Sprintf("beam=16/labels=29/frames=%d/%s", len(frames), c.name), func(b *testing.B) {
			d, err := NewDecoder(c.o)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := d.Decode(frames, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(seconds)*float64(b.N)/b.Elapsed().Seconds(), "xRT")
		})
	}
}

func charVocabBench() []string {
	v := []string{"_", " ", "'"}
	for c := 'a'; c <= 'z'; c++ {
		v = append(v, string(c))
	}
	return v
}
