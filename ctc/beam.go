package ctc

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// LM is the language-model interface of the beam search: word (or
// character) ids, states, log10 probabilities. The n-gram models of
// text/lm (*lm.Model) implement it; ctc does not import them.
type LM interface {
	// ID returns the id of a word, or a negative id for an unknown word
	// (Score must accept it, typically scoring it as <unk>).
	ID(word string) int32
	// Start returns the state at the start of a sentence (after <s>).
	Start() LMState
	// Score returns log10 p(word | s) and the next state.
	Score(s LMState, word int32) (float64, LMState)
	// End returns log10 p(</s> | s).
	End(s LMState) float64
}

// An LMState is an LM's scoring context, opaque to the search: it is only
// passed back to the LM that returned it.
type LMState = int32

// CharSpace is the token a character-level LM (BeamOptions.CharLM) is
// asked for in place of the word separator; it is text/lm's CharSpace.
const CharSpace = "<sp>"

// A Hotword is a word whose score is raised by Boost (natural log, added
// once per occurrence) at decoding time.
type Hotword struct {
	Word  string
	Boost float64
}

// BeamOptions configures a prefix beam search decoder.
type BeamOptions struct {
	Blank int // index of the blank label
	Beam  int // hypotheses kept per frame (default 16)
	NBest int // hypotheses returned (default 1)

	// Per-frame candidate pruning: only the TopK most probable labels (0:
	// all) whose probability is at least PruneProb (0: no threshold) extend
	// hypotheses. Blank and repeats are always considered.
	TopK      int
	PruneProb float64
	// BeamThreshold drops hypotheses scoring more than this below the best
	// one at each frame (natural log; 0: off).
	BeamThreshold float64

	// Vocab maps label ids to their text; required for an LM, a lexicon,
	// hotwords and word output. Space is the id of the word separator; -1,
	// or a value equal to Blank (the zero value of both), means none: the
	// whole output is one word.
	Vocab []string
	Space int

	// LM, if set, is fused with weight Alpha (on its natural-log
	// probability) and insertion bonus Beta. A word-level LM scores a word
	// when the separator after it (or the end of the input) completes it;
	// with CharLM it scores every label as it is added, the separator as
	// CharSpace, and Beta is per label.
	LM          LM
	CharLM      bool
	Alpha, Beta float64

	// Lexicon, if not empty, restricts words to these (spelled with the
	// texts of Vocab). Hotwords are always allowed.
	Lexicon []string
}

// A Word is one decoded word with its frames and confidence.
type Word struct {
	Text  string
	Start int // first frame of its first label
	End   int // one past the last frame of its last label
	// Confidence is the geometric mean of the peak frame probabilities of
	// its labels, in [0,1].
	Confidence float64
}

// A Hypothesis is one decoding result.
type Hypothesis struct {
	Tokens []Token // labels with their frame spans and peak probabilities
	Text   string  // concatenated label texts (needs Vocab)
	Words  []Word  // words split at the separator (needs Vocab)
	// Score = Acoustic + LM. Acoustic is ln p(labels | input), summed
	// over all alignments; LM is alpha*ln(10)*(LM log10 probability) plus
	// the insertion bonuses and hotword boosts.
	Score, Acoustic, LM float64
	// LMLog10 is the raw LM log10 probability, </s> included.
	LMLog10 float64
}

// A Decoder is a compiled beam search (lexicon trie, LM ids). It is safe
// for concurrent use: each Decode call has its own state.
type Decoder struct {
	o     BeamOptions
	lex   *trie   // nil: no lexicon
	tokLM []int32 // per label: LM id (char LM)
	vocab [][]byte
}

// NewDecoder checks the options and compiles the lexicon. It returns an
// error for inconsistent options (an LM, lexicon or hotwords without
// Vocab, a blank or separator out of range).
func NewDecoder(o BeamOptions) (*Decoder, error) {
	if o.Beam <= 0 {
		o.Beam = 16
	}
	if o.NBest <= 0 {
		o.NBest = 1
	}
	if o.Vocab == nil && (o.LM != nil || len(o.Lexicon) > 0) {
		return nil, errors.New("ctc: an LM or a lexicon needs Vocab")
	}
	if o.Vocab != nil {
		if o.Blank < 0 || o.Blank >= len(o.Vocab) {
			return nil, fmt.Errorf("ctc: blank %d out of range [0,%d)", o.Blank, len(o.Vocab))
		}
		if o.Space >= len(o.Vocab) {
			return nil, fmt.Errorf("ctc: separator %d out of range [0,%d)", o.Space, len(o.Vocab))
		}
	}
	if o.Space == o.Blank || o.Vocab == nil {
		o.Space = -1
	}
	d := &Decoder{o: o}
	for _, v := range o.Vocab {
		d.vocab = append(d.vocab, []byte(v))
	}
	if len(o.Lexicon) > 0 {
		d.lex = newTrie()
		for _, w := range o.Lexicon {
			d.lex.add(w, 0, o.LM)
		}
	}
	if o.LM != nil && o.CharLM {
		d.tokLM = make([]int32, len(o.Vocab))
		for k, v := range o.Vocab {
			if k == o.Space {
				v = CharSpace
			}
			d.tokLM[k] = o.LM.ID(v)
		}
	}
	return d, nil
}

