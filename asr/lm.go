package asr

import "sync"

// lmTensor is the name of the optional U8 tensor holding the word n-gram LM
// (an ARPA file) inside a model file.
const lmTensor = "lm.arpa"

// LanguageModel is a word n-gram LM attached to a model. Source holds the
// ARPA text; it is parsed on first use (so loading a model stays a header
// parse), once, and shared by all recognizers of the model.
type LanguageModel struct {
	Source []byte

	once   sync.Once
	scorer lmScorer
	err    error
}

// ParseLanguageModel returns an LM over the ARPA text b (not copied). The
// text is parsed when the LM is first used.
func ParseLanguageModel(b []byte) (*LanguageModel, error) {
	return &LanguageModel{Source: b}, nil
}
