package asr

import (
	"math"
	"slices"

	"github.com/ecoute/ecoute/ctc"
	"github.com/ecoute/ecoute/text/lm"
)

// prefixBeam is a CTC prefix beam search with word n-gram LM fusion and
// hotword boosts (Hannun et al. 2014, "First-pass large vocabulary continuous
// speech recognition using bi-directional recurrent DNNs", algorithm 1),
// followed by a CTC Viterbi alignment of the best label sequence for token
// times. Scores are natural logs: acoustic + alpha*ln(10)*log10 P_LM + beta
// per word (+ hotword boosts).
type prefixBeam struct {
	blank, space int
	vocab        []string
	beam         int
	topK         int
	prune        float64 // ln of the smallest label probability considered
	lm           *lm.Model
	alpha, beta  float64
	hot          map[string]float64
}

// pbNode is one label of a prefix. Children are kept per node, so each
// label sequence has exactly one node and the node pointer identifies the
// prefix.
type pbNode struct {
	parent *pbNode
	tok    int // -1 at the root
	kids   map[int]*pbNode
}

func (n *pbNode) child(k int) *pbNode {
	if c, ok := n.kids[k]; ok {
		return c
	}
	if n.kids == nil {
		n.kids = map[int]*pbNode{}
	}
	c := &pbNode{parent: n, tok: k}
	n.kids[k] = c
	return c
}

type pbHyp struct {
	node    *pbNode
	pb, pnb float64 // ln p(prefix ending in blank / in its last label)
	lmScore float64 // alpha*ln10*log10 + bonuses + boosts
	lmRaw   float64 // log10 LM probability
	st      lm.State
	word    []byte // current partial word
	words   int
}

func (h *pbHyp) total() float64 { return logAddExp(h.pb, h.pnb) + h.lmScore }

func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// completeWord scores the word ending h (if any) with the LM and boosts.
func (d *prefixBeam) completeWord(h *pbHyp) {
	if len(h.word) == 0 {
		return
	}
	w := string(h.word)
	if d.lm != nil {
		lp, st := d.lm.Score(h.st, d.lm.ID(w))
		h.st = st
		h.lmRaw += lp
		h.lmScore += d.alpha*math.Ln10*lp + d.beta
	}
	if b, ok := d.hot[w]; ok {
		h.lmScore += b
	}
	h.word = nil
	h.words++
}

// decode returns up to n hypotheses' label sequences with their scores.
func (d *prefixBeam) decode(lp [][]float32, n int) []pbResult {
	root := &pbHyp{node: &pbNode{tok: -1}, pb: 0, pnb: math.Inf(-1)}
	if d.lm != nil {
		root.st = d.lm.Start()
	}
	beam := []*pbHyp{root}
	cand := make([]int, 0, len(d.vocab))
	for _, row := range lp {
		cand = cand[:0]
		for k, v := range row {
			if k != d.blank && float64(v) >= d.prune {
				cand = append(cand, k)
			}
		}
		if d.topK > 0 && len(cand) > d.topK {
			slices.SortFunc(cand, func(a, b int) int {
				if row[a] > row[b] {
					return -1
				} else if row[a] < row[b] {
					return 1
				}
				return a - b
			})
			cand = cand[:d.topK]
		}
		next := map[*pbNode]*pbHyp{}
		var order []*pbHyp
		get := func(node *pbNode, from *pbHyp) (*pbHyp, bool) {
			if h, ok := next[node]; ok {
				return h, false
			}
			h := &pbHyp{node: node, pb: math.Inf(-1), pnb: math.Inf(-1), lmScore: from.lmScore, lmRaw: from.lmRaw, st: from.st, word: from.word, words: from.words}
			next[node] = h
			order = append(order, h)
			return h, true
		}
		yb := float64(row[d.blank])
		for _, h := range beam {
			tot := logAddExp(h.pb, h.pnb)
			// Blank and repeat keep the prefix.
			s, _ := get(h.node, h)
			s.pb = logAddExp(s.pb, tot+yb)
			if h.node.tok >= 0 {
				s.pnb = logAddExp(s.pnb, h.pnb+float64(row[h.node.tok]))
			}
			for _, k := range cand {
				yk := float64(row[k])
				v := tot + yk
				if h.node.tok == k {
					v = h.pb + yk // a repeat needs a blank between
				}
				if math.IsInf(v, -1) {
					continue
				}
				if k == d.space && (h.node.tok < 0 || h.node.tok == d.space) {
					continue // no leading or double spaces
				}
				e, fresh := get(h.node.child(k), h)
				if fresh {
					if k == d.space {
						d.completeWord(e)
					} else {
						e.word = append(slices.Clip(h.word), d.vocab[k]...)
					}
				}
				e.pnb = logAddExp(e.pnb, v)
			}
		}
		slices.SortStableFunc(order, func(a, b *pbHyp) int {
			ta, tb := a.total(), b.total()
			if ta > tb {
				return -1
			} else if ta < tb {
				return 1
			}
			return 0
		})
		beam = order[:min(len(order), d.beam)]
	}
	// Finish: score the last word and the sentence end.
	var out []pbResult
	for _, h := range beam {
		f := *h
		d.completeWord(&f)
		if d.lm != nil {
			e := d.lm.End(f.st)
			f.lmRaw += e
			f.lmScore += d.alpha * math.Ln10 * e
		}
		var labels []int
		for n := h.node; n.tok >= 0; n = n.parent {
			labels = append(labels, n.tok)
		}
		slices.Reverse(labels)
		for len(labels) > 0 && labels[len(labels)-1] == d.space {
			labels = labels[:len(labels)-1]
		}
		ac := logAddExp(h.pb, h.pnb)
		out = append(out, pbResult{labels: labels, score: ac + f.lmScore, acoustic: ac, lmLog10: f.lmRaw})
	}
	slices.SortStableFunc(out, func(a, b pbResult) int {
		if a.score > b.score {
			return -1
		} else if a.score < b.score {
			return 1
		}
		return 0
	})
	return out[:min(n, len(out))]
}

