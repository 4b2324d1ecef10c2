package lm

import (
	"math"
	"math/bits"
)

// Special words.
const (
	BOS = "<s>"   // sentence start (context only, never predicted)
	EOS = "</s>"  // sentence end
	Unk = "<unk>" // unknown word
	// CharSpace is the token that stands for a space in character-level
	// models (Build with Char).
	CharSpace = "<sp>"
)

// A State is a scoring context: the entry of the longest suffix of the
// history that the model contains. States are small integers, equal when
// the model would score every continuation the same way. State is an
// alias of int32 so that *Model satisfies ctc.LM, which declares its states
// as plain int32 rather than importing this package.
type State = int32

// entry is one n-gram: its last word, its context (the entry of its first
// n-1 words), its longest proper suffix that the model holds, its log10
// probability and the log10 backoff weight it carries as a context.
type entry struct {
	prob, bo float32
	ctx      int32
	word     int32
	sfx      int32
	order    uint8
	filler   bool // inserted because a file lacked a context n-gram
}

// Model is an n-gram language model in backoff form. It is safe for
// concurrent use once built or read (scoring does not modify it), except
// that UnknownLog10 must be set before sharing.
type Model struct {
	order int
	words []string
	ids   map[string]int32
	bos   int32
	eos   int32
	unk   int32
	ent   []entry // ent[0] is the root (empty context)
	count []int   // n-grams per order (index 0 unused)
	tab   table

	// UnknownLog10 is the log10 probability given to words outside the
	// vocabulary by Score when the model has no <unk> (default -100, as
	// KenLM).
	UnknownLog10 float64
}

func newModel(order int, expected int) *Model {
	m := &Model{
		order:        order,
		ids:          map[string]int32{},
		bos:          -1,
		eos:          -1,
		unk:          -1,
		ent:          make([]entry, 1, expected+1),
		count:        make([]int, order+1),
		UnknownLog10: -100,
	}
	m.tab.init(expected)
	return m
}

// Order returns the model's order (3 for a trigram model).
func (m *Model) Order() int { return m.order }

// Counts returns the number of n-grams of each order: Counts()[n-1] for
// order n.
func (m *Model) Counts() []int { return append([]int(nil), m.count[1:]...) }

// Vocab returns the words of the model, indexed by id. The slice is the
// model's own; do not modify it.
func (m *Model) Vocab() []string { return m.words }

// ID returns a word's id, or -1 if the word is not in the vocabulary.
func (m *Model) ID(word string) int32 {
	if id, ok := m.ids[word]; ok {
		return id
	}
	return -1
}

// IDBytes is ID for a word held in a byte slice (no allocation).
func (m *Model) IDBytes(word []byte) int32 {
	if id, ok := m.ids[string(word)]; ok {
		return id
	}
	return -1
}

// Unknown returns the id of <unk>, or -1 if the model has none.
func (m *Model) Unknown() int32 { return m.unk }

func (m *Model) addWord(w string) int32 {
	id := int32(len(m.words))
	m.words = append(m.words, w)
	m.ids[w] = id
	switch w {
	case BOS:
		m.bos = id
	case EOS:
		m.eos = id
	case Unk:
		m.unk = id
	}
	return id
}

// Null returns the empty context (unigram probabilities).
func (m *Model) Null() State { return 0 }

// Start returns the context after <s>: the state for the first word of a
// sentence.
func (m *Model) Start() State {
	if m.bos < 0 {
		return 0
	}
	if e, ok := m.tab.get(0, m.bos); ok {
		return m.state(e)
	}
	return 0
}

// state turns an entry into the state for the next word: the entry itself
// when its order is below the model's, else its longest proper suffix.
func (m *Model) state(e int32) State {
	if int(m.ent[e].order) >= m.order {
		return State(m.ent[e].sfx)
	}
	return State(e)
}

// Score returns log10 p(word | s) and the state after word. A word id
// outside the vocabulary (negative) is scored as <unk> when the model has
// one, else as UnknownLog10, and leaves the empty context.
//
// p follows the backoff rule: the n-gram's own probability if the model
// holds it, else the context's backoff weight plus the probability in the
// context without its first word.
func (m *Model) Score(s State, word int32) (float64, State) {
	if word < 0 || int(word) >= len(m.words) {
		if m.unk < 0 {
			return m.UnknownLog10, 0
		}
		word = m.unk
	}
	c := int32(s)
	var lp float64
	for {
		if e, ok := m.tab.get(c, word); ok {
			return lp + float64(m.ent[e].prob), m.state(e)
		}
		if c == 0 {
			// A vocabulary word without a unigram (only possible in
			// a hand-made model).
			return lp + m.UnknownLog10, 0
		}
		lp += float64(m.ent[c].bo)
		c = m.ent[c].sfx
	}
}

// End returns log10 p(</s> | s).
func (m *Model) End(s State) float64 {
	lp, _ := m.Score(s, m.eos)
	return lp
}

// ScoreWord is Score for a word given as a string.
func (m *Model) ScoreWord(s State, word string) (float64, State) {
	return m.Score(s, m.ID(word))
}

