package ctc

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// randLogProbs returns [T][V] log-softmax of random logits scaled by sharp.
func randLogProbs(r *rand.Rand, T, V int, sharp float64) (logits, logProbs [][]float32) {
	logits = make([][]float32, T)
	logProbs = make([][]float32, T)
	for t := range T {
		logits[t] = make([]float32, V)
		logProbs[t] = make([]float32, V)
		m, s := math.Inf(-1), 0.0
		for k := range V {
			logits[t][k] = float32(r.NormFloat64() * sharp)
			m = max(m, float64(logits[t][k]))
		}
		for k := range V {
			s += math.Exp(float64(logits[t][k]) - m)
		}
		for k := range V {
			logProbs[t][k] = float32(float64(logits[t][k]) - m - math.Log(s))
		}
	}
	return
}

func newGrad(T, V int) [][]float32 {
	g := make([][]float32, T)
	for t := range g {
		g[t] = make([]float32, V)
	}
	return g
}

// bruteLoss sums the probability of every frame-level path that collapses
// to target: the definition of CTC, independent of the recursions.
func bruteLoss(lp [][]float32, target []int, blank int) float64 {
	T, V := len(lp), len(lp[0])
	path := make([]int, T)
	total := 0.0
	var rec func(t int)
	rec = func(t int) {
		if t == T {
			var out []int
			prev := -1
			for _, k := range path {
				if k != blank && k != prev {
					out = append(out, k)
				}
				prev = k
			}
			if len(out) != len(target) {
				return
			}
			for i := range out {
				if out[i] != target[i] {
					return
				}
			}
			lp0 := 0.0
			for t, k := range path {
				lp0 += float64(lp[t][k])
			}
			total += math.Exp(lp0)
			return
		}
		for k := range V {
			path[t] = k
			rec(t + 1)
		}
	}
	rec(0)
	return -math.Log(total)
}

func TestLossBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		T, V, blank int
		target      []int
	}{
		{4, 3, 0, []int{1, 2}},
		{5, 3, 0, []int{1, 1}},
		{3, 3, 0, []int{1, 1}}, // shortest feasible
		{5, 4, 2, []int{0, 3, 3}},
		{4, 3, 0, nil},
		{6, 3, 1, []int{0, 2, 0}},
		{2, 3, 0, []int{2, 2}}, // infeasible
	}
	for i, c := range cases {
		_, lp := randLogProbs(r, c.T, c.V, 1.5)
		want := bruteLoss(lp, c.target, c.blank)
		got, err := Loss(lp, c.target, c.blank)
		if math.IsInf(want, 1) {
			if !errors.Is(err, ErrInfeasible) || !math.IsInf(got, 1) {
				t.Errorf("case %d: got %v, %v; want +Inf, ErrInfeasible", i, got, err)
			}
			continue
		}
		if err != nil || math.Abs(got-want) > 1e-9*max(1, math.Abs(want)) {
			t.Errorf("case %d: loss %v (err %v), brute force %v", i, got, err, want)
		}
	}
}

// TestGradFiniteDifference checks both gradients (wrt log-probs, treated as
// free inputs, and wrt logits) against central differences of the loss.
func TestGradFiniteDifference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		T, V, blank int
		target      []int
	}{
		{6, 4, 0, []int{1, 2, 2}},
		{5, 3, 2, []int{0, 1}},
		{7, 5, 0, []int{3, 3, 3}},
		{4, 3, 0, nil},
	} {
		logits, lp := randLogProbs(r, c.T, c.V, 1)
		for _, fused := range []bool{false, true} {
			x := lp
			if fused {
				x = logits
			}
			g := newGrad(c.T, c.V)
			var w Workspace
			o := Options{Blank: c.blank}
			run := func() (float64, error) {
				if fused {
					return w.LossGradLogits(x, c.target, o, newGrad(c.T, c.V))
				}
				return w.Loss(x, c.target, o)
			}
			var err error
			if fused {
				_, err = w.LossGradLogits(x, c.target, o, g)
			} else {
				_, err = w.LossGrad(x, c.target, o, g)
			}
			if err != nil {
				t.Fatal(err)
			}
			const h = 1e-2
			worst := 0.0
			for tt := range c.T {
				for k := range c.V {
					old := x[tt][k]
					x[tt][k] = old + h
					fp, _ := run()
					x[tt][k] = old - h
					fm, _ := run()
					x[tt][k] = old
					num := (fp - fm) / (2 * h)
					if d := math.Abs(num - float64(g[tt][k])); d > worst {
						worst = d
					}
				}
			}
			if worst > 2e-3 {
				t.Errorf("T=%d V=%d target=%v fused=%v: max |analytic - numeric| = %g", c.T, c.V, c.target, fused, worst)
			}
		}
	}
}

