package asr

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/text"
)

// TestTokenizerConfig: the default labels are text.CharTokenizer's over
// text.DefaultAlphabet (the embedded default model's vocabulary); a BPE or
// SentencePiece model's config gives a tokenizer that encodes as the
// model does; a model file keeps the subword model; bad configs are
// refused by Validate.
func TestTokenizerConfig(t *testing.T) {
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := DefaultConfig().Tokenizer, def.Config.Tokenizer; !slices.Equal(got.Vocab, want.Vocab) || got.Blank != want.Blank || got.Type != want.Type {
		t.Errorf("DefaultConfig's labels %q differ from the default model's %q", got.Vocab, want.Vocab)
	}
	v := newCharVocab(def.Config.Tokenizer)
	if ids := v.encode("It's 2 o'clock -- really!"); v.decode(ids) != "it's two o'clock really" {
		t.Errorf("char round trip gave %q", v.decode(ids))
	}

	lines := []string{"the cat sat on the mat", "the dog sat on the log", "a cat and a dog"}
	bpe := text.TrainBPE(lines, 30)
	var buf bytes.Buffer
	if _, err := bpe.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	spm, err := os.ReadFile(filepath.Join("..", "testdata", "text", "spm_unigram.model"))
	if err != nil {
		t.Fatal(err)
	}
	sp, err := text.LoadSentencePiece(spm)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		kind  string
		model []byte
		ref   text.Tokenizer
		blank int
	}{{TokenizerBPE, buf.Bytes(), bpe, 0}, {TokenizerSentencePiece, spm, sp, sp.Size()}} {
		tc, err := ReadTokenizerConfig(c.model)
		if err != nil {
			t.Fatal(err)
		}
		if tc.Type != c.kind || tc.Blank != c.blank || len(tc.Vocab) != c.ref.Size()+btoi(c.blank != 0) {
			t.Fatalf("%s: type %s, blank %d, %d labels", c.kind, tc.Type, tc.Blank, len(tc.Vocab))
		}
		cfg := smallConfig()
		cfg.Tokenizer = tc
		cfg.Fill()
		m := randomModel(t, cfg, 1)
		var file bytes.Buffer
		if err := m.Save(&file); err != nil {
			t.Fatal(err)
		}
		m2, err := Load(file.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", c.kind, err)
		}
		tok, err := m2.Config.Tokenizer.Tokenizer()
		if err != nil {
			t.Fatal(err)
		}
		s := "the cat sat on a log"
		got, _ := tok.Encode(s)
		want, _ := c.ref.Encode(s)
		if !slices.Equal(got, want) || tok.Decode(append(got, tok.Blank())) != c.ref.Decode(want) {
			t.Errorf("%s: Encode %v, Decode %q; the model: %v, %q", c.kind, got, tok.Decode(got), want, c.ref.Decode(want))
		}
		if v := newCharVocab(m2.Config.Tokenizer); v.decode(v.encode("The cat sat on a log.")) != "the cat sat on a log" {
			t.Errorf("%s: round trip gave %q", c.kind, v.decode(v.encode("The cat sat on a log.")))
		}
	}

	bad := func(name, want string, edit func(*TokenizerConfig)) {
		cfg := smallConfig()
		edit(&cfg.Tokenizer)
		cfg.Fill()
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, want)
		}
	}
	bad("unknown type", "not char, bpe or sentencepiece", func(c *TokenizerConfig) { c.Type = "word" })
	bad("char blank not 0", "blank at 0", func(c *TokenizerConfig) { c.Blank = 1 })
	bad("char piece of two letters", "want one character", func(c *TokenizerConfig) { c.Vocab = append(c.Vocab, "ab") })
	bad("repeated char", "want one character", func(c *TokenizerConfig) { c.Vocab = append(c.Vocab, "a") })
	bad("bad sentencepiece model", "sentencepiece", func(c *TokenizerConfig) {
		*c = TokenizerConfig{Type: TokenizerSentencePiece, Vocab: []string{"a", "<blank>"}, Blank: 1, Model: []byte("not a model")}
	})
	bad("sentencepiece vocabulary not the model's", "labels", func(c *TokenizerConfig) {
		tc, _ := ReadTokenizerConfig(spm)
		tc.Vocab = tc.Vocab[1:]
		tc.Blank--
		*c = tc
	})
	bad("bpe piece renamed", "label 5", func(c *TokenizerConfig) {
		tc, _ := ReadTokenizerConfig(buf.Bytes())
		tc.Vocab = slices.Clone(tc.Vocab)
		tc.Vocab[5] = fmt.Sprint(tc.Vocab[5], "x")
		*c = tc
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