// trie is a byte trie of words; nodes are indices, 0 the root.
type trie struct {
	next  []map[byte]int32
	end   []bool
	lmID  []int32
	boost []float64 // hotwords: boost at the word end
	part  []float64 // hotwords: partial boost while spelling
}

func newTrie() *trie {
	t := &trie{}
	t.node()
	return t
}

func (t *trie) node() int32 {
	t.next = append(t.next, nil)
	t.end = append(t.end, false)
	t.lmID = append(t.lmID, -1)
	t.boost = append(t.boost, 0)
	t.part = append(t.part, 0)
	return int32(len(t.end) - 1)
}

func (t *trie) add(w string, boost float64, m LM) {
	n := int32(0)
	for i := 0; i < len(w); i++ {
		c, ok := t.next[n][w[i]]
		if !ok {
			c = t.node()
			if t.next[n] == nil {
				t.next[n] = map[byte]int32{}
			}
			t.next[n][w[i]] = c
		}
		n = c
		if boost > 0 {
			t.part[n] = max(t.part[n], boost*float64(i+1)/float64(len(w)+1))
		}
	}
	t.end[n] = true
	t.boost[n] = max(t.boost[n], boost)
	if m != nil {
		t.lmID[n] = m.ID(w)
	}
}

// walk follows s from node n; -1 if it falls off.
func (t *trie) walk(n int32, s []byte) int32 {
	for _, b := range s {
		if n < 0 {
			return -1
		}
		c, ok := t.next[n][b]
		if !ok {
			return -1
		}
		n = c
	}
	return n
}

// pnode is one label of a prefix; prefixes share their heads.
type pnode struct {
	parent   *pnode
	tok      int32
	start    int32   // frame where this label starts
	prevEnd  int32   // end frame of the previous label on the best path
	prevProb float32 // peak probability of the previous label
}

// hyp is a prefix in the beam.
type hyp struct {
	key      uint64 // hash of the prefix
	node     *pnode
	pb, pnb  float64 // ln p(prefix, ending in blank / in its last label)
	lm       float64 // LM contribution (alpha*ln10*log10 + bonuses + boosts)
	lmRaw    float64
	st       LMState
	lex, hot int32 // trie nodes of the current word (-1: off the trie)
	hotPart  float64
	wordLen  int // labels in the current word
	lastEnd  int32
	lastProb float32
	best     float64 // largest contribution this frame (for timing)
	score    float64 // total, computed once before selection
	pending  bool    // node is pend, not yet allocated
	pend     pnode
}

func (h *hyp) total() float64 { return logAdd(h.pb, h.pnb) + h.lm }

// selectTop moves the k highest-scoring hypotheses to h[:k] (in no
// particular order): quickselect.
func selectTop(h []hyp, k int) {
	lo, hi := 0, len(h)-1
	for lo < hi {
		// Median of three as the pivot.
		mid := lo + (hi-lo)/2
		if h[mid].score > h[lo].score {
			h[mid], h[lo] = h[lo], h[mid]
		}
		if h[hi].score > h[lo].score {
			h[hi], h[lo] = h[lo], h[hi]
		}
		if h[mid].score > h[hi].score {
			h[mid], h[hi] = h[hi], h[mid]
		}
		p := h[hi].score
		i := lo
		for j := lo; j < hi; j++ {
			if h[j].score > p {
				h[i], h[j] = h[j], h[i]
				i++
			}
		}
		h[i], h[hi] = h[hi], h[i]
		switch {
		case i == k || i == k-1:
			return
		case i < k:
			lo = i + 1
		default:
			hi = i - 1
		}
	}
}

func mix(key uint64, tok int32) uint64 {
	k := (key ^ uint64(tok+1)) * 0x9E3779B97F4A7C15
	return k ^ (k >> 31) ^ 0x5bd1e995
}

