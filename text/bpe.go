package text

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"
)

// A BPE is a byte-pair-encoding tokenizer (Sennrich et al. 2016) over
// characters, with word boundaries marked SentencePiece-style: every
// word starts with ▁ (U+2581), so "the cat" is "▁the ▁cat" and decoding
// is exact. Ids: 0 is the CTC blank, 1 the unknown piece, then the
// characters of the training text in code-point order, then one piece
// per merge in the order they were learnt.
//
// A BPE is safe for concurrent use.
type BPE struct {
	pieces []string
	ids    map[string]int
	ranks  map[[2]int]int // pair of ids -> merge rank
	merged []int          // rank -> id of the merged piece
	nchars int            // ids below are the blank, unknown and characters
}

const bpeHeader = "#ecoute-bpe v1"

// TrainBPE learns merges from lines of text (normally the output of a
// Normalizer) until the vocabulary holds vocabSize pieces, the blank and
// the unknown piece included, or until no pair of adjacent pieces occurs
// twice. Words are the white-space separated fields of each line. At
// each step the most frequent adjacent pair is merged; ties go to the
// pair whose ids are smallest (left first), so the result depends only
// on the text. It panics if vocabSize is below 3.
func TrainBPE(lines []string, vocabSize int) *BPE {
	if vocabSize < 3 {
		panic("text: TrainBPE: vocabSize below 3")
	}
	counts := map[string]int{}
	chars := map[rune]bool{}
	for _, l := range lines {
		for _, w := range strings.Fields(l) {
			counts[w]++
			for _, r := range w {
				chars[r] = true
			}
		}
	}
	b := &BPE{ids: map[string]int{}, ranks: map[[2]int]int{}}
	b.add(BlankSymbol)
	b.add(UnkSymbol)
	b.add(spaceSymbol)
	alpha := make([]rune, 0, len(chars))
	for r := range chars {
		alpha = append(alpha, r)
	}
	sort.Slice(alpha, func(i, j int) bool { return alpha[i] < alpha[j] })
	for _, r := range alpha {
		if string(r) != spaceSymbol {
			b.add(string(r))
		}
	}
	b.nchars = len(b.pieces)

	// Distinct words as symbol sequences, in sorted order so that the
	// pair counts are built deterministically.
	wordList := make([]string, 0, len(counts))
	for w := range counts {
		wordList = append(wordList, w)
	}
	sort.Strings(wordList)
	words := make([][]int, len(wordList))
	freq := make([]int, len(wordList))
	pairs := map[[2]int]int{}
	where := map[[2]int]map[int]bool{} // pair -> words holding it
	for i, w := range wordList {
		words[i] = b.symbols(w)
		freq[i] = counts[w]
		for k := 1; k < len(words[i]); k++ {
			p := [2]int{words[i][k-1], words[i][k]}
			pairs[p] += freq[i]
			if where[p] == nil {
				where[p] = map[int]bool{}
			}
			where[p][i] = true
		}
	}
	for len(b.pieces) < vocabSize {
		best, bestN := [2]int{}, 1
		for p, n := range pairs {
			if n > bestN || n == bestN && n > 1 && (p[0] < best[0] || p[0] == best[0] && p[1] < best[1]) {
				best, bestN = p, n
			}
		}
		if bestN < 2 {
			break
		}
		id := b.add(b.pieces[best[0]] + b.pieces[best[1]])
		if id < 0 {
			// The concatenation is already a piece (made from another
			// pair): record the merge anyway under the existing id.
			id = b.ids[b.pieces[best[0]]+b.pieces[best[1]]]
		}
		b.ranks[best] = len(b.merged)
		b.merged = append(b.merged, id)
		affected := make([]int, 0, len(where[best]))
		for i := range where[best] {
			affected = append(affected, i)
		}
		sort.Ints(affected)
		for _, i := range affected {
			w := words[i]
			for k := 1; k < len(w); k++ {
				p := [2]int{w[k-1], w[k]}
				pairs[p] -= freq[i]
				if pairs[p] == 0 {
					delete(pairs, p)
				}
				delete(where[p], i)
			}
			w = mergePair(w, best, id)
			words[i] = w
			for k := 1; k < len(w); k++ {
				p := [2]int{w[k-1], w[k]}
				pairs[p] += freq[i]
				if where[p] == nil {
					where[p] = map[int]bool{}
				}
				where[p][i] = true
			}
		}
		delete(pairs, best)
		delete(where, best)
	}
	return b
}

// add appends piece p and returns its id, or -1 if it exists.
func (b *BPE) add(p string) int {
	if _, ok := b.ids[p]; ok {
		return -1
	}
	id := len(b.pieces)
	b.pieces = append(b.pieces, p)
	b.ids[p] = id
	return id
}

// symbols returns the initial pieces of word w: ▁ then one per
// character, 1 (unknown) for characters outside the vocabulary.
func (b *BPE) symbols(w string) []int {
	s := make([]int, 0, len(w)+1)
	s = append(s, b.ids[spaceSymbol])
	for _, r := range w {
		id, ok := b.ids[string(r)]
		if !ok || id >= b.nchars || id < 2 {
			id = 1
		}
		s = append(s, id)
	}
	return s
}

