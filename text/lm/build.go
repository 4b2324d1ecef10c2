package lm

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BuildOptions configures Build and Counter.Model.
type BuildOptions struct {
	// Order is the n-gram order, 1 to 5.
	Order int
	// Char makes Build split lines into characters (spaces become
	// CharSpace) instead of words.
	Char bool
	// Prune[n-1] drops n-grams of order n whose adjusted count is at most
	// Prune[n-1] (KenLM's --prune); Prune[0] must be 0 (unigrams are never
	// pruned). Missing entries mean 0. Backoff weights of contexts that
	// lost n-grams are renormalised so that each distribution sums to 1.
	Prune []int
	// Discounts, if set, fixes D1, D2, D3+ for each order instead of
	// estimating them from counts of counts (Discounts[n-1] for order n).
	Discounts [][3]float64
}

const maxBuildOrder = 5

// ErrEmptyCorpus is returned by Build and Counter.Model when no word was
// counted (an empty corpus, or one of blank lines): there is no
// distribution to estimate, and the model would hold NaN probabilities.
var ErrEmptyCorpus = errors.New("lm: empty corpus: no words to count")

// A Counter accumulates n-gram counts from sentences.
type Counter struct {
	order  int
	words  []string
	ids    map[string]int32
	counts []map[gram]int32 // counts[n-1]: raw counts of order n
	buf    []int32
}

// gram is an n-gram of word ids; the unused tail is zero.
type gram [maxBuildOrder]int32

// Word ids fixed in every Counter.
const (
	idUnk = 0
	idBOS = 1
	idEOS = 2
)

// NewCounter returns a Counter for n-grams up to order (1 to 5).
func NewCounter(order int) (*Counter, error) {
	if order < 1 || order > maxBuildOrder {
		return nil, fmt.Errorf("lm: order %d out of range [1,%d]", order, maxBuildOrder)
	}
	c := &Counter{order: order, ids: map[string]int32{}}
	for _, w := range []string{Unk, BOS, EOS} {
		c.id(w)
	}
	for range order {
		c.counts = append(c.counts, map[gram]int32{})
	}
	return c, nil
}

func (c *Counter) id(w string) int32 {
	if id, ok := c.ids[w]; ok {
		return id
	}
	id := int32(len(c.words))
	c.words = append(c.words, w)
	c.ids[w] = id
	return id
}

// hasWords reports whether a word other than <s>, </s> and <unk> was
// counted.
func (c *Counter) hasWords() bool {
	for g := range c.counts[0] {
		if g[0] != idBOS && g[0] != idEOS && g[0] != idUnk {
			return true
		}
	}
	return false
}

// Add counts the n-grams of one sentence (tokens without <s> and </s>;
// tokens equal to <s> or </s> are skipped). An empty sentence still counts
// "<s> </s>".
func (c *Counter) Add(tokens []string) {
	c.buf = append(c.buf[:0], idBOS)
	for _, t := range tokens {
		if t == BOS || t == EOS || t == "" {
			continue
		}
		c.buf = append(c.buf, c.id(t))
	}
	c.buf = append(c.buf, idEOS)
	s := c.buf
	for i := range s {
		for n := 1; n <= c.order && n <= i+1; n++ {
			var g gram
			copy(g[:], s[i-n+1:i+1])
			c.counts[n-1][g]++
		}
	}
}

