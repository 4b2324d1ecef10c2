package text

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// DefaultAlphabet is the character set of the default CTC tokenizer
// (after the blank, id 0): space (id 1), apostrophe (id 2), a..z (ids
// 3..28). Text from the default Normalizer fits it, apart from letters of
// non-Latin scripts.
const DefaultAlphabet = " 'abcdefghijklmnopqrstuvwxyz"

// Names used for special symbols in vocabulary files.
const (
	BlankSymbol = "<blank>"
	SpaceSymbol = "<space>"
	UnkSymbol   = "<unk>"
)

// A CharTokenizer maps each character to one id, for CTC: id 0 is the
// blank, ids 1.. are the characters of the alphabet in order.
type CharTokenizer struct {
	// SkipUnknown makes Encode drop characters outside the alphabet
	// instead of returning an *UnknownError.
	SkipUnknown bool

	vocab []string
	chars []rune
	ids   map[rune]int
	ascii [128]int16 // id+1 of ASCII characters, 0 when absent
}

// NewCharTokenizer returns a tokenizer whose ids are the blank (0) then
// the characters of alphabet in order. An empty alphabet means
// DefaultAlphabet. It panics if alphabet repeats a character or is not
// valid UTF-8.
func NewCharTokenizer(alphabet string) *CharTokenizer {
	if alphabet == "" {
		alphabet = DefaultAlphabet
	}
	if !utf8.ValidString(alphabet) {
		panic("text: NewCharTokenizer: alphabet is not valid UTF-8")
	}
	t := &CharTokenizer{ids: map[rune]int{}}
	t.vocab = append(t.vocab, BlankSymbol)
	t.chars = append(t.chars, 0)
	for _, r := range alphabet {
		if _, dup := t.ids[r]; dup {
			panic(fmt.Sprintf("text: NewCharTokenizer: character %q repeated in alphabet", r))
		}
		id := len(t.chars)
		t.ids[r] = id
		t.chars = append(t.chars, r)
		t.vocab = append(t.vocab, string(r))
		if r < 128 {
			t.ascii[r] = int16(id + 1)
		}
	}
	return t
}

// Alphabet returns the characters after the blank, in id order.
func (t *CharTokenizer) Alphabet() string { return string(t.chars[1:]) }

// Encode returns one id per character of s. A character outside the
// alphabet gives an *UnknownError, or is dropped when SkipUnknown is set.
// Invalid UTF-8 is reported as the character utf8.RuneError.
func (t *CharTokenizer) Encode(s string) ([]int, error) {
	ids := make([]int, 0, len(s))
	for off, r := range s {
		var id int
		if r < 128 {
			id = int(t.ascii[r]) - 1
		} else if v, ok := t.ids[r]; ok && !(r == utf8.RuneError && !strings.HasPrefix(s[off:], "\uFFFD")) {
			id = v
		} else {
			id = -1
		}
		if id < 0 {
			if t.SkipUnknown {
				continue
			}
			return nil, &UnknownError{Char: r, Offset: off}
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Decode returns the characters of ids, skipping blanks. It panics if an
// id is out of range.
func (t *CharTokenizer) Decode(ids []int) string {
	var b strings.Builder
	b.Grow(len(ids))
	for _, id := range ids {
		if id == 0 {
			continue
		}
		b.WriteRune(t.chars[id])
	}
	return b.String()
}

// Size returns the number of ids, the blank included.
func (t *CharTokenizer) Size() int { return len(t.vocab) }

// Blank returns 0.
func (t *CharTokenizer) Blank() int { return 0 }

// Unknown returns -1: a CharTokenizer has no unknown id.
func (t *CharTokenizer) Unknown() int { return -1 }

// Vocab returns the pieces by id: BlankSymbol, then one character each.
func (t *CharTokenizer) Vocab() []string { return t.vocab }

// Piece returns the piece of id. It panics if id is out of range.
func (t *CharTokenizer) Piece(id int) string { return t.vocab[id] }

// WriteVocab writes the vocabulary, one piece per line in id order:
// BlankSymbol first, SpaceSymbol for the space character. Tab, newline
// and carriage return are written as \t, \n, \r, and a backslash as \\.
func (t *CharTokenizer) WriteVocab(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for id, p := range t.vocab {
		switch {
		case id == 0:
			p = BlankSymbol
		case p == " ":
			p = SpaceSymbol
		default:
			p = escapePiece(p)
		}
		bw.WriteString(p)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// ReadCharVocab reads a vocabulary written by WriteVocab and returns the
// tokenizer. The first line must be BlankSymbol; every other line one
// character (or SpaceSymbol, or an escape). It returns a *FormatError
// naming the line for anything else, a repeated character included.
func ReadCharVocab(r io.Reader) (*CharTokenizer, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<16)
	var alphabet []rune
	seen := map[rune]int{}
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSuffix(sc.Text(), "\r")
		ferr := func(msg string, a ...any) error {
			return &FormatError{What: "char vocab", Line: line, Msg: fmt.Sprintf(msg, a...)}
		}
		if !utf8.ValidString(s) {
			return nil, ferr("invalid UTF-8")
		}
		if line == 1 {
			if s != BlankSymbol {
				return nil, ferr("first line is %q, want %q", s, BlankSymbol)
			}
			continue
		}
		var c rune
		if s == SpaceSymbol {
			c = ' '
		} else {
			u, ok := unescapePiece(s)
			if !ok || utf8.RuneCountInString(u) != 1 {
				return nil, ferr("%q is not one character", s)
			}
			c, _ = utf8.DecodeRuneInString(u)
		}
		if prev, dup := seen[c]; dup {
			return nil, ferr("character %q repeats line %d", c, prev)
		}
		seen[c] = line
		alphabet = append(alphabet, c)
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, &FormatError{What: "char vocab", Line: line + 1, Msg: "line too long"}
		}
		return nil, err
	}
	if line == 0 {
		return nil, &FormatError{What: "char vocab", Msg: "empty file"}
	}
	if len(alphabet) == 0 {
		return nil, &FormatError{What: "char vocab", Line: line, Msg: "no characters after the blank"}
	}
	return NewCharTokenizer(string(alphabet)), nil
}

func escapePiece(p string) string {
	if !strings.ContainsAny(p, "\\\t\n\r") {
		return p
	}
	r := strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	return r.Replace(p)
}

func unescapePiece(s string) (string, bool) {
	if !strings.Contains(s, `\`) {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			return "", false
		}
		switch s[i] {
		case '\\':
			b.WriteByte('\\')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", false
		}
	}
	return b.String(), true
}
