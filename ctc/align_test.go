package ctc

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// align_golden.json is written by testdata/gen/ctc_align_golden.py: Viterbi
// paths from PyTorch's F.ctc_loss in its max-product limit, cross-checked
// there by brute-force enumeration of all paths on the small cases.
type alignGolden struct {
	Tool  string `json:"tool"`
	Cases []struct {
		Name     string      `json:"name"`
		Blank    int         `json:"blank"`
		Target   []int       `json:"target"`
		LogProbs [][]float32 `json:"log_probs"`
		Path     []int       `json:"path"`
		Scores   []float32   `json:"scores"`
		Total    float64     `json:"total"`
	} `json:"cases"`
}

func TestForcedAlignGolden(t *testing.T) {
	b, err := os.ReadFile("../testdata/ctc/align_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g alignGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < 15 {
		t.Fatalf("golden file has %d cases", len(g.Cases))
	}
	t.Logf("reference: %s", g.Tool)
	for _, c := range g.Cases {
		for _, name := range []string{"ForcedAlign", "AlignLong"} {
			var a *Alignment
			var err error
			if name == "ForcedAlign" {
				a, err = ForcedAlign(c.LogProbs, c.Target, c.Blank)
			} else {
				a, err = AlignLong(c.LogProbs, c.Target, c.Blank, LongOptions{})
			}
			if err != nil {
				t.Errorf("%s %s: %v", c.Name, name, err)
				continue
			}
			{
				for i := range c.Path {
					if a.Path[i] != c.Path[i] || a.Scores[i] != c.Scores[i] {
						t.Errorf("%s %s: frame %d: got label %d (%g), torch %d (%g)\n got  %v\n want %v", c.Name, name, i, a.Path[i], a.Scores[i], c.Path[i], c.Scores[i], a.Path, c.Path)
						break
					}
				}
				if math.Abs(a.LogProb-c.Total) > 1e-4 {
					t.Errorf("%s %s: total %g, torch %g", c.Name, name, a.LogProb, c.Total)
				}
			}
			checkAlignment(t, c.Name+" "+name, a, c.LogProbs, c.Target, c.Blank)
		}
	}
}

// checkAlignment verifies that a is a valid CTC path for target: it collapses
// to target, its tokens' frames agree with the path, and the scores are the
// log-probabilities of the path's labels.
func checkAlignment(t *testing.T, name string, a *Alignment, lp [][]float32, target []int, blank int) {
	t.Helper()
	if len(a.Path) != len(lp) || len(a.Tokens) != len(target) {
		t.Fatalf("%s: path %d frames (want %d), %d tokens (want %d)", name, len(a.Path), len(lp), len(a.Tokens), len(target))
	}
	var got []int
	prev := -1
	var sum float64
	for i, l := range a.Path {
		if l != blank && l != prev {
			got = append(got, l)
		}
		prev = l
		if a.Scores[i] != lp[i][l] {
			t.Fatalf("%s: score at %d is %g, log-prob of label %d is %g", name, i, a.Scores[i], l, lp[i][l])
		}
		sum += float64(a.Scores[i])
	}
	if len(got) != len(target) {
		t.Fatalf("%s: path collapses to %v, want %v", name, got, target)
	}
	for k := range got {
		if got[k] != target[k] {
			t.Fatalf("%s: path collapses to %v, want %v", name, got, target)
		}
		tk := a.Tokens[k]
		if tk.Label != target[k] || tk.Start >= tk.End || (k > 0 && tk.Start < a.Tokens[k-1].End) {
			t.Fatalf("%s: token %d = %+v (previous %+v)", name, k, tk, a.Tokens[max(0, k-1)])
		}
		for f := tk.Start; f < tk.End; f++ {
			if a.Path[f] != tk.Label {
				t.Fatalf("%s: token %d spans [%d,%d) but frame %d has label %d", name, k, tk.Start, tk.End, f, a.Path[f])
			}
		}
		if (tk.Start > 0 && a.Path[tk.Start-1] == tk.Label) || (tk.End < len(lp) && a.Path[tk.End] == tk.Label) {
			t.Fatalf("%s: token %d span [%d,%d) is not the whole run of its label", name, k, tk.Start, tk.End)
		}
	}
	if math.Abs(sum-a.LogProb) > 1e-6*math.Max(1, math.Abs(sum)) {
		t.Fatalf("%s: LogProb %g, sum of scores %g", name, a.LogProb, sum)
	}
}

func TestForcedAlignErrors(t *testing.T) {
	lp := [][]float32{{-1, -1, -1}, {-1, -1, -1}, {-1, -1, -1}}
	if _, err := ForcedAlign(nil, []int{1}, 0); !errors.Is(err, ErrEmptyInput) {
		t.Errorf("no frames: %v", err)
	}
	if _, err := ForcedAlign(lp, nil, 0); !errors.Is(err, ErrEmptyInput) {
		t.Errorf("no labels: %v", err)
	}
	var te *TargetError
	if _, err := ForcedAlign(lp, []int{1, 3}, 0); !errors.As(err, &te) || te.Pos != 1 {
		t.Errorf("label out of range: %v", err)
	}
	if _, err := AlignLong(lp, []int{0}, 0, LongOptions{}); !errors.As(err, &te) || te.Pos != 0 {
		t.Errorf("blank in target: %v", err)
	}
	var ie *InfeasibleError
	// [1 1 2] needs 4 frames (a blank between the ones); there are 3.
	if _, err := ForcedAlign(lp, []int{1, 1, 2}, 0); !errors.As(err, &ie) || ie.Needed != 4 || !errors.Is(err, ErrInfeasible) {
		t.Errorf("too long: %v", err)
	}
	if _, err := AlignLong(lp, []int{1, 2, 1, 2}, 0, LongOptions{}); !errors.Is(err, ErrInfeasible) {
		t.Errorf("too long (AlignLong): %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("ragged rows did not panic")
		}
	}()
	ForcedAlign([][]float32{{-1, -1}, {-1}}, []int{1}, 0)
}

