package asr

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ecoute/ecoute/text/lm"
)

const tinyARPA = "\\data\\\nngram 1=3\n\n\\1-grams:\n-1 <s>\n-0.5 a\n-0.5 </s>\n\n\\end\\\n"

// TestParseLanguageModelParses: a malformed ARPA text is an error of
// ParseLanguageModel itself (it used to be accepted and fail on first use,
// which made beam search fall back to greedy decoding without a word).
func TestParseLanguageModelParses(t *testing.T) {
	l, err := ParseLanguageModel([]byte(tinyARPA))
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Model().Order(); got != 1 {
		t.Errorf("order %d, want 1", got)
	}
	_, err = ParseLanguageModel([]byte("\\data\\\nngram 1=2\n\n\\1-grams:\n-1 a\n\n\\end\\\n"))
	var fe *lm.FormatError
	if !errors.As(err, &fe) {
		t.Errorf("count mismatch: error %v, want *lm.FormatError", err)
	}
}

// TestLoadRejectsBadLM: a model file whose lm.arpa tensor does not parse is
// a *ModelError of Load, not a model that decodes greedily later.
func TestLoadRejectsBadLM(t *testing.T) {
	m := randomModel(t, smallConfig(), 1)
	m.LM = &LanguageModel{Source: []byte("not an ARPA file")}
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	_, err := Load(buf.Bytes())
	var me *ModelError
	if !errors.As(err, &me) || me.What != "tensor "+lmTensor {
		t.Fatalf("Load with a bad LM: %v, want *ModelError on tensor %s", err, lmTensor)
	}
}

func TestLanguageModelMisusePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Model of a LanguageModel built by hand did not panic")
		}
	}()
	(&LanguageModel{Source: []byte(tinyARPA)}).Model()
}