// Build reads a corpus, one sentence per line, and returns an interpolated
// modified Kneser-Ney model. Words are separated by white space; with
// o.Char every character is a token and runs of white space become one
// CharSpace token.
// A corpus without a single token is refused with ErrEmptyCorpus.
func Build(r io.Reader, o BuildOptions) (*Model, error) {
	c, err := NewCounter(o.Order)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	var toks []string
	for sc.Scan() {
		line := sc.Text()
		if o.Char {
			toks = CharTokens(line, toks[:0])
		} else {
			toks = strings.Fields(line)
		}
		if len(toks) == 0 {
			continue
		}
		c.Add(toks)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return c.Model(o)
}

// CharTokens splits a line into character tokens for a character-level
// model: each rune is a token, a run of white space is one CharSpace, and
// leading and trailing space is dropped. It appends to dst.
func CharTokens(line string, dst []string) []string {
	line = strings.TrimSpace(line)
	space := false
	for i := 0; i < len(line); {
		r, n := utf8.DecodeRuneInString(line[i:])
		if unicode.IsSpace(r) {
			space = true
		} else {
			if space {
				dst = append(dst, CharSpace)
				space = false
			}
			dst = append(dst, line[i:i+n])
		}
		i += n
	}
	return dst
}

// ngramInfo is the state of one n-gram during estimation.
type ngramInfo struct {
	adj  int32   // adjusted count
	p    float64 // interpolated probability
	keep bool
}

type ctxStats struct {
	total, n1, n2, n3 float64 // sum of adjusted counts, and how many are 1, 2, >=3
	pruned            bool    // some child pruned
	keptP, keptLow    float64 // sums over kept children of p(w|h) and p(w|h')
	gamma, bo         float64
}

// Model estimates the interpolated modified Kneser-Ney model (order from
// o.Order, which must not exceed the Counter's; o.Char is ignored). It
// returns ErrEmptyCorpus when no word (other than <s>, </s> and <unk>) was
// counted.
func (c *Counter) Model(o BuildOptions) (*Model, error) {
	N := o.Order
	if N < 1 || N > c.order {
		return nil, fmt.Errorf("lm: order %d out of range [1,%d]", N, c.order)
	}
	if !c.hasWords() {
		return nil, ErrEmptyCorpus
	}
	if len(o.Prune) > 0 && o.Prune[0] != 0 {
		return nil, fmt.Errorf("lm: unigrams cannot be pruned (Prune[0] = %d)", o.Prune[0])
	}
	// Adjusted counts: raw for the highest order and for n-grams that start
	// with <s>; otherwise the number of distinct words seen before them.
	info := make([]map[gram]*ngramInfo, N)
	for n := N; n >= 1; n-- {
		m := make(map[gram]*ngramInfo, len(c.counts[n-1]))
		info[n-1] = m
		for g, cnt := range c.counts[n-1] {
			if n == N || g[0] == idBOS {
				m[g] = &ngramInfo{adj: cnt}
			} else {
				m[g] = &ngramInfo{}
			}
		}
		if n < N {
			for g := range info[n] {
				var s gram
				copy(s[:], g[1:n+1])
				if x := m[s]; x != nil && s[0] != idBOS {
					x.adj++
				}
			}
		}
	}
	delete(info[0], gram{idBOS})

	// Discounts per order from counts of counts (Chen & Goodman eq. 26).
	disc := make([][3]float64, N)
	for n := 1; n <= N; n++ {
		if n <= len(o.Discounts) {
			disc[n-1] = o.Discounts[n-1]
			continue
		}
		var cc [5]float64
		for _, x := range info[n-1] {
			if x.adj >= 1 && x.adj <= 4 {
				cc[x.adj]++
			}
		}
		disc[n-1] = discounts(cc)
	}
	D := func(n int, a int32) float64 {
		switch {
		case a <= 0:
			return 0
		case a == 1:
			return disc[n-1][0]
		case a == 2:
			return disc[n-1][1]
		}
		return disc[n-1][2]
	}
	prune := func(n int) int32 {
		if n-1 < len(o.Prune) {
			return int32(o.Prune[n-1])
		}
		return 0
	}

	// Keep marks: top down, a kept n-gram keeps its context and its
	// suffix (readers that store n-grams in a suffix trie, as KenLM and
	// sphinxbase do, need both).
	for n := N; n >= 1; n-- {
		for _, x := range info[n-1] {
			if n == 1 || x.adj > prune(n) {
				x.keep = true
			}
		}
		if n > 1 {
			for g, x := range info[n-1] {
				if x.keep {
					var h gram
					copy(h[:], g[:n-1])
					if y := info[n-2][h]; y != nil {
						y.keep = true
					}
					var sf gram
					copy(sf[:], g[1:n])
					if y := info[n-2][sf]; y != nil {
						y.keep = true
					}
				}
			}
		}
	}

	// Unigrams, interpolated with the uniform distribution over the
	// vocabulary (all words but <s>, <unk> included).
	V := float64(len(c.words) - 1)
	for id := range int32(len(c.words)) {
		if id != idBOS {
			if _, ok := info[0][gram{id}]; !ok {
				info[0][gram{id}] = &ngramInfo{keep: true}
			}
		}
	}
	var u ctxStats
	for _, x := range info[0] {
		u.add(x.adj)
	}
	u.gamma = u.mass(disc[0]) / u.total
	for _, x := range info[0] {
		x.p = (float64(x.adj)-D(1, x.adj))/u.total + u.gamma/V
	}
	// Orders 2..N: each n-gram's probability interpolates with the
	// lower-order probability as the ARPA file will define it (peff: the
	// written probability, or backoff for a pruned n-gram), so every
	// context whose n-grams were all kept normalises with bo = gamma. A
	// context that lost n-grams gets the backoff weight that makes its
	// distribution sum to 1.
	ctxs := make([]map[gram]*ctxStats, N+1) // ctxs[n]: contexts of order n
	var peff func(k int, g gram) float64
	peff = func(k int, g gram) float64 {
		x := info[k-1][g]
		if k == 1 {
			if x == nil {
				return 0
			}
			return x.p
		}
		if x != nil && x.keep {
			return x.p
		}
		var h, low gram
		copy(h[:], g[:k-1])
		copy(low[:], g[1:k])
		w := 1.0
		if cs := ctxs[k-1][h]; cs != nil && (k-1 == 1 || info[k-2][h].keep) {
			w = cs.bo
		}
		return w * peff(k-1, low)
	}
	for n := 2; n <= N; n++ {
		cs := map[gram]*ctxStats{}
		ctxs[n-1] = cs
		for g, x := range info[n-1] {
			var h gram
			copy(h[:], g[:n-1])
			s := cs[h]
			if s == nil {
				s = &ctxStats{}
				cs[h] = s
			}
			s.add(x.adj)
		}
		for _, s := range cs {
			s.gamma = s.mass(disc[n-1]) / s.total
		}
		for g, x := range info[n-1] {
			var h, low gram
			copy(h[:], g[:n-1])
			copy(low[:], g[1:n])
			s := cs[h]
			pl := peff(n-1, low)
			x.p = (float64(x.adj)-D(n, x.adj))/s.total + s.gamma*pl
			if x.keep {
				s.keptP += x.p
				s.keptLow += pl
			} else {
				s.pruned = true
			}
		}
		for _, s := range cs {
			s.bo = s.backoff()
		}
	}

	// Assemble the model: orders in turn, n-grams sorted by word ids.
	total := 0
	for n := range N {
		total += len(info[n])
	}
	m := newModel(N, total)
	for _, w := range c.words {
		m.addWord(w)
	}
	var keys []gram
	for n := 1; n <= N; n++ {
		keys = keys[:0]
		for g, x := range info[n-1] {
			if x.keep {
				keys = append(keys, g)
			}
		}
		slices.SortFunc(keys, func(a, b gram) int {
			for i := range n {
				if c := cmp.Compare(a[i], b[i]); c != 0 {
					return c
				}
			}
			return 0
		})
		if n == 1 {
			// <s> first, with the conventional -99.
			bo := 0.0
			if s := ctxs[1][gram{idBOS}]; s != nil {
				bo = s.bo
			}
			m.add(0, idBOS, -99, float32(log10(bo)))
		}
		for _, g := range keys {
			x := info[n-1][g]
			ctx := m.find(g[:n-1])
			if ctx < 0 {
				return nil, fmt.Errorf("lm: internal error: context of %v missing", g[:n])
			}
			bo := 0.0
			if n < N {
				if s := ctxs[n][g]; s != nil {
					bo = log10(s.bo)
				}
			}
			m.add(ctx, g[n-1], float32(log10(x.p)), float32(bo))
		}
	}
	return m, nil
}

func log10(x float64) float64 {
	if x <= 0 {
		return -99
	}
	return math.Log10(x)
}

func (s *ctxStats) add(a int32) {
	s.total += float64(a)
	switch {
	case a == 1:
		s.n1++
	case a == 2:
		s.n2++
	case a >= 3:
		s.n3++
	}
}

// mass is the discounted mass D1*N1 + D2*N2 + D3+*N3+.
func (s *ctxStats) mass(d [3]float64) float64 {
	return d[0]*s.n1 + d[1]*s.n2 + d[2]*s.n3
}

// backoff is the backoff weight of the context: gamma when nothing was
// pruned, else the weight that makes the pruned distribution sum to 1.
func (s *ctxStats) backoff() float64 {
	if !s.pruned {
		return s.gamma
	}
	num, den := 1-s.keptP, 1-s.keptLow
	if num <= 0 || den <= 0 {
		return s.gamma
	}
	return num / den
}

// discounts returns D1, D2, D3+ from counts of counts cc[1..4] (Chen &
// Goodman 1998, eq. 26), or 0.5, 1, 1.5 when the counts are too few for the
// estimate to be valid.
func discounts(cc [5]float64) [3]float64 {
	fallback := [3]float64{0.5, 1, 1.5}
	if cc[1] == 0 || cc[2] == 0 || cc[3] == 0 {
		return fallback
	}
	y := cc[1] / (cc[1] + 2*cc[2])
	d := [3]float64{
		1 - 2*y*cc[2]/cc[1],
		2 - 3*y*cc[3]/cc[2],
		3 - 4*y*cc[4]/cc[3],
	}
	for k, v := range d {
		if !(v > 0 && v <= float64(k+1)) {
			return fallback
		}
	}
	return d
}
