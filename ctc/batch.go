package ctc

import (
	"fmt"
	"sync"
)

// Reduction says how BatchLossGrad combines per-sequence losses.
type Reduction int

const (
	// ReduceNone returns per-sequence losses; the total is their sum and
	// gradients are not scaled.
	ReduceNone Reduction = iota
	// ReduceSum: total = sum of losses (gradients unscaled).
	ReduceSum
	// ReduceMean is PyTorch's reduction='mean': each loss is divided by its
	// target length (at least 1), then averaged over the batch; gradients
	// are scaled to match.
	ReduceMean
)

// BatchOptions configures BatchLossGrad.
type BatchOptions struct {
	Options
	// Logits says the inputs are unnormalised logits (fused log-softmax);
	// otherwise they are log-probabilities.
	Logits bool
	// Reduction combines the per-sequence losses into the total.
	Reduction Reduction
	// Workers is the number of goroutines (<= 1: the calling one).
	Workers int
}

// A BatchError lists the sequences of a batch that failed, by index.
type BatchError struct {
	Index []int
	Err   []error
}

func (e *BatchError) Error() string {
	s := fmt.Sprintf("ctc: %d sequence(s) of the batch failed; first: sequence %d: %v", len(e.Index), e.Index[0], e.Err[0])
	return s
}

// Unwrap returns the per-sequence errors (for errors.Is and errors.As).
func (e *BatchError) Unwrap() []error { return e.Err }

// BatchLossGrad computes the loss of each sequence of a batch of variable
// lengths and, when grads is not nil, each gradient (inputs[i]: [T_i][V],
// grads[i]: same shape, overwritten). It returns the per-sequence losses
// (before reduction) and the reduced total. Failed sequences get a NaN or
// +Inf loss and a zero gradient and are listed in a *BatchError; the others
// are still computed. It panics if len(targets) or the shape of grads does
// not match inputs.
func BatchLossGrad(inputs [][][]float32, targets [][]int, o BatchOptions, grads [][][]float32) (losses []float64, total float64, err error) {
	if len(targets) != len(inputs) {
		panic(fmt.Sprintf("ctc: %d targets for %d inputs", len(targets), len(inputs)))
	}
	if grads != nil && len(grads) != len(inputs) {
		panic(fmt.Sprintf("ctc: %d gradients for %d inputs", len(grads), len(inputs)))
	}
	B := len(inputs)
	losses = make([]float64, B)
	errs := make([]error, B)
	one := func(w *Workspace, i int) {
		var g [][]float32
		if grads != nil {
			g = grads[i]
			checkGrad(inputs[i], g)
		}
		if o.Logits && g == nil {
			w.softmax(inputs[i], rowLen(inputs[i]))
		}
		losses[i], errs[i] = w.run(inputs[i], targets[i], o.Options, g, o.Logits)
	}
	workers := min(max(o.Workers, 1), B)
	if workers <= 1 {
		w := pool.Get().(*Workspace)
		for i := range B {
			one(w, i)
		}
		pool.Put(w)
	} else {
		var wg sync.WaitGroup
		next := make(chan int, B)
		for i := range B {
			next <- i
		}
		close(next)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := pool.Get().(*Workspace)
				for i := range next {
					one(w, i)
				}
				pool.Put(w)
			}()
		}
		wg.Wait()
	}
	var be *BatchError
	for i, e := range errs {
		if e != nil {
			if be == nil {
				be = &BatchError{}
			}
			be.Index = append(be.Index, i)
			be.Err = append(be.Err, e)
		}
	}
	for i, l := range losses {
		scale := 1.0
		if o.Reduction == ReduceMean {
			scale = 1 / float64(max(len(targets[i]), 1)) / float64(B)
		}
		total += l * scale
		if grads != nil && scale != 1 {
			s := float32(scale)
			for _, r := range grads[i] {
				for k := range r {
					r[k] *= s
				}
			}
		}
	}
	if be != nil {
		return losses, total, be
	}
	return losses, total, nil
}

func rowLen(x [][]float32) int {
	if len(x) == 0 {
		return 0
	}
	return len(x[0])
}
