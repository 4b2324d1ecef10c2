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
				row := h.z[r*V+lo : r*V+hi]
				for j, v := range row {
					d[j] += v
				}
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
	bias = bias[:len(z)]
	mx := float32(math.Inf(-1))
	for j, b := range bias {
		v := z[j] + b
		z[j] = v
		if v > mx {
			mx = v
		}
	}
	if mx != mx || math.IsInf(float64(mx), 0) {
		// NaN or infinite logits: report them, leave no gradient.
		if train {
			clear(z)
		}
		return math.NaN()
	}
	zt := float32(0)
	if t >= 0 {
		zt = z[t]
	}
	var s float64
	if train {
		for j, v := range z {
			e := expf(v - mx)
			z[j] = e
			s += float64(e)
		}
	} else {
		for _, v := range z {
			s += float64(expf(v - mx))
		}
	}
	lse := float64(mx) + math.Log(s)
	if train {
		if t < 0 {
			clear(z)
			return 0
		}
		inv := float32(float64(scale) / s)
		for j := range z {
			z[j] *= inv
		}
		z[t] -= scale
	}
	if t < 0 {
		return 0
	}
	return lse - float64(zt)
}

// expf returns e**x for x <= 0 (as used after subtracting the maximum) in
// float32, with the range reduction and polynomial of Cephes' expf (the
// same as kernel.Expf, inlined here for the softmax's inner loop).
func expf(x float32) float32 {
	if x < -87.3 {
		return 0
	}
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
	)
	fx := x*log2e + 0.5
	k := float32(int32(fx)) // floor(fx): truncation, corrected for negatives
	if k > fx {
		k--
	}
	r := x - k*c1 - k*c2
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(int32(k)+127)<<23)
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
