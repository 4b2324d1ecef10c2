// Command ctc_bench times ctc.BatchLossGrad (fused log-softmax + CTC, loss
// and gradient with respect to the logits) on a batch written by
// scripts/bench/ctc_vs_torch.py, and prints the time per batch and the mean
// loss for the script to compare with PyTorch.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/ecoute/ecoute/ctc"
)

func main() {
	in := flag.String("in", "", "batch JSON from ctc_vs_torch.py")
	reps := flag.Int("reps", 20, "repetitions")
	workers := flag.Int("workers", 1, "goroutines")
	flag.Parse()
	b, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var batch struct {
		Logits  [][][]float32 `json:"logits"`
		Targets [][]int       `json:"targets"`
	}
	if err := json.Unmarshal(b, &batch); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	grads := make([][][]float32, len(batch.Logits))
	for i, x := range batch.Logits {
		grads[i] = make([][]float32, len(x))
		for t := range x {
			grads[i][t] = make([]float32, len(x[t]))
		}
	}
	o := ctc.BatchOptions{Logits: true, Reduction: ctc.ReduceMean, Workers: *workers}
	var total float64
	best := time.Duration(1 << 62)
	for range *reps {
		start := time.Now()
		_, total, err = ctc.BatchLossGrad(batch.Logits, batch.Targets, o, grads)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		best = min(best, time.Since(start))
	}
	fmt.Printf("%.6f %.9f\n", best.Seconds(), total)
}
