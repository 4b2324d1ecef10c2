package asr

import (
	"bytes"
	"sync"

	"github.com/ecoute/ecoute/text/lm"
)

// lmTensor is the name of the optional U8 tensor holding the word n-gram LM
// (an ARPA file) inside a model file.
const lmTensor = "lm.arpa"

// LanguageModel is a word n-gram LM attached to a model. Source holds the
// ARPA text; it is parsed on first use (so loading a model stays a header
// parse), once, and shared by all recognizers of the model.
type LanguageModel struct {
	Source []byte

	once  sync.Once
	model *lm.Model
	err   error
}

// ParseLanguageModel returns an LM over the ARPA text b (not copied). The
// text is parsed when the LM is first used; Model reports parse errors.
func ParseLanguageModel(b []byte) (*LanguageModel, error) {
	return &LanguageModel{Source: b}, nil
}

// NewLanguageModel wraps a built model, keeping its ARPA text for Save.
func NewLanguageModel(m *lm.Model) (*LanguageModel, error) {
	var b bytes.Buffer
	if err := m.WriteARPA(&b); err != nil {
		return nil, err
	}
	l := &LanguageModel{Source: b.Bytes(), model: m}
	l.once.Do(func() {})
	return l, nil
}

// Model returns the parsed n-gram model (parsing it on the first call).
func (l *LanguageModel) Model() (*lm.Model, error) {
	l.once.Do(func() {
		l.model, l.err = lm.ReadARPA(bytes.NewReader(l.Source))
	})
	return l.model, l.err
}