type pbResult struct {
	labels                   []int
	score, acoustic, lmLog10 float64
}

// align returns the tokens of labels on their most probable CTC path
// through lp (Viterbi): each token's first and last frame and peak
// probability. Labels that cannot be placed (more labels than frames allow)
// get the frames of their neighbours.
func align(lp [][]float32, labels []int, blank int) []ctc.Token {
	T, L := len(lp), len(labels)
	if L == 0 || T == 0 {
		return nil
	}
	S := 2*L + 1
	sym := func(s int) int {
		if s%2 == 0 {
			return blank
		}
		return labels[s/2]
	}
	ninf := math.Inf(-1)
	score := make([]float64, S)
	prev := make([]float64, S)
	back := make([][]int8, T) // 0 stay, 1 from s-1, 2 from s-2
	for s := range prev {
		prev[s] = ninf
	}
	prev[0] = float64(lp[0][blank])
	if S > 1 {
		prev[1] = float64(lp[0][labels[0]])
	}
	back[0] = make([]int8, S)
	for t := 1; t < T; t++ {
		back[t] = make([]int8, S)
		for s := 0; s < S; s++ {
			best, from := prev[s], int8(0)
			if s >= 1 && prev[s-1] > best {
				best, from = prev[s-1], 1
			}
			if s >= 2 && sym(s) != blank && sym(s) != sym(s-2) && prev[s-2] > best {
				best, from = prev[s-2], 2
			}
			score[s] = best + float64(lp[t][sym(s)])
			back[t][s] = from
		}
		prev, score = score, prev
	}
	s := S - 1
	if S >= 2 && prev[S-2] > prev[S-1] {
		s = S - 2
	}
	if math.IsInf(prev[s], -1) {
		return nil
	}
	path := make([]int, T)
	for t := T - 1; t >= 0; t-- {
		path[t] = s
		s -= int(back[t][s])
	}
	toks := make([]ctc.Token, L)
	for i := range toks {
		toks[i] = ctc.Token{ID: labels[i], Start: -1}
	}
	for t, s := range path {
		if s%2 == 0 {
			continue
		}
		i := s / 2
		tk := &toks[i]
		if tk.Start < 0 {
			tk.Start = t
		}
		tk.End = t + 1
		tk.Prob = max(tk.Prob, float32(math.Exp(float64(lp[t][tk.ID]))))
	}
	return toks
}