// TestLogFallback forces the log-space path with extreme log-probabilities
// and compares it with the rescaled path on the same (shifted) problem.
func TestLogFallback(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	_, lp := randLogProbs(r, 30, 5, 2)
	target := []int{1, 2, 3, 1}
	g1 := newGrad(30, 5)
	want, err := LossGrad(lp, target, 0, g1)
	if err != nil {
		t.Fatal(err)
	}
	// Subtract 800 from every entry: each frame's probabilities underflow
	// float64, the loss grows by exactly 800*T and the gradient is unchanged.
	for _, row := range lp {
		for k := range row {
			row[k] -= 800
		}
	}
	g2 := newGrad(30, 5)
	got, err := LossGrad(lp, target, 0, g2)
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(got - (want + 800*30)); d > 1e-6*got {
		t.Errorf("log path loss %v, want %v", got, want+800*30)
	}
	for tt := range g1 {
		for k := range g1[tt] {
			if d := math.Abs(float64(g1[tt][k] - g2[tt][k])); d > 1e-4 {
				t.Fatalf("grad[%d][%d]: log path %v, scaled %v", tt, k, g2[tt][k], g1[tt][k])
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	_, lp := randLogProbs(rand.New(rand.NewPCG(7, 8)), 3, 4, 1)
	var te *TargetError
	if _, err := Loss(lp, []int{1, 4}, 0); !errors.As(err, &te) || te.Pos != 1 {
		t.Errorf("label out of range: %v", err)
	}
	if _, err := Loss(lp, []int{0}, 0); !errors.As(err, &te) || te.Reason != "equal to the blank" {
		t.Errorf("label equal to blank: %v", err)
	}
	if _, err := Loss(lp, []int{-1}, 0); !errors.As(err, &te) {
		t.Errorf("negative label: %v", err)
	}
	if _, err := Loss(nil, []int{1}, 0); !errors.Is(err, ErrEmptyInput) {
		t.Errorf("empty input: %v", err)
	}
	if _, err := Loss(lp, []int{1}, 9); err == nil {
		t.Errorf("blank out of range: no error")
	}
	g := newGrad(3, 4)
	g[0][0] = 5
	l, err := LossGrad(lp, []int{1, 2, 3, 1}, 0, g)
	var ie *InfeasibleError
	if !math.IsInf(l, 1) || !errors.As(err, &ie) || ie.Needed != 4 || g[0][0] != 0 {
		t.Errorf("too long target: loss %v err %v grad[0][0] %v", l, err, g[0][0])
	}
	var w Workspace
	l, err = w.LossGrad(lp, []int{1, 1, 1}, Options{ZeroInfinity: true}, g)
	if l != 0 || err != nil {
		t.Errorf("zero_infinity: loss %v err %v", l, err)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("no panic for a gradient of the wrong shape")
		}
	}()
	LossGrad(lp, []int{1}, 0, newGrad(2, 4))
}

func TestBatchMatchesSingle(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var in [][][]float32
	var tg [][]int
	var gs [][][]float32
	for i := range 6 {
		T := 5 + 3*i
		logits, _ := randLogProbs(r, T, 6, 1)
		in = append(in, logits)
		tg = append(tg, []int{1 + i%5, 2, 3 + i%3}[:1+i%3])
		gs = append(gs, newGrad(T, 6))
	}
	tg[2] = []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1} // infeasible in 11 frames
	for _, workers := range []int{1, 3} {
		losses, total, err := BatchLossGrad(in, tg, BatchOptions{Logits: true, Reduction: ReduceMean, Workers: workers, Options: Options{ZeroInfinity: true}}, gs)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for i := range in {
			g := newGrad(len(in[i]), 6)
			var w Workspace
			want, _ := w.LossGradLogits(in[i], tg[i], Options{ZeroInfinity: true}, g)
			if losses[i] != want {
				t.Errorf("workers=%d seq %d: loss %v, single %v", workers, i, losses[i], want)
			}
			scale := 1 / float64(len(tg[i])) / float64(len(in))
			sum += want * scale
			if d := float64(gs[i][1][2]) - float64(g[1][2])*scale; math.Abs(d) > 1e-7 {
				t.Errorf("workers=%d seq %d: grad scaled wrongly (%v vs %v)", workers, i, gs[i][1][2], float64(g[1][2])*scale)
			}
		}
		if math.Abs(total-sum) > 1e-12 {
			t.Errorf("total %v, want %v", total, sum)
		}
	}
	_, _, err := BatchLossGrad(in, tg, BatchOptions{}, nil)
	var be *BatchError
	if !errors.As(err, &be) || be.Index[0] != 2 || !errors.Is(err, ErrInfeasible) {
		t.Errorf("batch error: %v", err)
	}
}

func TestGreedy(t *testing.T) {
	// frames: a a - a b b - -   (blank 0, a 1, b 2)
	seq := []int{1, 1, 0, 1, 2, 2, 0, 0}
	lp := make([][]float32, len(seq))
	for i, k := range seq {
		lp[i] = []float32{-3, -3, -3}
		lp[i][k] = -0.1
	}
	got := Greedy(lp, 0)
	want := []Token{{1, 0, 2, 0}, {1, 3, 4, 0}, {2, 4, 6, 0}}
	if len(got) != len(want) {
		t.Fatalf("Greedy = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Start != want[i].Start || got[i].End != want[i].End ||
			math.Abs(float64(got[i].Prob)-math.Exp(-0.1)) > 1e-6 {
			t.Errorf("token %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if Greedy(nil, 0) != nil {
		t.Errorf("Greedy(nil) not nil")
	}
}
