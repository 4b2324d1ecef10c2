package lm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// MaxOrder is the highest order ReadARPA and Build accept.
const MaxOrder = 9

// A FormatError reports malformed ARPA input.
type FormatError struct {
	Line int    // 1-based line number
	Msg  string // what was wrong
}

func (e *FormatError) Error() string { return fmt.Sprintf("lm: ARPA line %d: %s", e.Line, e.Msg) }

// maxLine bounds the length of one ARPA line (a guard for binary input).
const maxLine = 1 << 16

// ReadARPA reads a model in ARPA format. It streams the input (memory grows
// with the number of n-grams, not the file size). Malformed input gives a
// *FormatError naming the line: counts in \data\ that differ from the
// sections, a missing or misplaced section, a bad number, a duplicate
// n-gram, a word of a higher order missing from the unigrams. An n-gram
// whose context is absent from the file gets its context inserted, scored
// by backoff, as KenLM does.
func ReadARPA(r io.Reader) (*Model, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	line := 0
	errf := func(format string, args ...any) error {
		return &FormatError{Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	next := func() ([]byte, error) {
		b, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			line++
			return nil, errf("line longer than %d bytes", br.Size())
		}
		if err != nil && (err != io.EOF || len(b) == 0) {
			return nil, err
		}
		line++
		return bytes.TrimRight(b, " \t\r\n"), nil
	}

	// Skip to \data\.
	for {
		b, err := next()
		if err == io.EOF {
			return nil, errf("no \\data\\ section")
		}
		if err != nil {
			return nil, err
		}
		if string(b) == `\data\` {
			break
		}
	}
	var counts []int
	var b []byte
	var err error
	for {
		b, err = next()
		if err == io.EOF {
			return nil, errf("unexpected end of file in \\data\\")
		}
		if err != nil {
			return nil, err
		}
		if len(b) == 0 {
			if len(counts) > 0 {
				break
			}
			continue
		}
		if !bytes.HasPrefix(b, []byte("ngram ")) {
			break
		}
		eq := bytes.IndexByte(b, '=')
		if eq < 0 {
			return nil, errf("bad count line %q", b)
		}
		n, err1 := strconv.Atoi(string(bytes.TrimSpace(b[6:eq])))
		c, err2 := strconv.Atoi(string(bytes.TrimSpace(b[eq+1:])))
		if err1 != nil || err2 != nil || c < 0 || c > math.MaxInt32/2 {
			return nil, errf("bad count line %q", b)
		}
		if n != len(counts)+1 || n > MaxOrder {
			return nil, errf("count for order %d out of sequence", n)
		}
		counts = append(counts, c)
	}
	if len(counts) == 0 {
		return nil, errf("no ngram counts in \\data\\")
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	m := newModel(len(counts), total)
	ids := make([]int32, MaxOrder)
	f := make([][]byte, 0, MaxOrder+2)
	// Sorted ARPA files repeat the context of the previous line: keep its
	// words and ids to skip the lookups.
	prev := make([][]byte, MaxOrder)
	prevCtx := int32(-1)
	pending := b // the first line after the counts (empty if a blank ended them)
	for order := 1; order <= len(counts); order++ {
		header := fmt.Sprintf(`\%d-grams:`, order)
		// Find the section header, skipping blank lines.
		for {
			if pending == nil {
				b, err = next()
				if err == io.EOF {
					return nil, errf("missing %s section", header)
				}
				if err != nil {
					return nil, err
				}
			} else {
				b, pending = pending, nil
			}
			if len(b) == 0 {
				continue
			}
			if string(b) != header {
				return nil, errf("expected %s, found %q", header, truncate(b))
			}
			break
		}
		seen := 0
		prevCtx = -1
		for {
			b, err = next()
			if err == io.EOF {
				return nil, errf("unexpected end of file in %s", header)
			}
			if err != nil {
				return nil, err
			}
			if len(b) == 0 {
				continue
			}
			if b[0] == '\\' {
				pending = b
				break
			}
			seen++
			if seen > counts[order-1] {
				return nil, errf("more %d-grams than the %d declared in \\data\\", order, counts[order-1])
			}
			f = fields(b, f[:0])
			if len(f) != order+1 && len(f) != order+2 {
				return nil, errf("%d-gram line has %d fields, want %d or %d", order, len(f), order+1, order+2)
			}
			prob, ok := parseFloat(f[0])
			if !ok {
				return nil, errf("bad probability %q", f[0])
			}
			var bo float32
			if len(f) == order+2 {
				if bo, ok = parseFloat(f[order+1]); !ok {
					return nil, errf("bad backoff weight %q", f[order+1])
				}
			}
			if order == 1 {
				w := f[1]
				if _, dup := m.ids[string(w)]; dup {
					return nil, errf("duplicate 1-gram %q", w)
				}
				id := m.addWord(string(w))
				if _, ok := m.add(0, id, prob, bo); !ok {
					return nil, errf("duplicate 1-gram %q", w)
				}
				continue
			}
			same := prevCtx >= 0
			for i := range order {
				if same && i < order-1 && bytes.Equal(prev[i], f[1+i]) {
					continue
				}
				same = false
				id, ok := m.ids[string(f[1+i])]
				if !ok {
					return nil, errf("word %q is not among the 1-grams", f[1+i])
				}
				ids[i] = id
				if i < order-1 {
					prev[i] = append(prev[i][:0], f[1+i]...)
				}
			}
			ctx := prevCtx
			if !same {
				ctx = m.context(ids[:order-1])
				prevCtx = ctx
			}
			if _, ok := m.add(ctx, ids[order-1], prob, bo); !ok {
				if e, _ := m.tab.get(ctx, ids[order-1]); m.ent[e].filler {
					// A filler made for an earlier line: the file
					// lists it now (out of order but harmless).
					m.ent[e].prob, m.ent[e].bo, m.ent[e].filler = prob, bo, false
					continue
				}
				return nil, errf("duplicate %d-gram %q", order, truncate(b))
			}
		}
		if seen != counts[order-1] {
			return nil, errf("%d %d-grams, but \\data\\ declares %d", seen, order, counts[order-1])
		}
	}
	for {
		if pending == nil {
			b, err = next()
			if err == io.EOF {
				return nil, errf("missing \\end\\")
			}
			if err != nil {
				return nil, err
			}
		} else {
			b, pending = pending, nil
		}
		if len(b) == 0 {
			continue
		}
		if string(b) != `\end\` {
			return nil, errf("expected \\end\\, found %q", truncate(b))
		}
		break
	}
	return m, nil
}

func truncate(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}

// context returns the entry for the n-gram ids, inserting missing prefixes
// as fillers whose probability comes from backoff and whose backoff weight
// is 0.
func (m *Model) context(ids []int32) int32 {
	c := int32(0)
	for _, w := range ids {
		e, ok := m.tab.get(c, w)
		if !ok {
			lp, _ := m.Score(State(c), w)
			e, _ = m.add(c, w, float32(lp), 0)
			m.ent[e].filler = true
			m.count[m.ent[e].order]--
		}
		c = e
	}
	return c
}

// fields splits b at spaces and tabs, appending to f.
func fields(b []byte, f [][]byte) [][]byte {
	i := 0
	for i < len(b) {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\t' {
			j++
		}
		if j > i {
			f = append(f, b[i:j])
		}
		i = j
	}
	return f
}

// parseFloat parses a decimal number such as -1.2345 quickly, and anything
// else (exponents, inf) with strconv.
func parseFloat(b []byte) (float32, bool) {
	i, neg := 0, false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var mant uint64
	digits, frac := 0, 0
	dot := false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if digits < 18 {
				mant = mant*10 + uint64(c-'0')
				digits++
				if dot {
					frac++
				}
			} else if !dot {
				frac--
			}
		case c == '.' && !dot:
			dot = true
		default:
			return parseFloatSlow(b)
		}
	}
	if digits == 0 {
		return parseFloatSlow(b)
	}
	v := float64(mant)
	if frac > 0 {
		if frac < len(pow10) {
			v /= pow10[frac]
		} else {
			return parseFloatSlow(b)
		}
	} else if frac < 0 {
		return parseFloatSlow(b)
	}
	if neg {
		v = -v
	}
	return float32(v), true
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

func parseFloatSlow(b []byte) (float32, bool) {
	v, err := strconv.ParseFloat(string(b), 32)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	if math.IsNaN(v) {
		return 0, false
	}
	return float32(v), true
}

// WriteARPA writes the model in ARPA format: \data\ counts, then each
// order's n-grams with log10 probabilities and, below the highest order,
// log10 backoff weights.
func (m *Model) WriteARPA(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "\n\\data\\\n")
	counts := make([]int, m.order+1)
	for _, e := range m.ent[1:] {
		counts[e.order]++
	}
	for n := 1; n <= m.order; n++ {
		fmt.Fprintf(bw, "ngram %d=%d\n", n, counts[n])
	}
	var buf []int32
	var num []byte
	for n := 1; n <= m.order; n++ {
		fmt.Fprintf(bw, "\n\\%d-grams:\n", n)
		for i := 1; i < len(m.ent); i++ {
			e := &m.ent[i]
			if int(e.order) != n {
				continue
			}
			num = strconv.AppendFloat(num[:0], float64(e.prob), 'g', -1, 32)
			bw.Write(num)
			buf = m.ngram(int32(i), buf)
			for j, id := range buf {
				if j == 0 {
					bw.WriteByte('\t')
				} else {
					bw.WriteByte(' ')
				}
				bw.WriteString(m.words[id])
			}
			if n < m.order {
				bw.WriteByte('\t')
				num = strconv.AppendFloat(num[:0], float64(e.bo), 'g', -1, 32)
				bw.Write(num)
			}
			bw.WriteByte('\n')
		}
	}
	fmt.Fprintf(bw, "\n\\end\\\n")
	return bw.Flush()
}
