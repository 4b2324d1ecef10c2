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

// NewScorer returns a scorer for m.
func (m *Model) NewScorer() *Scorer {
	return &Scorer{m: m, ws: lstm.NewWorkspace(0), st: m.NewState(1)}
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
