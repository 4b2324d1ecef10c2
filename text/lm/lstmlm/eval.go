package lstmlm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/ecoute/ecoute/lstm"
)

// EvalResult is the loss of a model on a text.
type EvalResult struct {
	Loss   float64 // mean negative log-likelihood, nats per token
	Tokens int     // tokens predicted
}

// Perplexity returns exp(Loss).
func (r EvalResult) Perplexity() float64 { return math.Exp(r.Loss) }

// BitsPerToken returns Loss in bits (bits per character for a character model).
func (r EvalResult) BitsPerToken() float64 { return r.Loss / math.Ln2 }

// Evaluate returns the loss of the model on a stream of token ids, cut into
// B columns and run in chunks of bptt steps with the hidden state carried
// across chunks, as word_language_model's evaluate (batch 10 there). It
// panics if the stream is shorter than 2*B tokens or an id is out of
// range.
func (m *Model) Evaluate(stream []int, B, bptt int) EvalResult {
	data, rows := Batchify(stream, B)
	if rows < 2 {
		panic(fmt.Sprintf("lstmlm: stream of %d tokens too short for %d streams", len(stream), B))
	}
	ws := lstm.NewWorkspace(0)
	st := m.NewState(B)
	h := head{frozen: true}
	x := make([]float32, bptt*B*m.Embed)
	var sum float64
	n := 0
	for pos := 0; pos < rows-1; pos += bptt {
		T := min(bptt, rows-1-pos)
		in := data[pos*B : (pos+T)*B]
		tgt := data[(pos+1)*B : (pos+T+1)*B]
		y := m.forward(ws, st, in, T, B, x)
		sum += m.run(&h, y, T*B, tgt, nil, 0)
		n += T * B
	}
	return EvalResult{Loss: sum / float64(n), Tokens: n}
}

// forward embeds ids [T][B], runs the stack from state st (updated to the
// final state) and returns the top output [T*B][H] (inference, no dropout).
func (m *Model) forward(ws *lstm.Workspace, st *State, ids []int, T, B int, x []float32) []float32 {
	E := m.Embed
	x = x[:T*B*E]
	enc := m.Enc()
	for r, id := range ids {
		if id < 0 || id >= m.V {
			panic(fmt.Sprintf("lstmlm: token id %d outside vocabulary of %d", id, m.V))
		}
		copy(x[r*E:(r+1)*E], enc[id*E:(id+1)*E])
	}
	y := m.Stack.Forward(ws, lstm.Batch{X: x, T: T, B: B, H0: st.H, C0: st.C}, false)
	copy(st.H, ws.HN())
	copy(st.C, ws.CN())
	return y
}

// SampleOptions controls generation.
type SampleOptions struct {
	Temperature float64 // divides the logits; default 1
	TopK        int     // sample among the k most likely tokens; 0 for all
}

// Sample continues a prompt with n tokens drawn from the model and returns
// the prompt's continuation as text (without the prompt). An empty prompt
// starts as after a line break. Prompt tokens outside the vocabulary become
// <unk> where the vocabulary has it, and are an *UnknownError otherwise.
func (m *Model) Sample(r *rand.Rand, prompt string, n int, o SampleOptions) (string, error) {
	ids, err := m.Vocab.EncodePrompt(prompt)
	if err != nil {
		return "", err
	}
	out, err := m.SampleIDs(r, ids, n, o)
	if err != nil {
		return "", err
	}
	s := m.Vocab.Decode(out)
	if m.Vocab.Level == Word && len(ids) > 0 && len(out) > 0 && m.Vocab.Tokens[ids[len(ids)-1]] != EOS && m.Vocab.Tokens[out[0]] != EOS {
		s = " " + s
	}
	return s, nil
}

// SampleIDs continues the token ids prompt with n sampled ids.
func (m *Model) SampleIDs(r *rand.Rand, prompt []int, n int, o SampleOptions) ([]int, error) {
	if o.Temperature <= 0 {
		o.Temperature = 1
	}
	if len(prompt) == 0 {
		start := 0
		if id, ok := m.Vocab.ID(EOS); ok && m.Vocab.Level == Word {
			start = id
		} else if id, ok := m.Vocab.ID("\n"); ok {
			start = id
		}
		prompt = []int{start}
	}
	ws := lstm.NewWorkspace(0)
	st := m.NewState(1)
	var h head
	x := make([]float32, len(prompt)*m.Embed)
	y := m.forward(ws, st, prompt, len(prompt), 1, x)
	last := y[(len(prompt)-1)*m.Hidden:]
	out := make([]int, 0, n)
	p := make([]float64, m.V)
	idx := make([]int, m.V)
	for range n {
		m.run(&h, last, 1, nil, nil, 0)
		z := h.z[:m.V]
		id := pick(r, z, o, p, idx)
		out = append(out, id)
		y = m.forward(ws, st, []int{id}, 1, 1, x)
		last = y
	}
	return out, nil
}

// pick samples an index from logits z with temperature and top-k.
func pick(r *rand.Rand, z []float32, o SampleOptions, p []float64, idx []int) int {
	idx = idx[:len(z)]
	for i := range idx {
		idx[i] = i
	}
	k := len(z)
	if o.TopK > 0 && o.TopK < k {
		k = o.TopK
		slices.SortFunc(idx, func(a, b int) int {
			switch {
			case z[a] > z[b]:
				return -1
			case z[a] < z[b]:
				return 1
			}
			return a - b
		})
	}
	idx = idx[:k]
	mx := math.Inf(-1)
	for _, i := range idx {
		mx = max(mx, float64(z[i]))
	}
	var s float64
	for j, i := range idx {
		p[j] = math.Exp((float64(z[i]) - mx) / o.Temperature)
		s += p[j]
	}
	u := r.Float64() * s
	for j, i := range idx {
		u -= p[j]
		if u < 0 {
			return i
		}
	}
	return idx[k-1]
}