// Decode runs the prefix beam search over logProbs ([T][V]
// log-probabilities) with optional hotwords and returns up to NBest
// hypotheses, best first. It returns an error for an empty input or a row
// length different from len(Vocab).
func (d *Decoder) Decode(logProbs [][]float32, hotwords []Hotword) ([]Hypothesis, error) {
	o := &d.o
	if len(logProbs) == 0 || len(logProbs[0]) == 0 {
		return nil, ErrEmptyInput
	}
	V := len(logProbs[0])
	if d.vocab != nil && V != len(d.vocab) {
		return nil, fmt.Errorf("ctc: input has %d labels, Vocab %d", V, len(d.vocab))
	}
	if o.Blank >= V {
		return nil, fmt.Errorf("ctc: blank %d out of range [0,%d)", o.Blank, V)
	}
	var hot *trie
	if len(hotwords) > 0 {
		if d.vocab == nil {
			return nil, errors.New("ctc: hotwords need Vocab")
		}
		hot = newTrie()
		for _, h := range hotwords {
			hot.add(h.Word, h.Boost, o.LM)
		}
	}
	s := &search{d: d, hot: hot, V: V}
	return s.run(logProbs)
}

type search struct {
	d    *Decoder
	hot  *trie
	V    int
	beam []hyp
	next []hyp
	idx  map[uint64]int32
	cand []int32
	word []byte
}

func (s *search) run(x [][]float32) ([]Hypothesis, error) {
	d, o := s.d, &s.d.o
	ln10a := o.Alpha * math.Ln10
	root := hyp{pb: 0, pnb: math.Inf(-1), lastEnd: -1}
	if o.LM != nil {
		root.st = o.LM.Start()
	}
	if d.lex == nil {
		root.lex = -1
	}
	if s.hot == nil {
		root.hot = -1
	}
	s.beam = append(s.beam, root)
	s.idx = make(map[uint64]int32, 4*o.Beam)
	ninf := math.Inf(-1)
	logPrune := math.Inf(-1)
	if o.PruneProb > 0 {
		logPrune = math.Log(o.PruneProb)
	}
	for t, row := range x {
		t32 := int32(t)
		// Candidate labels for extensions.
		s.cand = s.cand[:0]
		for k, v := range row {
			if k != o.Blank && float64(v) >= logPrune {
				s.cand = append(s.cand, int32(k))
			}
		}
		if o.TopK > 0 && len(s.cand) > o.TopK {
			slices.SortFunc(s.cand, func(a, b int32) int {
				if row[a] > row[b] {
					return -1
				} else if row[a] < row[b] {
					return 1
				}
				return int(a - b)
			})
			s.cand = s.cand[:o.TopK]
		}
		clear(s.idx)
		s.next = s.next[:0]
		yb := float64(row[o.Blank])
		get := func(h *hyp) *hyp {
			if i, ok := s.idx[h.key]; ok {
				return &s.next[i]
			}
			s.idx[h.key] = int32(len(s.next))
			n := *h
			n.pb, n.pnb, n.best = ninf, ninf, ninf
			s.next = append(s.next, n)
			return &s.next[len(s.next)-1]
		}
		for i := range s.beam {
			h := &s.beam[i]
			tot := logAdd(h.pb, h.pnb)
			// Blank: same prefix, ends in blank.
			n := get(h)
			v := tot + yb
			n.pb = logAdd(n.pb, v)
			if v > n.best {
				n.best, n.node, n.lastEnd, n.lastProb, n.pending = v, h.node, h.lastEnd, h.lastProb, false
			}
			// Repeat of the last label: same prefix.
			if h.node != nil {
				k := h.node.tok
				yk := float64(row[k])
				v := h.pnb + yk
				n = get(h) // may have moved
				n.pnb = logAdd(n.pnb, v)
				if v > n.best {
					n.best, n.node, n.lastEnd, n.pending = v, h.node, t32, false
					n.lastProb = max(h.lastProb, float32(math.Exp(yk)))
				}
			}
			// Extensions.
			for _, k := range s.cand {
				yk := float64(row[k])
				var v float64
				if h.node != nil && h.node.tok == k {
					v = h.pb + yk
				} else {
					v = tot + yk
				}
				if math.IsInf(v, -1) {
					continue
				}
				key := mix(h.key, k)
				if j, ok := s.idx[key]; ok {
					n := &s.next[j]
					n.pnb = logAdd(n.pnb, v)
					if v > n.best {
						n.best, n.lastEnd, n.lastProb = v, t32, float32(math.Exp(yk))
						n.pending, n.pend = true, pnode{parent: h.node, tok: k, start: t32, prevEnd: h.lastEnd, prevProb: h.lastProb}
					}
					continue
				}
				e, ok := s.extend(h, k, ln10a)
				if !ok {
					continue
				}
				e.key = key
				e.pb, e.pnb, e.best = ninf, v, v
				e.lastEnd, e.lastProb = t32, float32(math.Exp(yk))
				e.pending, e.pend = true, pnode{parent: h.node, tok: k, start: t32, prevEnd: h.lastEnd, prevProb: h.lastProb}
				s.idx[key] = int32(len(s.next))
				s.next = append(s.next, e)
			}
		}
		// Keep the best Beam.
		for i := range s.next {
			s.next[i].score = s.next[i].total()
		}
		n := len(s.next)
		if n > o.Beam {
			selectTop(s.next, o.Beam)
			n = o.Beam
		}
		if o.BeamThreshold > 0 && n > 1 {
			top := s.next[0].score
			for i := 1; i < n; i++ {
				top = max(top, s.next[i].score)
			}
			lim := top - o.BeamThreshold
			j := 0
			for i := range n {
				if s.next[i].score >= lim {
					s.next[j] = s.next[i]
					j++
				}
			}
			n = j
		}
		n = s.keepWholeWord(n)
		for i := range n {
			if h := &s.next[i]; h.pending {
				nd := h.pend
				h.node, h.pending = &nd, false
			}
		}
		s.beam, s.next = s.next[:n], s.beam[:0]
	}
	return s.finish(ln10a)
}