// add inserts the n-gram ctx+word (ctx an existing entry) and returns its
// index; ok is false if it exists already.
func (m *Model) add(ctx, word int32, prob, bo float32) (int32, bool) {
	idx := int32(len(m.ent))
	if !m.tab.put(ctx, word, idx) {
		return 0, false
	}
	order := m.ent[ctx].order + 1
	e := entry{prob: prob, bo: bo, ctx: ctx, word: word, order: order}
	// Longest proper suffix: (suffix chain of ctx) + word.
	if ctx != 0 {
		d := m.ent[ctx].sfx
		for {
			if x, ok := m.tab.get(d, word); ok {
				e.sfx = x
				break
			}
			if d == 0 {
				break
			}
			d = m.ent[d].sfx
		}
	}
	m.ent = append(m.ent, e)
	m.count[order]++
	return idx, true
}

// find returns the entry of the n-gram words, or -1.
func (m *Model) find(words []int32) int32 {
	c := int32(0)
	for _, w := range words {
		e, ok := m.tab.get(c, w)
		if !ok {
			return -1
		}
		c = e
	}
	return c
}

// ngram writes the words of entry e into buf (reused) and returns them.
func (m *Model) ngram(e int32, buf []int32) []int32 {
	n := int(m.ent[e].order)
	buf = append(buf[:0], make([]int32, n)...)
	for i := n - 1; i >= 0; i-- {
		buf[i] = m.ent[e].word
		e = m.ent[e].ctx
	}
	return buf
}

// table is an open-addressing hash table from (context entry, word) to an
// entry index, with linear probing.
type table struct {
	keys  []uint64 // ctx<<32 | word, plus 1 so that 0 means empty
	vals  []int32
	n     int
	mask  uint64
	shift uint // 64 - log2(len(keys)): the slot is the hash's top bits
}

func (t *table) init(expected int) {
	size := 16
	for size < 2*expected {
		size <<= 1
	}
	t.keys = make([]uint64, size)
	t.vals = make([]int32, size)
	t.mask = uint64(size - 1)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	t.n = 0
}

// slot is Fibonacci hashing: the top bits of k times 2^64/phi.
func (t *table) slot(k uint64) uint64 {
	k ^= k >> 32
	return (k * 0x9E3779B97F4A7C15) >> t.shift
}

func (t *table) get(ctx, word int32) (int32, bool) {
	k := uint64(uint32(ctx))<<32 | uint64(uint32(word)) + 1
	for i := t.slot(k); ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case k:
			return t.vals[i], true
		case 0:
			return 0, false
		}
	}
}

func (t *table) put(ctx, word, val int32) bool {
	if 2*(t.n+1) > len(t.keys) {
		t.grow()
	}
	k := uint64(uint32(ctx))<<32 | uint64(uint32(word)) + 1
	for i := t.slot(k); ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case k:
			return false
		case 0:
			t.keys[i] = k
			t.vals[i] = val
			t.n++
			return true
		}
	}
}

func (t *table) grow() {
	keys, vals := t.keys, t.vals
	t.keys = make([]uint64, 2*len(keys))
	t.vals = make([]int32, 2*len(keys))
	t.mask = uint64(len(t.keys) - 1)
	t.shift--
	for i, k := range keys {
		if k == 0 {
			continue
		}
		for j := t.slot(k); ; j = (j + 1) & t.mask {
			if t.keys[j] == 0 {
				t.keys[j] = k
				t.vals[j] = vals[i]
				break
			}
		}
	}
}

// SentenceScore is the score of one sentence.
type SentenceScore struct {
	Log10Prob float64   // total log10 probability, </s> included, OOVs excluded
	Words     int       // words in the sentence, OOVs included (</s> not)
	OOVs      int       // words outside the vocabulary
	WordLog10 []float64 // per predicted token (words then </s>); NaN for OOVs
}

// ScoreSentence scores words (without <s> and </s>) as SRILM's ngram -ppl
// does: the first word is predicted after <s>, </s> after the last; a word
// outside the vocabulary contributes nothing, is counted in OOVs, and the
// next word is predicted from the empty context.
func (m *Model) ScoreSentence(words []string) SentenceScore {
	sc := SentenceScore{Words: len(words), WordLog10: make([]float64, 0, len(words)+1)}
	s := m.Start()
	for _, w := range words {
		id := m.ID(w)
		if id < 0 || id == m.bos {
			sc.OOVs++
			sc.WordLog10 = append(sc.WordLog10, math.NaN())
			s = 0
			continue
		}
		lp, next := m.Score(s, id)
		sc.Log10Prob += lp
		sc.WordLog10 = append(sc.WordLog10, lp)
		s = next
	}
	lp := m.End(s)
	sc.Log10Prob += lp
	sc.WordLog10 = append(sc.WordLog10, lp)
	return sc
}

// Perplexity accumulates sentence scores into SRILM's totals.
type Perplexity struct {
	Sentences, Words, OOVs int
	Log10Prob              float64
}

// Add adds one sentence.
func (p *Perplexity) Add(s SentenceScore) {
	p.Sentences++
	p.Words += s.Words
	p.OOVs += s.OOVs
	p.Log10Prob += s.Log10Prob
}

// PPL is 10^(-Log10Prob / (Words - OOVs + Sentences)): perplexity over
// words and end-of-sentence tokens (SRILM's ppl).
func (p *Perplexity) PPL() float64 {
	return math.Pow(10, -p.Log10Prob/float64(p.Words-p.OOVs+p.Sentences))
}

// PPL1 is 10^(-Log10Prob / (Words - OOVs)): SRILM's ppl1, without </s>.
func (p *Perplexity) PPL1() float64 {
	return math.Pow(10, -p.Log10Prob/float64(p.Words-p.OOVs))
}
