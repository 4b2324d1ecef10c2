package punct

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/internal/numtest"
	"github.com/ecoute/ecoute/internal/safetensors"
	"github.com/ecoute/ecoute/lstm"
)

func tinyModel(seed uint64) *Model {
	m := New(Config{Vocab: NewVocab([]string{"a", "b", "c", "d"}), Embed: 3, Hidden: 4})
	r := rand.New(rand.NewPCG(seed, 2))
	for i := range m.Net.Params.Data {
		m.Net.Params.Data[i] = float32(r.Float64() - 0.5)
	}
	return m
}

// TestGradientFiniteDifferences checks every parameter's gradient (both
// heads, the BiLSTM and the embedding) against central differences of the
// loss, on a batch with padding and words of unknown case.
func TestGradientFiniteDifferences(t *testing.T) {
	m := tinyModel(5)
	m.Net.Threads = 1
	r := rand.New(rand.NewPCG(7, 8))
	var docs [][]Token
	for _, n := range []int{3, 5, 7} {
		var d []Token
		for range n {
			tk := Token{Word: []string{"a", "b", "c", "d", "zz", "7th"}[r.IntN(6)], Punct: Punct(r.IntN(int(numPunct))), Case: Case(r.IntN(int(numCase)))}
			if r.IntN(5) == 0 {
				tk.Case = noCase
			}
			d = append(d, tk)
		}
		docs = append(docs, d)
	}
	tr := NewTrainer(m, docs, TrainConfig{Window: 6, Batch: 4, Seed: 3})
	T, B := tr.sample()
	if slices.Min(tr.lens) == T {
		t.Fatalf("want a padded batch, lengths %v", tr.lens)
	}
	m.Net.Params.ZeroGrad()
	loss, words := tr.forwardBackward(T, B)
	grad := slices.Clone(m.Net.Params.Grad)
	f := func() float64 {
		ws := lstm.NewWorkspace(0)
		out := m.Net.Forward(ws, lstm.Batch{IDs: tr.in[:T*B], T: T, B: B, Lengths: tr.lens}, false)
		return lossGrad(out, make([]float32, len(out)), tr.tgtP[:T*B], tr.tgtC[:T*B], 1) / float64(words)
	}
	if l := f(); l-loss > 1e-6 || loss-l > 1e-6 {
		t.Fatalf("training loss %g, inference loss %g", loss, l)
	}
	const eps = 1e-2
	p := m.Net.Params.Data
	num := make([]float64, len(p))
	for i := range p {
		x := p[i]
		p[i] = x + eps
		lp := f()
		p[i] = x - eps
		lm := f()
		p[i] = x
		num[i] = (lp - lm) / (2 * eps)
	}
	label := func(i int) string {
		for _, ts := range m.Net.Params.Tensors {
			if i >= ts.Off && i < ts.Off+ts.Len {
				return fmt.Sprintf("%s[%d]", ts.Name, i-ts.Off)
			}
		}
		return "?"
	}
	e := numtest.Compare(t, "analytic vs numeric gradient", grad, num, numtest.Options{Tol: 1e-2, Relative: true, Floor: 1e-3, Label: label})
	t.Logf("%d parameters, max relative error %.2g", len(p), e)
}

func TestSaveLoad(t *testing.T) {
	m := tinyModel(1)
	m.Provenance = map[string]any{"steps": 3.0}
	words := strings.Fields("a b c zz d a 12 b c d a a b")
	wp, wc := m.Tag(words)
	b := m.Bytes(false)
	m2, err := Load(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m2.Net.Params.Data, m.Net.Params.Data) || !slices.Equal(m2.Vocab.Words, m.Vocab.Words) || m2.Provenance["steps"] != 3.0 {
		t.Fatal("F32 round trip changed the model")
	}
	q, err := Load(m.Bytes(true))
	if err != nil {
		t.Fatal(err)
	}
	numtest.Close(t, "int8 weights", q.Net.Params.Data, m.Net.Params.Data, 0.5/127)
	qp, qc := q.Tag(words)
	if !slices.Equal(qp, wp) || !slices.Equal(qc, wc) {
		t.Logf("int8 tags differ: %v %v vs %v %v", qp, qc, wp, wc)
	}
	big := New(Config{Vocab: NewVocab([]string{"a", "b"}), Embed: 32, Hidden: 32})
	if n8, n32 := len(big.Bytes(true)), len(big.Bytes(false)); n8 >= n32/3 {
		t.Errorf("int8 file %d bytes, F32 %d", n8, n32)
	}
}

