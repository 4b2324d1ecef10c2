package lstmlm

import (
	"github.com/ecoute/ecoute/internal/par"
	"math"
	"sync"
	"sync/atomic"

	"github.com/ecoute/ecoute/internal/kernel"
)

// rowBlock is the number of rows whose logits one goroutine forms at a
// time: small enough that the block [rowBlock][V] is still in cache when it
// is multiplied back by the weights, large enough for the GEMM.
const rowBlock = 8 * kernel.MR

// head holds the buffers of the fused output layer.
type head struct {
	pT, pN kernel.PackedB // op(B) = Wᵀ [H][V] for the logits; W [V][H] for dY
	z      []float32      // [N][V] logits, then dZ
	loss   []float64      // [N] per-row loss
	// frozen keeps the packed weights of the first call (inference over
	// weights that do not change: evaluation, scoring).
	frozen, packed bool
}

// run is the fused output layer, softmax and cross-entropy for the rows of
// y [N][H] with targets tgt [N] (a negative target is ignored: no loss, no
// gradient):
//
//	z[r] = y[r]·Wᵀ + bias                        (logits [N][V])
//	loss[r] = log Σ_j exp z[r][j] − z[r][tgt[r]]
//
// and, when dy is not nil (training),
//
//	dz[r][j] = scale·(softmax(z[r])[j] − [j = tgt[r]])
//	dy[r] = dz[r]·W                              ([N][H], overwritten)
//	dW += dzᵀ·y,  dbias += Σ_r dz[r]              (into Grad)
//
// It returns the sum of the row losses (float64, in row order, so the
// result does not depend on the number of goroutines).
func (m *Model) run(h *head, y []float32, N int, tgt []int, dy []float32, scale float32) float64 {
	V, H := m.V, m.Hidden
	W, bias := m.Dec(), m.Bias()
	train := dy != nil
	if N == 1 && !train {
		// One row (sampling): no packing.
		h.z = grow(h.z, V)
		kernel.Sgemm(false, true, 1, V, H, 1, y, H, W, H, 0, h.z, V)
		h.loss = growF64(h.loss, 1)
		h.loss[0] = softmaxRow(h.z, bias, tgtAt(tgt, 0), 0, false)
		return h.loss[0]
	}
	if !h.frozen || !h.packed || train {
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { h.pT.Repack(true, H, V, W, H); wg.Done() }()
		if train {
			h.pN.Repack(false, V, H, W, H)
		}
		wg.Wait()
		h.packed = true
	}
	h.z = grow(h.z, N*V)
	h.loss = growF64(h.loss, N)
	nb := (N + rowBlock - 1) / rowBlock
	var next atomic.Int64
	par.Do(min(m.threads(), nb), func(int) {
		for {
			b := int(next.Add(1)) - 1
			if b >= nb {
				return
			}
			r0, r1 := b*rowBlock, min(N, (b+1)*rowBlock)
			z := h.z[r0*V : r1*V]
			h.pT.Gemm(false, r1-r0, 1, y[r0*H:], H, 0, z, V)
			for r := r0; r < r1; r++ {
				h.loss[r] = softmaxRow(z[(r-r0)*V:(r-r0+1)*V], bias, tgtAt(tgt, r), scale, train)
			}
			if train {
				h.pN.Gemm(false, r1-r0, 1, z, V, 0, dy[r0*H:], H)
			}
		}
	})
	if train {
		dW, db := m.dDec(), m.dBias()
		nt := m.threads()
		par.Do(nt, func(i int) {
			lo, hi := par.Split(V, nt, i, kernel.MR)
			if hi <= lo {
				return
			}
			kernel.Sgemm(true, false, hi-lo, H, N, 1, h.z[lo:], V, y, H, 1, dW[lo*H:], H)
			d := db[lo:hi]
			for r := 0; r < N; r++ {
				kernel.Acc(d, h.z[r*V+lo:r*V+hi])
			}
		})
	}
	var s float64
	for _, l := range h.loss[:N] {
		s += l
	}
	return s
}

func tgtAt(tgt []int, r int) int {
	if tgt == nil {
		return -1
	}
	return tgt[r]
}

// softmaxRow adds bias to the logits z in place and returns the loss
// −log softmax(z)[t] (0 for t < 0). With train set it replaces z by
// scale·(softmax(z) − onehot(t)); otherwise z keeps the biased logits.
func softmaxRow(z, bias []float32, t int, scale float32, train bool) float64 {
	mx := kernel.AddMax(z, bias)
	if math.IsInf(float64(mx), 0) {
		// Infinite logits, or NaN everywhere: report them, leave no gradient.
		if train {
			clear(z)
		}
		return math.NaN()
	}
	zt := float32(0)
	if t >= 0 {
		zt = z[t]
	}
	s := kernel.ExpSum(z, mx, train) // NaN when a logit is NaN
	lse := float64(mx) + math.Log(s)
	if train {
		if t < 0 {
			clear(z)
			return 0
		}
		kernel.Scal(z, float32(float64(scale)/s))
		z[t] -= scale
	}
	if t < 0 {
		return 0
	}
	return lse - float64(zt)
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func growF64(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func (m *Model) threads() int { return max(1, m.Threads) }