// mergePair replaces every non-overlapping occurrence of pair p in w,
// left to right, with id.
func mergePair(w []int, p [2]int, id int) []int {
	out := w[:0:0]
	for k := 0; k < len(w); k++ {
		if k+1 < len(w) && w[k] == p[0] && w[k+1] == p[1] {
			out = append(out, id)
			k++
		} else {
			out = append(out, w[k])
		}
	}
	return out
}

// Encode returns the ids of s: for each white-space separated word, ▁
// and its characters, merged by applying the learnt merges in the order
// they were learnt (each to every occurrence, left to right).
// Characters not seen in training become the unknown id (1); Encode
// never returns an error.
func (b *BPE) Encode(s string) ([]int, error) {
	var ids []int
	for _, w := range strings.Fields(s) {
		sym := b.symbols(w)
		for len(sym) > 1 {
			bestRank := -1
			var best [2]int
			for k := 1; k < len(sym); k++ {
				p := [2]int{sym[k-1], sym[k]}
				if r, ok := b.ranks[p]; ok && (bestRank < 0 || r < bestRank) {
					bestRank, best = r, p
				}
			}
			if bestRank < 0 {
				break
			}
			sym = mergePair(sym, best, b.merged[bestRank])
		}
		ids = append(ids, sym...)
	}
	return ids, nil
}

// Decode joins the pieces of ids, turning ▁ into spaces and dropping the
// first one; blanks are skipped and the unknown id reads "⁇". It panics
// if an id is out of range.
func (b *BPE) Decode(ids []int) string {
	var sb strings.Builder
	for _, id := range ids {
		switch id {
		case 0:
		case 1:
			sb.WriteString("\u2047")
		default:
			sb.WriteString(b.pieces[id])
		}
	}
	return strings.TrimPrefix(strings.ReplaceAll(sb.String(), spaceSymbol, " "), " ")
}

// Size returns the number of pieces.
func (b *BPE) Size() int { return len(b.pieces) }

// Blank returns 0.
func (b *BPE) Blank() int { return 0 }

// Unknown returns 1.
func (b *BPE) Unknown() int { return 1 }

// Vocab returns the pieces by id.
func (b *BPE) Vocab() []string { return b.pieces }

// Piece returns the piece of id. It panics if id is out of range.
func (b *BPE) Piece(id int) string { return b.pieces[id] }

// NumMerges returns the number of learnt merges.
func (b *BPE) NumMerges() int { return len(b.merged) }

// WriteTo writes the model as text: a header line, then one line per id
// for the blank, the unknown piece and the characters, then one line per
// merge, "LEFT RIGHT" (the two pieces it joins, in learning order).
func (b *BPE) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var n int64
	write := func(s string) {
		k, _ := bw.WriteString(s)
		n += int64(k)
	}
	write(bpeHeader + "\n")
	for id := 0; id < b.nchars; id++ {
		write(b.pieces[id] + "\n")
	}
	merges := make([][2]int, len(b.merged))
	for p, r := range b.ranks {
		merges[r] = p
	}
	for _, p := range merges {
		write(b.pieces[p[0]] + " " + b.pieces[p[1]] + "\n")
	}
	return n, bw.Flush()
}

// ReadBPE reads a model written by WriteTo. It returns a *FormatError
// naming the line for malformed input.
func ReadBPE(r io.Reader) (*BPE, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<16)
	b := &BPE{ids: map[string]int{}, ranks: map[[2]int]int{}}
	line := 0
	ferr := func(format string, a ...any) error {
		return &FormatError{What: "bpe model", Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	merging := false
	for sc.Scan() {
		line++
		s := strings.TrimSuffix(sc.Text(), "\r")
		if !utf8.ValidString(s) {
			return nil, ferr("invalid UTF-8")
		}
		switch {
		case line == 1:
			if s != bpeHeader {
				return nil, ferr("header is %q, want %q", s, bpeHeader)
			}
		case line == 2 && s != BlankSymbol, line == 3 && s != UnkSymbol, line == 4 && s != spaceSymbol:
			return nil, ferr("line %d must be %q", line, []string{"", "", BlankSymbol, UnkSymbol, spaceSymbol}[line])
		case line <= 4:
			b.add(s)
		default:
			left, right, isMerge := strings.Cut(s, " ")
			if !isMerge {
				if merging {
					return nil, ferr("character line %q after the merges", s)
				}
				if utf8.RuneCountInString(s) != 1 || strings.TrimSpace(s) == "" {
					return nil, ferr("%q is not one character", s)
				}
				if b.add(s) < 0 {
					return nil, ferr("character %q repeated", s)
				}
				continue
			}
			if !merging {
				merging = true
				b.nchars = len(b.pieces)
			}
			l, okl := b.ids[left]
			rr, okr := b.ids[right]
			if !okl || !okr || left == "" || right == "" || l < 2 || rr < 2 {
				return nil, ferr("merge %q joins unknown pieces", s)
			}
			p := [2]int{l, rr}
			if _, dup := b.ranks[p]; dup {
				return nil, ferr("merge %q repeated", s)
			}
			id := b.add(left + right)
			if id < 0 {
				id = b.ids[left+right]
			}
			b.ranks[p] = len(b.merged)
			b.merged = append(b.merged, id)
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, &FormatError{What: "bpe model", Line: line + 1, Msg: "line too long"}
		}
		return nil, err
	}
	if line < 4 {
		return nil, &FormatError{What: "bpe model", Line: line, Msg: "truncated"}
	}
	if !merging {
		b.nchars = len(b.pieces)
	}
	return b, nil
}
