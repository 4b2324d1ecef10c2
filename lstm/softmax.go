package lstm

import (
	"fmt"
	"math"
)

// LogSoftmax writes the row-wise log-softmax of src (rows of cols values)
// into dst (which may alias src):
//
//	dst[r][j] = src[r][j] - log Σ_k exp(src[r][k])
//
// computed in float64 after subtracting the row maximum. It panics if the
// lengths differ or are not a multiple of cols.
func LogSoftmax(dst, src []float32, cols int) {
	if len(dst) != len(src) || cols <= 0 || len(src)%cols != 0 {
		panic(fmt.Sprintf("lstm: LogSoftmax of %d values into %d with %d columns", len(src), len(dst), cols))
	}
	for r := 0; r < len(src); r += cols {
		s, d := src[r:r+cols], dst[r:r+cols]
		mx := s[0]
		for _, v := range s {
			if v > mx || v != v {
				mx = v
			}
		}
		var sum float64
		for _, v := range s {
			sum += math.Exp(float64(v - mx))
		}
		lse := float64(mx) + math.Log(sum)
		for j, v := range s {
			d[j] = float32(float64(v) - lse)
		}
	}
}

// LogSoftmaxBackward computes the gradient with respect to the input of
// LogSoftmax from its output y and the gradient dy of its output, row-wise:
//
//	dx[r][j] = dy[r][j] - exp(y[r][j]) * Σ_k dy[r][k]
//
// dx may alias dy. It panics if the lengths differ or are not a multiple of
// cols.
func LogSoftmaxBackward(dx, dy, y []float32, cols int) {
	if len(dx) != len(dy) || len(y) != len(dy) || cols <= 0 || len(y)%cols != 0 {
		panic(fmt.Sprintf("lstm: LogSoftmaxBackward lengths %d, %d, %d with %d columns", len(dx), len(dy), len(y), cols))
	}
	for r := 0; r < len(y); r += cols {
		var s float64
		for _, v := range dy[r : r+cols] {
			s += float64(v)
		}
		for j := r; j < r+cols; j++ {
			dx[j] = float32(float64(dy[j]) - math.Exp(float64(y[j]))*s)
		}
	}
}

// PadBatch packs sequences of frames (seqs[b][t][f], each frame of width
// dim) into a time-major batch [T][B][dim] padded with zeros, T being the
// longest length. It panics if a frame's width is not dim.
func PadBatch(seqs [][][]float32, dim int) Batch {
	T := 0
	for _, s := range seqs {
		T = max(T, len(s))
	}
	B := len(seqs)
	b := Batch{X: make([]float32, T*B*dim), T: T, B: B, Lengths: make([]int, B)}
	for i, s := range seqs {
		b.Lengths[i] = len(s)
		for t, f := range s {
			if len(f) != dim {
				panic(fmt.Sprintf("lstm: frame %d of sequence %d has %d values, want %d", t, i, len(f), dim))
			}
			copy(b.X[(t*B+i)*dim:], f)
		}
	}
	return b
}

// Frames returns sequence b of a time-major output out [T][B][cols] as
// lengths[b] rows (views into out).
func Frames(out []float32, T, B, cols, b, length int) [][]float32 {
	if len(out) != T*B*cols || b < 0 || b >= B || length < 0 || length > T {
		panic(fmt.Sprintf("lstm: Frames of %d values as [%d][%d][%d], sequence %d length %d", len(out), T, B, cols, b, length))
	}
	rows := make([][]float32, length)
	for t := range rows {
		rows[t] = out[(t*B+b)*cols : (t*B+b+1)*cols : (t*B+b+1)*cols]
	}
	return rows
}
