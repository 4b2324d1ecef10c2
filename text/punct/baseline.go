package punct

import (
	"sort"

	"github.com/ecoute/ecoute/text/lm"
)

// Event tokens of the hidden-event language model.
var eventTokens = [numPunct]string{"", "<comma>", "<period>", "<question>"}

// Baseline is the hidden-event n-gram tagger of Stolcke et al. 1998: an
// n-gram model over words and punctuation events, decoded by a Viterbi
// search for the most likely events between the words. Its casing is each
// word's most frequent form in the training text away from sentence
// starts, capitalized at the start of a sentence.
type Baseline struct {
	LM    *lm.Model
	Cases map[string]Case
	// Beam is the number of hypotheses (LM states) kept per word
	// (default 16).
	Beam int
	ev   [numPunct]int32
}

// BuildBaseline counts docs (streams of tokens, read as chunks of up to
// 1,000 words, each a "sentence" of the LM) into a Kneser-Ney n-gram model
// of the given order with the events as words, and tabulates casing.
func BuildBaseline(docs [][]Token, order int) (*Baseline, error) {
	c, err := lm.NewCounter(order)
	if err != nil {
		return nil, err
	}
	type key struct {
		w string
		c Case
	}
	cc := map[key]int{}
	var toks []string
	for _, d := range docs {
		for st := 0; st < len(d); st += 1000 {
			toks = toks[:0]
			for i, t := range d[st:min(len(d), st+1000)] {
				toks = append(toks, t.Word)
				if t.Punct != None {
					toks = append(toks, eventTokens[t.Punct])
				}
				j := st + i
				if t.Case != noCase && j > 0 && d[j-1].Punct != Period && d[j-1].Punct != Question {
					cc[key{t.Word, t.Case}]++
				}
			}
			c.Add(toks)
		}
	}
	m, err := c.Model(lm.BuildOptions{Order: order})
	if err != nil {
		return nil, err
	}
	b := &Baseline{LM: m, Cases: map[string]Case{}, Beam: 16}
	best := map[string]int{}
	for k, n := range cc {
		if n > best[k.w] || n == best[k.w] && k.c < b.Cases[k.w] {
			best[k.w], b.Cases[k.w] = n, k.c
		}
	}
	for k, w := range b.Cases {
		if w == Lower {
			delete(b.Cases, k)
		}
	}
	for e := Comma; e < numPunct; e++ {
		b.ev[e] = m.ID(eventTokens[e])
	}
	return b, nil
}

// Tag returns the most likely event after each word (a Viterbi search over
// the n-gram's states, keeping the Beam best per word) and each word's
// case. Words are looked up as given (lowercase them first).
func (b *Baseline) Tag(words []string) ([]Punct, []Case) {
	n := len(words)
	ps, cs := make([]Punct, n), make([]Case, n)
	if n == 0 {
		return ps, cs
	}
	type back struct {
		prev int32
		ev   Punct
	}
	type hyp struct {
		s     lm.State
		score float64
		node  int32
	}
	beam := b.Beam
	if beam <= 0 {
		beam = 16
	}
	nodes := []back{{-1, None}}
	hyps := []hyp{{b.LM.Start(), 0, 0}}
	idx := map[lm.State]int{}
	var next []hyp
	for _, w := range words {
		id := b.LM.ID(w)
		next = next[:0]
		clear(idx)
		for _, h := range hyps {
			lw, s1 := b.LM.Score(h.s, id)
			for e := None; e < numPunct; e++ {
				s, sc := s1, h.score+lw
				if e != None {
					var le float64
					le, s = b.LM.Score(s1, b.ev[e])
					sc += le
				}
				if k, ok := idx[s]; ok {
					if sc <= next[k].score {
						continue
					}
					next[k].score = sc
					nodes[next[k].node] = back{h.node, e}
					continue
				}
				nodes = append(nodes, back{h.node, e})
				idx[s] = len(next)
				next = append(next, hyp{s, sc, int32(len(nodes) - 1)})
			}
		}
		sort.Slice(next, func(i, j int) bool { return next[i].score > next[j].score })
		if len(next) > beam {
			next = next[:beam]
		}
		hyps = append(hyps[:0], next...)
	}
	bi, bs := 0, 0.0
	for i, h := range hyps {
		if s := h.score + b.LM.End(h.s); i == 0 || s > bs {
			bi, bs = i, s
		}
	}
	for k, i := hyps[bi].node, n-1; i >= 0; i-- {
		ps[i] = nodes[k].ev
		k = nodes[k].prev
	}
	for i, w := range words {
		cs[i] = b.Cases[w]
		if (i == 0 || ps[i-1] == Period || ps[i-1] == Question) && cs[i] == Lower {
			cs[i] = Capitalized
		}
	}
	return ps, cs
}