func TestLoadBad(t *testing.T) {
	good := tinyModel(1).Bytes(true)
	bad := [][]byte{nil, []byte("junk"), good[:len(good)/2]}
	cfg := func(fc fileConfig) []byte {
		m := tinyModel(1)
		var ts []safetensors.Tensor
		for _, x := range m.Net.Params.Tensors {
			ts = append(ts, safetensors.Tensor{Name: x.Name, Shape: x.Shape, F32: x.W()})
		}
		j, _ := json.Marshal(fc)
		var b bytes.Buffer
		if err := safetensors.Write(&b, ts, map[string]string{MetadataKey: string(j)}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	v := []string{Unknown, Number, "a", "b", "c", "d"}
	if _, err := Load(cfg(fileConfig{Version: 1, Embed: 3, Hidden: 4, Vocab: v})); err != nil {
		t.Fatalf("the well-formed file does not load: %v", err)
	}
	bad = append(bad,
		cfg(fileConfig{Version: 2, Embed: 3, Hidden: 4, Vocab: v}),
		cfg(fileConfig{Version: 1, Embed: 3, Hidden: 5, Vocab: v}),                    // shapes differ
		cfg(fileConfig{Version: 1, Embed: 3, Hidden: 4, Vocab: v[:5]}),                // vocabulary smaller than the embedding
		cfg(fileConfig{Version: 1, Embed: 3, Hidden: 4, Vocab: v[1:]}),                // no <unk>
		cfg(fileConfig{Version: 1, Embed: -3, Hidden: 4, Vocab: v}),                   // bad size
		cfg(fileConfig{Version: 1, Embed: 3, Hidden: 4, Vocab: append(v[:5:5], "a")}), // repeated word
	)
	for i, b := range bad {
		_, err := Load(b)
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("bad file %d: error %v, want *FormatError", i, err)
		}
	}
}

// TestWindows: long input is read in overlapping windows and each word
// takes the prediction of the window where it is most central.
func TestWindows(t *testing.T) {
	for _, n := range []int{1, Window, Window + 1, 3*Window + 7} {
		ws := windows(n)
		covered := make([]bool, n)
		for _, s := range ws {
			if s < 0 || s+min(n, Window) > n {
				t.Fatalf("n=%d: window at %d", n, s)
			}
			for i := s; i < s+min(n, Window); i++ {
				covered[i] = true
			}
		}
		if slices.Contains(covered, false) {
			t.Fatalf("n=%d: windows %v leave words out", n, ws)
		}
	}
	m := tinyModel(2)
	r := rand.New(rand.NewPCG(1, 1))
	words := make([]string, 2*Window+30)
	for i := range words {
		words[i] = []string{"a", "b", "c", "d", "x"}[r.IntN(5)]
	}
	ps, cs := m.Tag(words)
	// Word 75 is most central in the window starting at 50.
	sp, sc := m.Tag(words[50 : 50+Window])
	if ps[75] != sp[25] || cs[75] != sc[25] {
		t.Errorf("word 75: %v %v, window at 50 says %v %v", ps[75], cs[75], sp[25], sc[25])
	}
}

// TestTrainLearns: a tiny tagger learns a synthetic language where
// questions start with "what", "however" takes a comma and names are
// capitalized.
func TestTrainLearns(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	gen := func(n int) []Token {
		var d []Token
		for len(d) < n {
			q := r.IntN(3) == 0
			if q {
				d = append(d, Token{"what", None, Capitalized})
			} else {
				d = append(d, Token{"we", None, Capitalized})
			}
			for range 2 + r.IntN(4) {
				switch r.IntN(4) {
				case 0:
					d = append(d, Token{"however", Comma, Lower})
				case 1:
					d = append(d, Token{"paris", None, Capitalized})
				default:
					d = append(d, Token{[]string{"go", "see", "run", "eat"}[r.IntN(4)], None, Lower})
				}
			}
			if q {
				d[len(d)-1].Punct = Question
			} else {
				d[len(d)-1].Punct = Period
			}
		}
		return d
	}
	train := [][]Token{gen(3000)}
	m := New(Config{Vocab: BuildVocab(train, 20), Embed: 8, Hidden: 12})
	m.Init(1)
	tr := NewTrainer(m, train, TrainConfig{Window: 16, Batch: 16, LR: 0.02, Seed: 1})
	tr.Train(func(st StepInfo) bool { return st.Step < 1000 })
	s := Evaluate(m, [][]Token{gen(500)})
	_, _, f1 := s.Overall()
	t.Logf("\n%s", s.Report())
	if f1 < 0.95 || s.CaseAccuracy() < 0.95 {
		t.Errorf("after 1000 steps: overall F1 %.3f, casing %.3f; want 0.95", f1, s.CaseAccuracy())
	}
}

func TestScores(t *testing.T) {
	ref := Parse("Yes, it is. Is it? No.")
	ps := []Punct{Comma, None, Comma, None, Question, Period}
	cs := []Case{Capitalized, Lower, Lower, Lower, Lower, Capitalized}
	var s Scores
	s.Add(ref, ps, cs)
	// comma: TP 1 (yes), FP 1 (is->comma for period); period: FN 2 (is., no. predicted as period? no: TP 1)
	if s.TP[Comma] != 1 || s.FP[Comma] != 1 || s.FN[Period] != 1 || s.TP[Period] != 1 || s.TP[Question] != 1 {
		t.Errorf("counts TP %v FP %v FN %v", s.TP, s.FP, s.FN)
	}
	if p, r, f := s.PRF(Comma); p != 0.5 || r != 1 || f != 2.0/3 {
		t.Errorf("comma P %g R %g F %g", p, r, f)
	}
	if s.CaseAccuracy() != 5.0/6 {
		t.Errorf("case accuracy %g, want 5/6", s.CaseAccuracy())
	}
}

func TestPunctuateBadInput(t *testing.T) {
	m := tinyModel(4)
	for _, in := range [][]string{nil, {}, {""}, {"--", "\xff", "a"}, {"héllo wörld", "!!"}} {
		out := m.Punctuate(in)
		if len(out) != len(in) {
			t.Errorf("Punctuate(%q) = %q: %d words for %d", in, out, len(out), len(in))
		}
	}
	if got := m.Text(""); got != "" {
		t.Errorf("Text(\"\") = %q", got)
	}
	if got := m.Text(" ... ?? "); got != "" {
		t.Errorf("Text of marks = %q", got)
	}
	// Sentence rules: capital first word, final mark.
	got := m.Text("a b c")
	if got == "" || !strings.ContainsAny(got[len(got)-1:], ".?") || !strings.HasPrefix(got, "A") {
		t.Errorf("Text(a b c) = %q", got)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"", "hello world", "Mr. Smith -- what?", "\xff\xfe", "日本語 テキスト", "a\x00b", strings.Repeat("a b ", 120)} {
		f.Add(s)
	}
	m := tinyModel(6)
	f.Fuzz(func(t *testing.T, s string) {
		out := m.Text(s)
		if len(Parse(s)) > 0 && out == "" {
			t.Fatalf("Text(%q) is empty", s)
		}
		words := strings.Fields(s)
		if got := m.Punctuate(words); len(got) != len(words) {
			t.Fatalf("Punctuate gave %d words for %d", len(got), len(words))
		}
	})
}

func FuzzLoad(f *testing.F) {
	f.Add(tinyModel(1).Bytes(true))
	f.Add(tinyModel(1).Bytes(false))
	f.Add([]byte("junk"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(b)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
			return
		}
		m.Text("a b c")
	})
}
