package ctc

import "math"

// A Token is one emitted label with the frames it was emitted on.
type Token struct {
	ID    int     // label index
	Start int     // first frame of the token's run
	End   int     // one past its last frame: frames [Start, End)
	Prob  float32 // highest probability of the label over its frames
}

// Greedy is best-path decoding: the most probable label at each frame,
// repeats collapsed, blanks dropped (Graves et al. 2006, section 3.2).
// logProbs: [T][V] log-probabilities (logits give the same path). Each token
// carries the span of frames on which it was the argmax. An empty input
// gives nil.
func Greedy(logProbs [][]float32, blank int) []Token {
	var out []Token
	prev := -1
	for t, row := range logProbs {
		best, bv := 0, float32(math.Inf(-1))
		for k, v := range row {
			if v > bv {
				best, bv = k, v
			}
		}
		if best != blank {
			p := float32(math.Exp(float64(bv)))
			if best == prev {
				tok := &out[len(out)-1]
				tok.End = t + 1
				tok.Prob = max(tok.Prob, p)
			} else {
				out = append(out, Token{ID: best, Start: t, End: t + 1, Prob: p})
			}
		}
		prev = best
	}
	return out
}

// Labels returns the IDs of tokens.
func Labels(tokens []Token) []int {
	ids := make([]int, len(tokens))
	for i, t := range tokens {
		ids[i] = t.ID
	}
	return ids
}
