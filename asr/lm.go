package asr

import (
	"bytes"

	"github.com/ecoute/ecoute/text/lm"
)

// lmTensor is the name of the optional U8 tensor holding the word n-gram LM
// (an ARPA file) inside a model file.
const lmTensor = "lm.arpa"

// LanguageModel is a word n-gram LM attached to a model: its ARPA text
// (Source, which Save writes back and callers must not modify) and the
// parsed model. Make one with ParseLanguageModel or NewLanguageModel; Load
// parses a model file's LM tensor, so a bad LM is an error when the model
// is loaded, not a silent change of decoding later.
type LanguageModel struct {
	Source []byte

	model    *lm.Model
	decoders decoderCache // beam search decoders over this LM (beam.go)
}

// ParseLanguageModel parses the ARPA text b (kept, not copied). A malformed
// text gives text/lm's error (for example *lm.FormatError).
func ParseLanguageModel(b []byte) (*LanguageModel, error) {
	m, err := lm.ReadARPA(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return &LanguageModel{Source: b, model: m}, nil
}

// NewLanguageModel wraps a built model, keeping its ARPA text for Save.
func NewLanguageModel(m *lm.Model) (*LanguageModel, error) {
	var b bytes.Buffer
	if err := m.WriteARPA(&b); err != nil {
		return nil, err
	}
	return &LanguageModel{Source: b.Bytes(), model: m}, nil
}

// Model returns the parsed n-gram model. It panics if l was not made by
// ParseLanguageModel or NewLanguageModel.
func (l *LanguageModel) Model() *lm.Model {
	if l.model == nil {
		panic("asr: LanguageModel not made by ParseLanguageModel or NewLanguageModel")
	}
	return l.model
}
