package text

import (
	"fmt"
)

// A Tokenizer maps text to a sequence of integer ids and back.
//
// Ids run from 0 to Size()-1. Blank is the CTC blank id (by convention 0
// in ecoute's own tokenizers) or -1 when the tokenizer has none; Unknown
// is the id that stands for text outside the vocabulary, or -1 when
// Encode returns an error for such text instead.
type Tokenizer interface {
	// Encode returns the ids of s. It returns an error (an
	// *UnknownError for characters outside the vocabulary) when s cannot
	// be represented.
	Encode(s string) ([]int, error)
	// Decode returns the text of ids, skipping the blank. It panics if
	// an id is out of range.
	Decode(ids []int) string
	// Size returns the number of ids.
	Size() int
	// Blank returns the CTC blank id, or -1.
	Blank() int
	// Unknown returns the unknown id, or -1.
	Unknown() int
	// Vocab returns the pieces, indexed by id. The caller must not
	// modify it.
	Vocab() []string
	// Piece returns the piece of id. It panics if id is out of range.
	Piece(id int) string
}

// An UnknownError reports a character that a tokenizer cannot encode.
type UnknownError struct {
	Char   rune // the character
	Offset int  // its byte offset in the input
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("text: character %q (U+%04X) at byte %d is not in the vocabulary", e.Char, e.Char, e.Offset)
}

// A FormatError reports malformed vocabulary or model data.
type FormatError struct {
	What string // which file format
	Line int    // 1-based line number, or 0 when not line-oriented
	Msg  string
}

func (e *FormatError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("text: %s: line %d: %s", e.What, e.Line, e.Msg)
	}
	return fmt.Sprintf("text: %s: %s", e.What, e.Msg)
}
