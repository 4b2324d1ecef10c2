package lm

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// An empty corpus, or one of blank lines or of sentence markers only, has no
// distribution to estimate: Build refuses it with ErrEmptyCorpus instead of
// writing a model of NaN probabilities that ReadARPA then refuses.
func TestBuildEmptyCorpus(t *testing.T) {
	for _, corpus := range []string{"", "\n\n  \n", "<s> </s>\n", "\t\n"} {
		for _, char := range []bool{false, true} {
			if char && strings.Contains(corpus, "<s>") {
				continue // characters, not markers
			}
			m, err := Build(strings.NewReader(corpus), BuildOptions{Order: 3, Char: char})
			if !errors.Is(err, ErrEmptyCorpus) {
				t.Errorf("corpus %q (char %v): model %v, error %v; want ErrEmptyCorpus", corpus, char, m, err)
			}
		}
	}
	c, err := NewCounter(2)
	if err != nil {
		t.Fatal(err)
	}
	c.Add(nil)
	if _, err := c.Model(BuildOptions{Order: 2}); !errors.Is(err, ErrEmptyCorpus) {
		t.Errorf("Counter with one empty sentence: %v, want ErrEmptyCorpus", err)
	}
	// One word is enough: finite probabilities, and the ARPA text reads back.
	m, err := Build(strings.NewReader("\nhello\n\n"), BuildOptions{Order: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := m.WriteARPA(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "NaN") {
		t.Errorf("one-word corpus gives NaN:\n%s", b.String())
	}
	m2, err := ReadARPA(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("reading back the one-word model: %v\n%s", err, b.String())
	}
	if sc := m2.ScoreSentence([]string{"hello"}); math.IsNaN(sc.Log10Prob) || math.IsInf(sc.Log10Prob, 0) || sc.OOVs != 0 {
		t.Errorf("score of hello: %+v", sc)
	}
}
