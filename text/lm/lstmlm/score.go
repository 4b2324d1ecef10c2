package lstmlm

import (
	"errors"
	"strings"

	"github.com/ecoute/ecoute/lstm"
)

// Scorer computes sentence log-probabilities with a word model, for
// rescoring a recognizer's n-best list. It reuses its buffers; one Scorer
// must not be used by two goroutines at once (make one per goroutine; they
// may share the Model).
type Scorer struct {
	m  *Model
	ws *lstm.Workspace
	st *State
	h  head
	x  []float32
}

// NewScorer returns a scorer for m. The scorer packs the output weights
// once, at its first use: make a new Scorer after changing the weights.
func (m *Model) NewScorer() *Scorer {
	return &Scorer{m: m, ws: lstm.NewWorkspace(0), st: m.NewState(1), h: head{frozen: true}}
}

// LogProb returns the natural-log probability of one sentence (words
// separated by spaces) as the model predicts it after a line break, the
// final <eos> included, and the number of predicted tokens (words + 1).
// Unknown words count as <unk>. An empty sentence is scored as a lone
// <eos>. Text that is not UTF-8, holds NUL bytes or spans lines is an
// error.
func (s *Scorer) LogProb(sentence string) (float64, int, error) {
	if strings.ContainsAny(sentence, "\n\r") {
		return 0, 0, errors.New("lstmlm: a sentence spans lines")
	}
	m := s.m
	if m.Vocab.Level != Word {
		return 0, 0, errors.New("lstmlm: LogProb needs a word model")
	}
	ids, err := m.Vocab.Encode(sentence + "\n")
	if err != nil {
		return 0, 0, err
	}
	eos, _ := m.Vocab.ID(EOS)
	in := append([]int{eos}, ids[:len(ids)-1]...)
	T := len(in)
	s.st.Reset()
	s.x = grow(s.x, T*m.Embed)
	y := m.forward(s.ws, s.st, in, T, 1, s.x)
	lp := -m.run(&s.h, y, T, ids, nil, 0)
	return lp, len(ids), nil
}

// LogProbs scores several sentences at once (as LogProb each, in one
// padded batch: the way to score an n-best list). It returns each
// sentence's natural-log probability and token count.
func (s *Scorer) LogProbs(sentences []string) ([]float64, []int, error) {
	m := s.m
	if m.Vocab.Level != Word {
		return nil, nil, errors.New("lstmlm: LogProbs needs a word model")
	}
	B := len(sentences)
	if B == 0 {
		return nil, nil, nil
	}
	eos, _ := m.Vocab.ID(EOS)
	seqs := make([][]int, B)
	lengths := make([]int, B)
	T := 0
	for i, sent := range sentences {
		if strings.ContainsAny(sent, "\n\r") {
			return nil, nil, errors.New("lstmlm: a sentence spans lines")
		}
		ids, err := m.Vocab.Encode(sent + "\n")
		if err != nil {
			return nil, nil, err
		}
		seqs[i], lengths[i] = ids, len(ids)
		T = max(T, len(ids))
	}
	// Time-major [T][B]: input <eos> then the words; targets the words
	// then <eos>; padding rows have target -1 (no loss).
	in := make([]int, T*B)
	tgt := make([]int, T*B)
	for t := 0; t < T; t++ {
		for b, ids := range seqs {
			r := t*B + b
			switch {
			case t >= len(ids):
				in[r], tgt[r] = eos, -1
			case t == 0:
				in[r], tgt[r] = eos, ids[0]
			default:
				in[r], tgt[r] = ids[t-1], ids[t]
			}
		}
	}
	st := m.NewState(B)
	s.x = grow(s.x, T*B*m.Embed)
	E := m.Embed
	enc := m.Enc()
	for r, id := range in {
		copy(s.x[r*E:(r+1)*E], enc[id*E:(id+1)*E])
	}
	y := m.Stack.Forward(s.ws, lstm.Batch{X: s.x, T: T, B: B, Lengths: lengths, H0: st.H, C0: st.C}, false)
	m.run(&s.h, y, T*B, tgt, nil, 0)
	lps := make([]float64, B)
	for r, l := range s.h.loss[:T*B] {
		if tgt[r] >= 0 {
			lps[r%B] -= l
		}
	}
	return lps, lengths, nil
}
