package asr

import (
	"math"

	"github.com/ecoute/ecoute/internal/kernel"
)

// LogProbsOf runs the network on input frames x ([T][InputSize], already
// normalized and stacked) and returns per-frame log-probabilities [T][V].
// It panics if a frame's width is not Config.InputSize.
//
// Each layer and direction computes, as PyTorch's nn.LSTM:
//
//	z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh          z: [4H]
//	in, forget, cell, out = σ(z_i), σ(z_f), tanh(z_g), σ(z_o)
//	c_t = forget*c_{t-1} + in*cell;  h_t = out*tanh(c_t)
//
// the backward direction running t = T-1 .. 0; the layer's output is
// [h_fwd ‖ h_bwd]. Then logits = fc.weight y + fc.bias and a log-softmax.
func (m *Model) LogProbsOf(x [][]float32) [][]float32 {
	c := &m.Config
	T := len(x)
	if T == 0 {
		return nil
	}
	in := c.InputSize
	buf := make([]float32, T*in)
	for t, row := range x {
		if len(row) != in {
			panic("asr: LogProbsOf frame width differs from the model input size")
		}
		copy(buf[t*in:], row)
	}
	H, D := c.HiddenSize, c.Directions()
	z := make([]float32, T*4*H)
	for l := 0; l < c.NumLayers; l++ {
		out := make([]float32, T*D*H)
		for d := 0; d < D; d++ {
			suf := layerSuffix(l, d)
			wih, whh := m.tensors["lstm.weight_ih"+suf], m.tensors["lstm.weight_hh"+suf]
			bih, bhh := m.tensors["lstm.bias_ih"+suf], m.tensors["lstm.bias_hh"+suf]
			// z = x W_ih^T for all frames at once: [T][In] x [In][4H].
			kernel.Sgemm(false, true, T, 4*H, in, 1, buf, in, wih, in, 0, z, 4*H)
			h := make([]float32, H)
			cs := make([]float32, H)
			for s := 0; s < T; s++ {
				t := s
				if d == 1 {
					t = T - 1 - s
				}
				zt := z[t*4*H : (t+1)*4*H]
				for j := range zt {
					zt[j] += bih[j] + bhh[j] + dot(whh[j*H:(j+1)*H], h)
				}
				kernel.CellForward(zt, cs, cs, h)
				copy(out[t*D*H+d*H:], h)
			}
		}
		buf, in = out, D*H
	}
	V := c.OutputSize
	logits := make([]float32, T*V)
	kernel.Sgemm(false, true, T, V, in, 1, buf, in, m.tensors["fc.weight"], in, 0, logits, V)
	bias := m.tensors["fc.bias"]
	lp := make([][]float32, T)
	for t := range lp {
		row := logits[t*V : (t+1)*V]
		mx := float32(math.Inf(-1))
		for k := range row {
			row[k] += bias[k]
			mx = max(mx, row[k])
		}
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v - mx))
		}
		lse := mx + float32(math.Log(s))
		for k := range row {
			row[k] -= lse
		}
		lp[t] = row
	}
	return lp
}

func layerSuffix(l, d int) string {
	s := "_l" + itoa(l)
	if d == 1 {
		s += "_reverse"
	}
	return s
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// dot returns Σ a[i] b[i] (len(b) terms), four accumulators.
func dot(a, b []float32) float32 {
	a = a[:len(b)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(b); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(b); i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}
