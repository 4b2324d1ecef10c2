package lm

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
)

// TestHandWorked checks a bigram model worked out by hand with fixed
// discounts D = 0.5 on the corpus "a b" / "a".
//
//	bigrams (raw counts): <s> a:2, a b:1, a </s>:1, b </s>:1
//	unigram continuation counts: a:1 (<s>), b:1 (a), </s>:2 (a, b), <unk>:0
//	unigrams: total 4, gamma = 0.5*(2+1)/4 = 0.375, |V| = 4 (<unk>, </s>, a, b)
//	  p(a) = p(b) = 0.5/4 + 0.375/4 = 0.21875; p(</s>) = 1.5/4 + 0.09375 = 0.46875; p(<unk>) = 0.09375
//	context <s>: total 2, gamma = 0.5/2 = 0.25: p(a|<s>) = 1.5/2 + 0.25*0.21875 = 0.8046875
//	context a:   total 2, gamma = 1/2 = 0.5:    p(b|a) = 0.25 + 0.5*0.21875 = 0.359375, p(</s>|a) = 0.25 + 0.5*0.46875 = 0.484375
//	context b:   total 1, gamma = 0.5:          p(</s>|b) = 0.5 + 0.5*0.46875 = 0.734375
func TestHandWorked(t *testing.T) {
	m, err := Build(strings.NewReader("a b\na\n"), BuildOptions{Order: 2, Discounts: [][3]float64{{0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		sentence string
		probs    []float64
	}{
		{"a b", []float64{0.8046875, 0.359375, 0.734375}},
		{"a", []float64{0.8046875, 0.484375}},
		// b after <s>: backoff 0.25 * p(b); a after b: 0.5 * p(a).
		{"b a", []float64{0.25 * 0.21875, 0.5 * 0.21875, 0.484375}},
		{"a <unk>", []float64{0.8046875, 0.5 * 0.09375, 0.46875}},
	}
	for _, c := range cases {
		s := m.ScoreSentence(strings.Fields(c.sentence))
		want := 0.0
		for i, p := range c.probs {
			want += math.Log10(p)
			if d := math.Abs(s.WordLog10[i] - math.Log10(p)); d > 1e-6 {
				t.Errorf("%q word %d: log10 p = %.7f, hand-worked %.7f", c.sentence, i, s.WordLog10[i], math.Log10(p))
			}
		}
		if math.Abs(s.Log10Prob-want) > 1e-6 {
			t.Errorf("%q: %.7f, hand-worked %.7f", c.sentence, s.Log10Prob, want)
		}
	}
	if got := m.Counts(); len(got) != 2 || got[0] != 5 || got[1] != 4 {
		t.Errorf("counts %v, want [5 4] (<s> <unk> </s> a b; 4 bigrams)", got)
	}
}

func TestDiscounts(t *testing.T) {
	d := discounts([5]float64{0, 10, 5, 3, 2})
	want := [3]float64{0.5, 1.1, 3 - 4*0.5*2.0/3}
	for i := range d {
		if math.Abs(d[i]-want[i]) > 1e-12 {
			t.Errorf("D%d = %v, want %v", i+1, d[i], want[i])
		}
	}
}

func readCorpus(t testing.TB) string {
	b, err := os.ReadFile("../../testdata/lm/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNormalised checks that every context's distribution over the
// vocabulary (without <s>) sums to 1, for plain and pruned models and for
// the model read back from its ARPA text.
func TestNormalised(t *testing.T) {
	corpus := readCorpus(t)
	for _, o := range []BuildOptions{
		{Order: 1}, {Order: 2}, {Order: 3}, {Order: 4},
		{Order: 3, Prune: []int{0, 1, 1}},
		{Order: 5, Char: true},
		{Order: 4, Char: true, Prune: []int{0, 0, 1, 2}},
	} {
		m, err := Build(strings.NewReader(corpus), o)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := m.WriteARPA(&buf); err != nil {
			t.Fatal(err)
		}
		m2, err := ReadARPA(&buf)
		if err != nil {
			t.Fatalf("%+v: reading our own ARPA: %v", o, err)
		}
		for _, mm := range []*Model{m, m2} {
			worst := 0.0
			// Every entry below the top order is a possible context.
			for e := range mm.ent {
				if int(mm.ent[e].order) >= mm.order {
					continue
				}
				if e > 0 && mm.ent[e].word == mm.eos {
					continue
				}
				sum := 0.0
				for w := range int32(len(mm.words)) {
					if w == mm.bos {
						continue
					}
					lp, _ := mm.Score(State(e), w)
					sum += math.Pow(10, lp)
				}
				worst = max(worst, math.Abs(sum-1))
			}
			if worst > 2e-5 {
				t.Errorf("%+v: a context's probabilities sum to 1 ± %.2g", o, worst)
			}
		}
	}
}

func TestARPARoundTrip(t *testing.T) {
	m, err := Build(strings.NewReader(readCorpus(t)), BuildOptions{Order: 3})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m.WriteARPA(&buf)
	text := buf.String()
	m2, err := ReadARPA(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	var buf2 bytes.Buffer
	m2.WriteARPA(&buf2)
	if buf2.String() != text {
		t.Errorf("ARPA text changed after a round trip")
	}
	sents, _ := os.ReadFile("../../testdata/lm/sentences.txt")
	for _, line := range strings.Split(strings.TrimSpace(string(sents)), "\n") {
		a, b := m.ScoreSentence(strings.Fields(line)), m2.ScoreSentence(strings.Fields(line))
		if a.Log10Prob != b.Log10Prob || a.OOVs != b.OOVs {
			t.Errorf("%q: built %v, read back %v", line, a, b)
		}
	}
}

func TestMalformedARPA(t *testing.T) {
	good := "\\data\\\nngram 1=3\nngram 2=2\n\n\\1-grams:\n-1\t<s>\t-0.5\n-0.5\ta\t-0.3\n-0.5\t</s>\n\n\\2-grams:\n-0.2\t<s> a\n-0.1\ta </s>\n\n\\end\\\n"
	if _, err := ReadARPA(strings.NewReader(good)); err != nil {
		t.Fatalf("good file: %v", err)
	}
	cases := []struct {
		name, text string
		line       int
	}{
		{"wrong count", strings.Replace(good, "ngram 2=2", "ngram 2=3", 1), 14},
		{"too many", strings.Replace(good, "ngram 1=3", "ngram 1=2", 1), 8},
		{"missing section", strings.Replace(good, "\\2-grams:\n-0.2\t<s> a\n-0.1\ta </s>\n\n", "", 1), 10},
		{"bad float", strings.Replace(good, "-0.2\t<s> a", "-0.x2\t<s> a", 1), 11},
		{"bad backoff", strings.Replace(good, "-0.3", "oops", 1), 7},
		{"duplicate", strings.Replace(good, "-0.1\ta </s>", "-0.1\t<s> a", 1), 12},
		{"duplicate unigram", strings.Replace(good, "-0.5\t</s>", "-0.5\ta", 1), 8},
		{"unknown word", strings.Replace(good, "a </s>", "b </s>", 1), 12},
		{"fields", strings.Replace(good, "-0.2\t<s> a", "-0.2\t<s> a a a", 1), 11},
		{"no end", strings.Replace(good, "\\end\\\n", "", 1), 13},
		{"no data", "hello\n", 1},
	}
	for _, c := range cases {
		_, err := ReadARPA(strings.NewReader(c.text))
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: error %v, want a FormatError", c.name, err)
			continue
		}
		if fe.Line != c.line {
			t.Errorf("%s: error at line %d, want %d (%v)", c.name, fe.Line, c.line, err)
		}
	}
}

// TestMissingContext reads an ARPA file whose trigram's context bigram is
// absent: the context is filled in by backoff, as KenLM does.
func TestMissingContext(t *testing.T) {
	text := "\\data\\\nngram 1=4\nngram 2=1\nngram 3=1\n\n\\1-grams:\n-99\t<s>\t-0.5\n-0.6\ta\t-0.25\n-0.7\tb\t-0.2\n-0.5\t</s>\n\n\\2-grams:\n-0.3\t<s> a\t-0.1\n\n\\3-grams:\n-0.05\ta b </s>\n\n\\end\\\n"
	m, err := ReadARPA(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	s := m.ScoreSentence([]string{"a", "b"})
	// p(a|<s>) = -0.3; p(b|<s> a) = bo(<s> a) + p(b|a) = -0.1 + (bo(a) + p(b)) = -0.1 - 0.25 - 0.7;
	// p(</s>|a b) = -0.05 (trigram found through the filled-in context "a b").
	want := -0.3 + (-0.1 - 0.25 - 0.7) + -0.05
	if math.Abs(s.Log10Prob-want) > 1e-6 {
		t.Errorf("log10 p = %v, want %v (%v)", s.Log10Prob, want, s.WordLog10)
	}
}

func TestScoreStates(t *testing.T) {
	m, err := Build(strings.NewReader(readCorpus(t)), BuildOptions{Order: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Scoring word by word through states equals ScoreSentence.
	words := strings.Fields("the old man walked the dog")
	s := m.Start()
	total := 0.0
	for _, w := range words {
		lp, next := m.ScoreWord(s, w)
		total += lp
		s = next
	}
	total += m.End(s)
	if got := m.ScoreSentence(words).Log10Prob; math.Abs(got-total) > 1e-9 {
		t.Errorf("state scoring %v, ScoreSentence %v", total, got)
	}
	// An OOV is scored as <unk> by Score, skipped by ScoreSentence.
	lp, _ := m.ScoreWord(m.Start(), "zebra")
	lpUnk, _ := m.ScoreWord(m.Start(), Unk)
	if lp != lpUnk {
		t.Errorf("OOV %v, <unk> %v", lp, lpUnk)
	}
	sc := m.ScoreSentence([]string{"the", "zebra", "sat"})
	if sc.OOVs != 1 || sc.Words != 3 || !math.IsNaN(sc.WordLog10[1]) {
		t.Errorf("OOV sentence: %+v", sc)
	}
	var p Perplexity
	p.Add(sc)
	if want := math.Pow(10, -sc.Log10Prob/3); math.Abs(p.PPL()-want) > 1e-9 {
		t.Errorf("ppl %v, want %v", p.PPL(), want)
	}
}

func TestCharTokens(t *testing.T) {
	got := strings.Join(CharTokens("  ab  c\td ", nil), ",")
	if want := "a,b,<sp>,c,<sp>,d"; got != want {
		t.Errorf("CharTokens = %s, want %s", got, want)
	}
}

func FuzzReadARPA(f *testing.F) {
	for _, name := range []string{"../../testdata/lm/tiny.arpa"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("\\data\\\nngram 1=1\n\n\\1-grams:\n-1\ta\n\n\\end\\\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ReadARPA(bytes.NewReader(b))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := m.WriteARPA(&buf); err != nil {
			t.Fatal(err)
		}
		s := m.Start()
		for _, w := range m.Vocab() {
			_, s = m.ScoreWord(s, w)
		}
		m.End(s)
	})
}
