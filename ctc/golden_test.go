package ctc

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/ecoute/ecoute/internal/numtest"
)

// golden.json is written by testdata/gen/ctc_golden.py from PyTorch's
// F.ctc_loss (torch version recorded in the file).
type goldenFile struct {
	Tool  string `json:"tool"`
	Cases []struct {
		Name      string      `json:"name"`
		T         int         `json:"T"`
		V         int         `json:"V"`
		Blank     int         `json:"blank"`
		Target    []int       `json:"target"`
		Logits    [][]float32 `json:"logits"`
		Loss      any         `json:"loss"`
		GradLog   [][]float32 `json:"grad_logits"`
		LogProbs  [][]float32 `json:"log_probs"`
		GradLPTch [][]float32 `json:"grad_log_probs_torch"`
	} `json:"cases"`
	Batch struct {
		V        int           `json:"V"`
		Blank    int           `json:"blank"`
		Targets  [][]int       `json:"targets"`
		Logits   [][][]float32 `json:"logits"`
		LossMean float64       `json:"loss_mean"`
		GradLog  [][][]float32 `json:"grad_logits"`
	} `json:"batch"`
}

func loadGolden(t *testing.T) *goldenFile {
	b, err := os.ReadFile("../testdata/ctc/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// compare returns the max abs error and reports the worst few mismatches
// when it exceeds tol (internal/numtest).
func compare(t *testing.T, what string, got, want [][]float32, tol float64) float64 {
	t.Helper()
	return numtest.Close2D(t, what, got, want, tol)
}

func TestGoldenTorch(t *testing.T) {
	g := loadGolden(t)
	const tol = 1e-4
	var maxLoss, maxGrad float64
	for _, c := range g.Cases {
		gl := newGrad(c.T, c.V)
		var w Workspace
		loss, err := w.LossGradLogits(c.Logits, c.Target, Options{Blank: c.Blank}, gl)
		if s, ok := c.Loss.(string); ok && s == "inf" {
			if !math.IsInf(loss, 1) || err == nil {
				t.Errorf("%s: loss %v err %v, torch inf", c.Name, loss, err)
			}
			l0, err := w.LossGradLogits(c.Logits, c.Target, Options{Blank: c.Blank, ZeroInfinity: true}, gl)
			if l0 != 0 || err != nil {
				t.Errorf("%s: zero_infinity loss %v err %v", c.Name, l0, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		want := c.Loss.(float64)
		d := math.Abs(loss - want)
		maxLoss = max(maxLoss, d)
		if d > tol*max(1, math.Abs(want)) {
			t.Errorf("%s: loss %.7g, torch %.7g", c.Name, loss, want)
		}
		maxGrad = max(maxGrad, compare(t, c.Name+" dlogits", gl, c.GradLog, tol))

		// From log-probs: loss identical; our gradient is -posterior,
		// torch's leaf gradient is exp(lp) - posterior.
		gp := newGrad(c.T, c.V)
		loss2, err := w.LossGrad(c.LogProbs, c.Target, Options{Blank: c.Blank}, gp)
		if err != nil || math.Abs(loss2-want) > tol*max(1, math.Abs(want)) {
			t.Errorf("%s: loss from log-probs %v (err %v), torch %v", c.Name, loss2, err, want)
		}
		for tt := range gp {
			for k := range gp[tt] {
				gp[tt][k] += float32(math.Exp(float64(c.LogProbs[tt][k])))
			}
		}
		maxGrad = max(maxGrad, compare(t, c.Name+" dlogprobs", gp, c.GradLPTch, tol))
	}
	t.Logf("%s: %d cases, max abs error: loss %.2g, gradients %.2g", g.Tool, len(g.Cases), maxLoss, maxGrad)

	b := g.Batch
	grads := make([][][]float32, len(b.Logits))
	for i := range grads {
		grads[i] = newGrad(len(b.Logits[i]), b.V)
	}
	_, total, err := BatchLossGrad(b.Logits, b.Targets, BatchOptions{
		Options: Options{Blank: b.Blank, ZeroInfinity: true}, Logits: true, Reduction: ReduceMean, Workers: 2}, grads)
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(total - b.LossMean); d > tol {
		t.Errorf("batch mean loss %.7g, torch %.7g", total, b.LossMean)
	}
	worst := 0.0
	for i := range grads {
		worst = max(worst, compare(t, fmt.Sprintf("batch[%d] dlogits", i), grads[i], b.GradLog[i], tol))
	}
	t.Logf("batch (reduction=mean, zero_infinity): loss error %.2g, gradient max abs error %.2g", math.Abs(total-b.LossMean), worst)
}
