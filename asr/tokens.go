package asr

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ecoute/ecoute/text"
)

// Tokenizer types of TokenizerConfig.Type.
const (
	TokenizerChar          = "char"          // text.CharTokenizer: one character per label, blank 0
	TokenizerBPE           = "bpe"           // text.BPE (ecoute's BPE text format in Model), blank 0
	TokenizerSentencePiece = "sentencepiece" // text.SentencePiece (the .model file in Model), blank last
)

// CharTokenizerConfig returns the config of text.NewCharTokenizer(alphabet):
// the blank (label 0) then one label per character of alphabet (""
// means text.DefaultAlphabet). It panics as NewCharTokenizer does.
func CharTokenizerConfig(alphabet string) TokenizerConfig {
	return TokenizerConfig{Type: TokenizerChar, Vocab: text.NewCharTokenizer(alphabet).Vocab(), Blank: 0}
}

// ReadTokenizerConfig returns the config of a subword model: a
// SentencePiece .model file or a text.BPE model (as text.BPE.WriteTo
// writes it, recognized by its header line). The model's bytes are kept
// in the config, so the model file is self-contained. A SentencePiece
// model has no CTC blank: the blank is added after its pieces.
func ReadTokenizerConfig(model []byte) (TokenizerConfig, error) {
	c := TokenizerConfig{Type: TokenizerSentencePiece, Model: model}
	if bytes.HasPrefix(model, []byte("#ecoute-bpe")) {
		c.Type = TokenizerBPE
	}
	tok, err := c.build()
	if err != nil {
		return TokenizerConfig{}, err
	}
	c.Vocab, c.Blank = tok.Vocab(), tok.Blank()
	return c, nil
}

// Tokenizer returns the tokenizer whose ids are the model's output labels
// (Blank() is the CTC blank). It returns an error if the config does not
// describe a valid tokenizer or its vocabulary differs from Vocab.
func (c TokenizerConfig) Tokenizer() (text.Tokenizer, error) {
	tok, err := c.build()
	if err != nil {
		return nil, err
	}
	if v := tok.Vocab(); len(v) != len(c.Vocab) || tok.Blank() != c.Blank {
		return nil, fmt.Errorf("the %s model has %d labels with the blank at %d; the config lists %d with the blank at %d", c.Type, len(v), tok.Blank(), len(c.Vocab), c.Blank)
	}
	if c.Type != TokenizerChar {
		for i, p := range tok.Vocab() {
			if p != c.Vocab[i] {
				return nil, fmt.Errorf("label %d is %q in the %s model, %q in the config", i, p, c.Type, c.Vocab[i])
			}
		}
	}
	return tok, nil
}

func (c TokenizerConfig) build() (text.Tokenizer, error) {
	switch c.Type {
	case TokenizerChar:
		if c.Blank != 0 {
			return nil, fmt.Errorf("a char vocabulary has its blank at 0, not %d", c.Blank)
		}
		var alphabet strings.Builder
		seen := map[string]bool{}
		for i, p := range c.Vocab[min(1, len(c.Vocab)):] {
			if utf8.RuneCountInString(p) != 1 || !utf8.ValidString(p) || seen[p] {
				return nil, fmt.Errorf("char label %d is %q: want one character, each once", i+1, p)
			}
			seen[p] = true
			alphabet.WriteString(p)
		}
		if alphabet.Len() == 0 {
			return nil, fmt.Errorf("a char vocabulary needs characters")
		}
		t := text.NewCharTokenizer(alphabet.String())
		t.SkipUnknown = true
		return t, nil
	case TokenizerBPE:
		return text.ReadBPE(bytes.NewReader(c.Model))
	case TokenizerSentencePiece:
		sp, err := text.LoadSentencePiece(c.Model)
		if err != nil {
			return nil, err
		}
		return blankAfter{sp}, nil
	}
	return nil, fmt.Errorf("tokenizer type %q is not %s, %s or %s", c.Type, TokenizerChar, TokenizerBPE, TokenizerSentencePiece)
}

// blankAfter is a tokenizer without a CTC blank (SentencePiece's) with the
// blank added as the last id, as text.SentencePiece.Blank suggests.
type blankAfter struct{ text.Tokenizer }