// peaky builds log-probabilities in which the path along spells target with
// the given frames of blank before each label and of each label, and
// returns them with that path: a long synthetic utterance whose alignment is
// known.
func peaky(rng *rand.Rand, V, blank int, target []int, noise float64) ([][]float32, []int) {
	var path []int
	for k, l := range target {
		gap := rng.IntN(6)
		if k > 0 && target[k-1] == l {
			gap = max(gap, 1)
		}
		for range gap {
			path = append(path, blank)
		}
		for range 1 + rng.IntN(3) {
			path = append(path, l)
		}
	}
	for range rng.IntN(5) {
		path = append(path, blank)
	}
	lp := make([][]float32, len(path))
	for t, l := range path {
		row := make([]float32, V)
		var z float64
		for k := range row {
			x := noise * rng.NormFloat64()
			if k == l {
				x += 4
			}
			row[k] = float32(x)
			z += math.Exp(x)
		}
		for k := range row {
			row[k] -= float32(math.Log(z))
		}
		lp[t] = row
	}
	return lp, path
}

func randTarget(rng *rand.Rand, n, V, blank int) []int {
	tg := make([]int, n)
	for i := range tg {
		for {
			tg[i] = rng.IntN(V)
			if tg[i] != blank {
				break
			}
		}
	}
	return tg
}

// AlignLong with a beam must find the same path as ForcedAlign on a long
// peaky input.
func TestAlignLongMatchesForcedAlign(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 1))
	for trial := range 6 {
		V, blank := 12, trial%2
		target := randTarget(rng, 300+100*trial, V, blank)
		lp, truth := peaky(rng, V, blank, target, 1)
		want, err := ForcedAlign(lp, target, blank)
		if err != nil {
			t.Fatal(err)
		}
		checkAlignment(t, "ForcedAlign", want, lp, target, blank)
		agree := 0
		for i := range truth {
			if want.Path[i] == truth[i] {
				agree++
			}
		}
		if agree < len(truth)*95/100 {
			t.Fatalf("trial %d: ForcedAlign agrees with the generating path on %d of %d frames", trial, agree, len(truth))
		}
		for _, o := range []LongOptions{{Beam: 30}, {}, {Beam: 1e9}} {
			got, err := AlignLong(lp, target, blank, o)
			if err != nil {
				t.Fatalf("trial %d beam %g: %v", trial, o.Beam, err)
			}
			checkAlignment(t, "AlignLong", got, lp, target, blank)
			for i := range got.Path {
				if got.Path[i] != want.Path[i] {
					t.Fatalf("trial %d beam %g: frame %d label %d, ForcedAlign %d", trial, o.Beam, i, got.Path[i], want.Path[i])
				}
			}
			if got.LogProb != want.LogProb {
				t.Fatalf("trial %d beam %g: log-prob %g, ForcedAlign %g", trial, o.Beam, got.LogProb, want.LogProb)
			}
		}
	}
}

// On inputs that do not follow the text (noise, a text with more labels
// than the audio says), AlignLong still returns a valid path or a typed
// error, never a panic.
func TestAlignLongBadData(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 2))
	for trial := range 40 {
		V, blank := 2+rng.IntN(6), rng.IntN(2)
		if blank >= V {
			blank = 0
		}
		T := 1 + rng.IntN(200)
		lp := make([][]float32, T)
		for i := range lp {
			lp[i] = make([]float32, V)
			for k := range lp[i] {
				lp[i][k] = float32(-3 * rng.Float64())
			}
		}
		target := randTarget(rng, 1+rng.IntN(T+5), V, blank)
		W := 1 + rng.IntN(50)
		a, err := AlignLong(lp, target, blank, LongOptions{Beam: float64(W)})
		if MinFrames(target) > T {
			if !errors.Is(err, ErrInfeasible) {
				t.Fatalf("trial %d: %d labels need %d > %d frames, err %v", trial, len(target), MinFrames(target), T, err)
			}
			continue
		}
		if errors.Is(err, ErrInfeasible) {
			continue // the end fell out of a narrow beam
		}
		if err != nil {
			t.Fatalf("trial %d (T=%d L=%d beam=%d): %v", trial, T, len(target), W, err)
		}
		checkAlignment(t, "noise", a, lp, target, blank)
	}
}

func BenchmarkForcedAlign(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	target := randTarget(rng, 400, 29, 0)
	lp, _ := peaky(rng, 29, 0, target, 1)
	b.Run("impl=ForcedAlign", func(b *testing.B) {
		for b.Loop() {
			ForcedAlign(lp, target, 0)
		}
		b.ReportMetric(float64(len(lp))*float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
	b.Run("impl=AlignLong/beam=100", func(b *testing.B) {
		for b.Loop() {
			AlignLong(lp, target, 0, LongOptions{})
		}
		b.ReportMetric(float64(len(lp))*float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	})
}
