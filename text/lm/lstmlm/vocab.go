package lstmlm

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Level says what a token is.
type Level string

// Token levels.
const (
	Word Level = "word" // whitespace-separated words, "<eos>" at each line end
	Char Level = "char" // Unicode characters, newlines included
)

// Special word tokens.
const (
	EOS = "<eos>"
	UNK = "<unk>"
)

// Vocab maps tokens to ids and back.
type Vocab struct {
	Level  Level
	Tokens []string
	index  map[string]int
}

// UnknownError reports a token that is not in a vocabulary without <unk>.
type UnknownError struct {
	Token string
	Pos   int // byte offset in the text
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("lstmlm: token %q at byte %d is not in the vocabulary", e.Token, e.Pos)
}

// ErrEmpty is returned for a text with no tokens.
var ErrEmpty = errors.New("lstmlm: empty text")

// NewVocab returns a vocabulary of the given tokens (ids in order). It
// panics on a repeated token or an unknown level.
func NewVocab(level Level, tokens []string) *Vocab {
	if level != Word && level != Char {
		panic("lstmlm: unknown level " + string(level))
	}
	v := &Vocab{Level: level, Tokens: tokens, index: make(map[string]int, len(tokens))}
	for i, t := range tokens {
		if _, dup := v.index[t]; dup {
			panic(fmt.Sprintf("lstmlm: repeated token %q", t))
		}
		v.index[t] = i
	}
	return v
}

// Size returns the number of tokens.
func (v *Vocab) Size() int { return len(v.Tokens) }

// ID returns the id of a token and whether it is known.
func (v *Vocab) ID(tok string) (int, bool) {
	id, ok := v.index[tok]
	return id, ok
}

// checkText rejects text that cannot be a language-model corpus.
func checkText(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("lstmlm: text is not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return errors.New("lstmlm: text holds NUL bytes (binary data?)")
	}
	return nil
}

// tokens calls f with each token of s and its byte offset, in the order of
// the stream: for words, the words of each non-empty line followed by
// <eos> (as word_language_model's data.py, which skips no lines: an empty
// line gives a lone <eos>); for characters, every character.
func tokens(level Level, s string, f func(tok string, pos int)) {
	if level == Char {
		for i, r := range s {
			f(string(r), i)
		}
		return
	}
	pos := 0
	for len(s) > 0 {
		line := s
		n := strings.IndexByte(s, '\n')
		if n >= 0 {
			line, s = s[:n], s[n+1:]
		} else {
			s = ""
		}
		off := 0
		for _, w := range strings.Fields(line) {
			i := strings.Index(line[off:], w) + off
			f(w, pos+i)
			off = i + len(w)
		}
		f(EOS, pos+len(line))
		pos += len(line) + 1
	}
}

// BuildVocab collects the vocabulary of a training text and returns it
// with the text's token ids. Word vocabularies list <eos> and <unk> first,
// then words in order of first appearance (word_language_model's order when
// the text has <unk>, as WikiText does); character vocabularies list the
// characters sorted by code point. It returns an error for text that is
// empty, not UTF-8 or binary.
func BuildVocab(text string, level Level) (*Vocab, []int, error) {
	if err := checkText(text); err != nil {
		return nil, nil, err
	}
	var toks []string
	ids := []int{}
	index := map[string]int{}
	if level == Word {
		toks = []string{EOS, UNK}
		index[EOS], index[UNK] = 0, 1
	} else if level != Char {
		return nil, nil, fmt.Errorf("lstmlm: unknown level %q", level)
	}
	tokens(level, text, func(t string, _ int) {
		id, ok := index[t]
		if !ok {
			id = len(toks)
			index[t] = id
			toks = append(toks, t)
		}
		ids = append(ids, id)
	})
	if len(ids) == 0 || level == Word && len(toks) == 2 && !strings.ContainsFunc(text, func(r rune) bool { return r > ' ' }) {
		return nil, nil, ErrEmpty
	}
	if level == Char {
		sorted := slices.Clone(toks)
		slices.Sort(sorted)
		v := NewVocab(level, sorted)
		remap := make([]int, len(toks))
		for i, t := range toks {
			remap[i] = v.index[t]
		}
		for i, id := range ids {
			ids[i] = remap[id]
		}
		return v, ids, nil
	}
	return NewVocab(level, toks), ids, nil
}

// Encode returns the token ids of text. Unknown tokens become <unk> when
// the vocabulary has it; otherwise the first one is an *UnknownError. Text
// that is not UTF-8 or holds NUL bytes is an error; empty text gives no ids.
func (v *Vocab) Encode(text string) ([]int, error) {
	if err := checkText(text); err != nil {
		return nil, err
	}
	unk, hasUnk := v.index[UNK]
	var ids []int
	var err error
	tokens(v.Level, text, func(t string, pos int) {
		if err != nil {
			return
		}
		id, ok := v.index[t]
		if !ok {
			if !hasUnk {
				err = &UnknownError{Token: t, Pos: pos}
				return
			}
			id = unk
		}
		ids = append(ids, id)
	})
	return ids, err
}

// EncodePrompt is Encode without the final <eos> that a word-level text
// gets at its end when it does not end in a newline, so generation
// continues the prompt's last line.
func (v *Vocab) EncodePrompt(text string) ([]int, error) {
	ids, err := v.Encode(text)
	if err != nil || v.Level != Word || strings.HasSuffix(text, "\n") || len(ids) == 0 {
		return ids, err
	}
	return ids[:len(ids)-1], nil
}

// Decode returns the text of ids: characters concatenated, or words joined
// by spaces with <eos> as a line break. It panics on an id out of range.
func (v *Vocab) Decode(ids []int) string {
	var b strings.Builder
	for i, id := range ids {
		t := v.Tokens[id]
		if v.Level == Char {
			b.WriteString(t)
			continue
		}
		if t == EOS {
			b.WriteByte('\n')
			continue
		}
		if i > 0 && v.Tokens[ids[i-1]] != EOS {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	return b.String()
}