func (t blankAfter) Size() int  { return t.Tokenizer.Size() + 1 }
func (t blankAfter) Blank() int { return t.Tokenizer.Size() }
func (t blankAfter) Vocab() []string {
	return append(t.Tokenizer.Vocab()[:t.Tokenizer.Size():t.Tokenizer.Size()], text.BlankSymbol)
}

func (t blankAfter) Piece(id int) string {
	if id == t.Blank() {
		return text.BlankSymbol
	}
	return t.Tokenizer.Piece(id)
}

func (t blankAfter) Decode(ids []int) string {
	keep := make([]int, 0, len(ids))
	for _, id := range ids {
		if id != t.Blank() {
			keep = append(keep, id)
		}
	}
	return t.Tokenizer.Decode(keep)
}

// Labels maps between transcripts and a model's output labels: a
// text.Tokenizer (characters, BPE or SentencePiece pieces) with what CTC
// decoding needs. The trainer and the recognizer share it, so a model
// learns the labels it is decoded with.
type Labels struct {
	tok text.Tokenizer
	// pieces is the text each label adds to a transcript: the character
	// itself for char labels; for subword labels their decoded text, with
	// a leading space for a piece that starts a word (SentencePiece's ▁).
	pieces []string
	blank  int
	space  int // the label of the word separator " ", or -1 (subwords)
}

// charVocab is the recognizer's name for Labels.
type charVocab = Labels

// NewLabels returns the labels of t, or t.Tokenizer's error.
func NewLabels(t TokenizerConfig) (*Labels, error) {
	tok, err := t.Tokenizer()
	if err != nil {
		return nil, err
	}
	v := &Labels{tok: tok, pieces: t.Vocab, blank: t.Blank, space: -1}
	if t.Type == TokenizerChar {
		for i, p := range t.Vocab {
			if p == " " && i != t.Blank {
				v.space = i
			}
		}
		return v, nil
	}
	v.pieces = make([]string, tok.Size())
	for id := range v.pieces {
		if id == v.blank {
			continue
		}
		s := tok.Decode([]int{id})
		if strings.HasPrefix(tok.Piece(id), "\u2581") {
			s = " " + s
		}
		v.pieces[id] = s
	}
	return v, nil
}

// newCharVocab is NewLabels for a config that Config.Validate accepted; it
// panics on an invalid one.
func newCharVocab(t TokenizerConfig) *Labels {
	v, err := NewLabels(t)
	if err != nil {
		panic("asr: " + err.Error())
	}
	return v
}

// Tokenizer returns the tokenizer whose ids are the labels.
func (v *Labels) Tokenizer() text.Tokenizer { return v.tok }

// Blank returns the CTC blank's label.
func (v *Labels) Blank() int { return v.blank }

// NormalizeTranscript returns the form transcripts are trained on:
// text.Normalize (lower case, numbers spelled out) with single spaces.
func NormalizeTranscript(s string) string {
	return strings.Join(strings.Fields(text.Normalize(s)), " ")
}

// Encode returns the labels of transcript s after NormalizeTranscript.
// With char labels, characters outside the vocabulary are dropped and runs
// of spaces collapse to one; subword tokenizers give their unknown label
// for what they cannot spell.
func (v *Labels) Encode(s string) []int {
	ids, err := v.tok.Encode(NormalizeTranscript(s))
	if err != nil {
		return nil
	}
	if v.space < 0 {
		return ids
	}
	out := ids[:0]
	for _, id := range ids {
		if id == v.space && (len(out) == 0 || out[len(out)-1] == v.space) {
			continue
		}
		out = append(out, id)
	}
	for len(out) > 0 && out[len(out)-1] == v.space {
		out = out[:len(out)-1]
	}
	return out
}

// Decode returns the text of labels ids (blanks skipped) with single
// spaces.
func (v *Labels) Decode(ids []int) string {
	keep := make([]int, 0, len(ids))
	for _, id := range ids {
		if id != v.blank && id >= 0 && id < len(v.pieces) {
			keep = append(keep, id)
		}
	}
	return strings.Join(strings.Fields(v.tok.Decode(keep)), " ")
}

// encode and decode are Encode and Decode under the names the recognizer's
// files use.
func (v *Labels) encode(s string) []int   { return v.Encode(s) }
func (v *Labels) decode(ids []int) string { return v.Decode(ids) }
