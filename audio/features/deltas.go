package features

import (
	"fmt"
	"math"
)

// AddDeltas appends delta features as Kaldi's add-deltas does: for feats
// [T][D] it returns [T][D*(order+1)], the features followed by their first
// to order-th regression deltas over ±window frames, edges replicated.
// Kaldi's defaults are order 2, window 2. It panics if order < 0 or
// window < 1.
func AddDeltas(feats [][]float32, order, window int) [][]float32 {
	if order < 0 || window < 1 {
		panic(fmt.Sprintf("features: AddDeltas order %d window %d", order, window))
	}
	// scales[i] is the filter for the i-th order, centered, length 2*i*window+1.
	scales := make([][]float64, order+1)
	scales[0] = []float64{1}
	for i := 1; i <= order; i++ {
		prev := scales[i-1]
		cur := make([]float64, len(prev)+2*window)
		var norm float64
		for j := -window; j <= window; j++ {
			norm += float64(j * j)
			for k, p := range prev {
				cur[j+window+k] += float64(j) * p
			}
		}
		for k := range cur {
			cur[k] /= norm
		}
		scales[i] = cur
	}
	T := len(feats)
	if T == 0 {
		return [][]float32{}
	}
	D := len(feats[0])
	out := makeRows(nil, T, D*(order+1))
	acc := make([]float64, D)
	for t := 0; t < T; t++ {
		for i, sc := range scales {
			half := (len(sc) - 1) / 2
			clear(acc)
			for j, s := range sc {
				if s == 0 {
					continue
				}
				tt := min(max(t+j-half, 0), T-1)
				for d, v := range feats[tt] {
					acc[d] += s * float64(v)
				}
			}
			dst := out[t][i*D : (i+1)*D]
			for d := range dst {
				dst[d] = float32(acc[d])
			}
		}
	}
	return out
}

// CMVN normalises feats [T][D] in place over the utterance: each dimension
// gets zero mean and, with normVars, unit variance (variances below 1e-20
// are floored as Kaldi's apply-cmvn does). Empty input is left alone.
func CMVN(feats [][]float32, normVars bool) {
	T := len(feats)
	if T == 0 {
		return
	}
	D := len(feats[0])
	sum := make([]float64, D)
	sq := make([]float64, D)
	for _, row := range feats {
		for d, v := range row[:D] {
			sum[d] += float64(v)
			sq[d] += float64(v) * float64(v)
		}
	}
	n := float64(T)
	for d := range sum {
		mean := sum[d] / n
		scale := 1.0
		if normVars {
			v := sq[d]/n - mean*mean
			if v < 1e-20 {
				v = 1e-20
			}
			scale = 1 / math.Sqrt(v)
		}
		for _, row := range feats {
			row[d] = float32((float64(row[d]) - mean) * scale)
		}
	}
}