// wholeWord reports whether h may end the utterance under the lexicon: its
// last word is complete (a lexicon word or a hotword) or it has none.
func (s *search) wholeWord(h *hyp) bool {
	if h.wordLen == 0 {
		return true
	}
	return (s.d.lex != nil && h.lex >= 0 && s.d.lex.end[h.lex]) || (s.hot != nil && h.hot >= 0 && s.hot.end[h.hot])
}

// keepWholeWord makes sure that, with a lexicon, the n hypotheses kept in
// s.next[:n] include one that may end the utterance: if none of them does,
// the best such hypothesis among the pruned ones is kept as well (the beam
// grows by one). Without it the beam can fill with unfinished words ("it
// splend") in the last frames, and the search has no whole-word ending
// left. It returns the new count.
func (s *search) keepWholeWord(n int) int {
	if s.d.lex == nil {
		return n
	}
	for i := range n {
		if s.wholeWord(&s.next[i]) {
			return n
		}
	}
	best := -1
	for i := n; i < len(s.next); i++ {
		if s.wholeWord(&s.next[i]) && (best < 0 || s.next[i].score > s.next[best].score) {
			best = i
		}
	}
	if best < 0 {
		return n
	}
	s.next[n], s.next[best] = s.next[best], s.next[n]
	return n + 1
}

// extend returns the hypothesis h+k with its LM, lexicon and hotword
// fields (probabilities left for the caller), or ok = false if the lexicon
// forbids it.
func (s *search) extend(h *hyp, k int32, ln10a float64) (hyp, bool) {
	d, o := s.d, &s.d.o
	e := *h
	isSpace := int(k) == o.Space && o.Vocab != nil
	if isSpace {
		if h.wordLen > 0 {
			if !s.completeWord(&e, ln10a) {
				return e, false
			}
		}
		e.wordLen = 0
		if d.lex != nil {
			e.lex = 0
		}
		if s.hot != nil {
			e.hot = 0
		}
		e.hotPart = 0
	} else {
		e.wordLen++
		if d.vocab != nil {
			tok := d.vocab[k]
			if d.lex != nil && e.lex >= 0 {
				e.lex = d.lex.walk(e.lex, tok)
			}
			if s.hot != nil && e.hot >= 0 {
				e.hot = s.hot.walk(e.hot, tok)
				p := 0.0
				if e.hot >= 0 {
					p = s.hot.part[e.hot]
				}
				e.lm += p - e.hotPart
				e.hotPart = p
			}
			if d.lex != nil && e.lex < 0 && (s.hot == nil || e.hot < 0) {
				return e, false
			}
		}
	}
	if d.tokLM != nil {
		lp, st := o.LM.Score(e.st, d.tokLM[k])
		e.st = st
		e.lmRaw += lp
		e.lm += ln10a*lp + o.Beta
	}
	return e, true
}

