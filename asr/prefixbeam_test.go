package asr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ecoute/ecoute/ctc"
)

// TestPrefixBeamExact checks the beam search without an LM against brute
// force: with a beam wide enough to hold every prefix, the best hypothesis
// is the label sequence of highest total CTC probability (ctc.Loss sums over
// all its alignments), and its score is that log-probability (a float64 CTC forward pass).
func TestPrefixBeamExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	vocab := []string{"<blank>", "a", "b"}
	for trial := 0; trial < 20; trial++ {
		T := 5
		lp := make([][]float32, T)
		for i := range lp {
			lp[i] = make([]float32, 3)
			var s float64
			p := make([]float64, 3)
			for k := range p {
				p[k] = math.Exp(2 * rng.NormFloat64())
				s += p[k]
			}
			for k := range p {
				lp[i][k] = float32(math.Log(p[k] / s))
			}
		}
		// Enumerate every sequence over {a, b} of length 0..T.
		bestScore, var_ := math.Inf(-1), []int(nil)
		var rec func(seq []int)
		rec = func(seq []int) {
			var score float64
			if len(seq) == 0 {
				for _, row := range lp {
					score += float64(row[0])
				}
			} else {
				score = ctcLogProb(lp, seq)
				if l, err := ctc.Loss(lp, seq, 0); err == nil && math.Abs(-l-score) > 1e-3 {
					t.Logf("ctc.Loss %v vs float64 forward %v for %v", -l, score, seq)
				}
			}
			if score > bestScore {
				bestScore, var_ = score, append([]int(nil), seq...)
			}
			if len(seq) < T {
				rec(append(seq, 1))
				rec(append(seq, 2))
			}
		}
		rec(nil)
		d := &prefixBeam{blank: 0, space: -1, vocab: vocab, beam: 1000, prune: math.Inf(-1)}
		got := d.decode(lp, 1)[0]
		if !equalInts(got.labels, var_) || math.Abs(got.score-bestScore) > 1e-6 {
			t.Fatalf("trial %d: beam gave %v (%.5f), brute force %v (%.5f)", trial, got.labels, got.score, var_, bestScore)
		}
		// The alignment places every label inside the input.
		toks := align(lp, got.labels, 0)
		for i, tk := range toks {
			if tk.Start < 0 || tk.End <= tk.Start || tk.End > T || (i > 0 && tk.Start < toks[i-1].End) {
				t.Fatalf("trial %d: bad token span %+v in %+v", trial, tk, toks)
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ctcLogProb is the CTC forward algorithm in float64 (Graves et al. 2006):
// ln p(labels | lp), summed over all alignments.
func ctcLogProb(lp [][]float32, labels []int) float64 {
	S := 2*len(labels) + 1
	sym := func(s int) int {
		if s%2 == 0 {
			return 0
		}
		return labels[s/2]
	}
	a := make([]float64, S)
	for s := range a {
		a[s] = math.Inf(-1)
	}
	a[0] = float64(lp[0][0])
	if S > 1 {
		a[1] = float64(lp[0][labels[0]])
	}
	for t := 1; t < len(lp); t++ {
		b := make([]float64, S)
		for s := range b {
			v := a[s]
			if s >= 1 {
				v = logAddExp(v, a[s-1])
			}
			if s >= 2 && sym(s) != 0 && sym(s) != sym(s-2) {
				v = logAddExp(v, a[s-2])
			}
			b[s] = v + float64(lp[t][sym(s)])
		}
		a = b
	}
	if S == 1 {
		return a[0]
	}
	return logAddExp(a[S-1], a[S-2])
}

func TestPrefixBeamHotword(t *testing.T) {
	vocab := []string{"<blank>", " ", "a", "b"}
	row := func(p ...float64) []float32 {
		r := make([]float32, len(p))
		for i, v := range p {
			r[i] = float32(math.Log(v))
		}
		return r
	}
	// One ambiguous letter: b slightly more likely than a.
	lp := [][]float32{row(0.9, 0.02, 0.03, 0.05), row(0.1, 0.02, 0.40, 0.48), row(0.9, 0.02, 0.04, 0.04)}
	d := &prefixBeam{blank: 0, space: 1, vocab: vocab, beam: 8, prune: math.Inf(-1)}
	if got := d.decode(lp, 1)[0].labels; !equalInts(got, []int{3}) {
		t.Fatalf("without hotword: %v, want [3] (b)", got)
	}
	d.hot = map[string]float64{"a": 1.0}
	if got := d.decode(lp, 1)[0].labels; !equalInts(got, []int{2}) {
		t.Fatalf("with hotword a: %v, want [2] (a)", got)
	}
}