// completeWord scores the word that ends at h's last label (word LM,
// lexicon check, hotword boost); false if the lexicon forbids it.
func (s *search) completeWord(e *hyp, ln10a float64) bool {
	d, o := s.d, &s.d.o
	lexEnd := d.lex != nil && e.lex >= 0 && d.lex.end[e.lex]
	hotEnd := s.hot != nil && e.hot >= 0 && s.hot.end[e.hot]
	if d.lex != nil && !lexEnd && !hotEnd {
		return false
	}
	if hotEnd {
		e.lm += s.hot.boost[e.hot] - e.hotPart
	} else {
		e.lm -= e.hotPart
	}
	e.hotPart = 0
	if o.LM != nil && d.tokLM == nil {
		var id int32
		switch {
		case lexEnd && d.lex.lmID[e.lex] >= 0:
			id = d.lex.lmID[e.lex]
		case hotEnd:
			id = s.hot.lmID[e.hot]
		default:
			id = o.LM.ID(string(s.currentWord(e)))
		}
		lp, st := o.LM.Score(e.st, id)
		e.st = st
		e.lmRaw += lp
		e.lm += ln10a*lp + o.Beta
	}
	return true
}

// currentWord returns the text of the word at the end of e's prefix.
func (s *search) currentWord(e *hyp) []byte {
	s.word = s.word[:0]
	var toks []int32
	for n := e.node; n != nil && int(n.tok) != s.d.o.Space; n = n.parent {
		toks = append(toks, n.tok)
	}
	for i := len(toks) - 1; i >= 0; i-- {
		s.word = append(s.word, s.d.vocab[toks[i]]...)
	}
	return s.word
}

func (s *search) finish(ln10a float64) ([]Hypothesis, error) {
	d, o := s.d, &s.d.o
	type fin struct {
		h     hyp
		score float64
	}
	var fins []fin
	for _, h := range s.beam {
		e := h
		if e.wordLen > 0 && o.Vocab != nil {
			if !s.completeWord(&e, ln10a) {
				continue
			}
		}
		if o.LM != nil {
			lp := o.LM.End(e.st)
			e.lmRaw += lp
			e.lm += ln10a * lp
		}
		fins = append(fins, fin{e, e.total()})
	}
	if len(fins) == 0 {
		// The lexicon rejected every ending: return the acoustic best.
		for _, h := range s.beam {
			fins = append(fins, fin{h, h.total()})
		}
	}
	slices.SortStableFunc(fins, func(a, b fin) int {
		if a.score > b.score {
			return -1
		} else if a.score < b.score {
			return 1
		}
		return 0
	})
	var out []Hypothesis
	for _, f := range fins[:min(len(fins), o.NBest)] {
		out = append(out, d.hypothesis(&f.h))
	}
	return out, nil
}

// hypothesis turns a beam entry into a Hypothesis with frame spans.
func (d *Decoder) hypothesis(h *hyp) Hypothesis {
	var toks []Token
	end, prob := h.lastEnd, h.lastProb
	for n := h.node; n != nil; n = n.parent {
		toks = append(toks, Token{ID: int(n.tok), Start: int(n.start), End: int(end) + 1, Prob: prob})
		end, prob = n.prevEnd, n.prevProb
	}
	slices.Reverse(toks)
	ac := logAdd(h.pb, h.pnb)
	r := Hypothesis{Tokens: toks, Acoustic: ac, LM: h.lm, Score: ac + h.lm, LMLog10: h.lmRaw}
	if d.vocab == nil {
		return r
	}
	var sb strings.Builder
	var cur *Word
	var logConf float64
	var nTok int
	flush := func() {
		if cur != nil {
			cur.Confidence = math.Exp(logConf / float64(nTok))
			r.Words = append(r.Words, *cur)
			cur = nil
		}
	}
	for _, tk := range toks {
		sb.Write(d.vocab[tk.ID])
		if tk.ID == d.o.Space {
			flush()
			continue
		}
		if cur == nil {
			cur = &Word{Start: tk.Start}
			logConf, nTok = 0, 0
		}
		cur.Text += string(d.vocab[tk.ID])
		cur.End = tk.End
		logConf += math.Log(max(float64(tk.Prob), 1e-30))
		nTok++
	}
	flush()
	r.Text = sb.String()
	return r
}

// BeamSearch is NewDecoder followed by Decode, for one-off use.
func BeamSearch(logProbs [][]float32, o BeamOptions, hotwords []Hotword) ([]Hypothesis, error) {
	d, err := NewDecoder(o)
	if err != nil {
		return nil, err
	}
	return d.Decode(logProbs, hotwords)
}
