package ctc

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/text/lm"
)

// wordScore is the LM part of a label sequence, computed the way the
// decoder defines it: words split at the separator (empty words skipped),
// each scored by the word LM, </s> at the end, Beta per word.
func wordScore(m *lm.Model, vocab []string, space int, seq []int, alpha, beta float64) (float64, string) {
	var sb strings.Builder
	for _, k := range seq {
		if k == space {
			sb.WriteByte(' ')
		} else {
			sb.WriteString(vocab[k])
		}
	}
	text := sb.String()
	if m == nil {
		return 0, text
	}
	st := m.Start()
	total, lmLog := 0.0, 0.0
	for _, w := range strings.Fields(text) {
		lp, next := m.Score(st, m.ID(w))
		st = next
		lmLog += lp
		total += beta
	}
	lmLog += m.End(st)
	return total + alpha*math.Ln10*lmLog, text
}

// enumerate calls f with every label sequence (labels 1..V-1, blank 0) of
// length at most maxLen.
func enumerate(V, maxLen int, f func([]int)) {
	seq := []int{}
	var rec func()
	rec = func() {
		f(seq)
		if len(seq) == maxLen {
			return
		}
		for k := 1; k < V; k++ {
			seq = append(seq, k)
			rec()
			seq = seq[:len(seq)-1]
		}
	}
	rec()
}

// TestBeamExhaustive enumerates every label sequence, scores it with the
// CTC forward algorithm plus the LM, and checks that a beam wide enough to
// hold every prefix returns the true best (and the right n-best order).
func TestBeamExhaustive(t *testing.T) {
	vocab := []string{"_", " ", "a", "b"}
	m, err := lm.Build(strings.NewReader("a b\nab a\nba b a\nb\na a b\n"), lm.BuildOptions{Order: 2})
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 12))
	for trial := range 12 {
		T := 3 + trial%4
		_, lp := randLogProbs(r, T, len(vocab), 1.5)
		var useLM *lm.Model
		alpha, beta := 0.0, 0.0
		if trial%3 != 0 {
			useLM, alpha, beta = m, 0.8, 0.5*float64(trial%2)
		}
		type scored struct {
			score float64
			seq   []int
		}
		var all []scored
		enumerate(len(vocab), T, func(seq []int) {
			nll, err := Loss(lp, seq, 0)
			if err != nil {
				return // infeasible in T frames
			}
			ls, _ := wordScore(useLM, vocab, 1, seq, alpha, beta)
			all = append(all, scored{-nll + ls, slices.Clone(seq)})
		})
		slices.SortFunc(all, func(a, b scored) int {
			if a.score > b.score {
				return -1
			}
			return 1
		})
		o := BeamOptions{Beam: 100000, NBest: 5, Vocab: vocab, Space: 1, Alpha: alpha, Beta: beta}
		if useLM != nil {
			o.LM = useLM
		}
		hyps, err := BeamSearch(lp, o, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range min(5, len(all)) {
			got := Labels(hyps[i].Tokens)
			if !slices.Equal(got, all[i].seq) && math.Abs(hyps[i].Score-all[i].score) > 1e-9 {
				t.Errorf("trial %d rank %d: beam %v (%.9f), exhaustive %v (%.9f)", trial, i, got, hyps[i].Score, all[i].seq, all[i].score)
			}
			if math.Abs(hyps[i].Score-all[i].score) > 1e-9 {
				t.Errorf("trial %d rank %d: beam score %.12f, exhaustive %.12f", trial, i, hyps[i].Score, all[i].score)
			}
			if math.Abs(hyps[i].Acoustic+hyps[i].LM-hyps[i].Score) > 1e-12 {
				t.Errorf("score %v != acoustic %v + LM %v", hyps[i].Score, hyps[i].Acoustic, hyps[i].LM)
			}
		}
	}
}

// peaked returns log-probs whose argmax spells seq, one label per frame
// with blanks between, each peak with probability p.
func peaked(seq []int, V int, p float64, blanksBetween int) [][]float32 {
	var rows [][]float32
	add := func(k int) {
		row := make([]float32, V)
		for j := range row {
			row[j] = float32(math.Log((1 - p) / float64(V-1)))
		}
		row[k] = float32(math.Log(p))
		rows = append(rows, row)
	}
	for _, k := range seq {
		add(k)
		for range blanksBetween {
			add(0)
		}
	}
	return rows
}

func encode(vocab []string, s string) []int {
	var out []int
	for _, c := range s {
		out = append(out, slices.Index(vocab, string(c)))
	}
	return out
}

func charVocab() []string {
	v := []string{"_", " ", "'"}
	for c := 'a'; c <= 'z'; c++ {
		v = append(v, string(c))
	}
	return v
}

func TestBeamWordsAndTimes(t *testing.T) {
	vocab := charVocab()
	lp := peaked(encode(vocab, "hi yo"), len(vocab), 0.9, 2)
	hyps, err := BeamSearch(lp, BeamOptions{Vocab: vocab, Space: 1, Beam: 8, PruneProb: 1e-3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := hyps[0]
	if h.Text != "hi yo" || len(h.Words) != 2 {
		t.Fatalf("text %q words %+v", h.Text, h.Words)
	}
	// Labels at frames 0, 3, 6 (space), 9, 12; each followed by 2 blanks.
	want := []Word{{"hi", 0, 4, 0.9}, {"yo", 9, 13, 0.9}}
	for i, w := range want {
		g := h.Words[i]
		if g.Text != w.Text || g.Start != w.Start || g.End != w.End || math.Abs(g.Confidence-0.9) > 1e-6 {
			t.Errorf("word %d = %+v, want %+v", i, g, w)
		}
	}
	g := Greedy(lp, 0)
	for i, tk := range h.Tokens {
		if tk.ID != g[i].ID || tk.Start != g[i].Start || tk.End != g[i].End {
			t.Errorf("token %d = %+v, greedy %+v", i, tk, g[i])
		}
	}
}

func TestBeamLexiconAndHotwords(t *testing.T) {
	vocab := charVocab()
	V := len(vocab)
	// Acoustically "cat" with "cot" a close second at the vowel.
	lp := peaked(encode(vocab, "cat"), V, 0.9, 1)
	o, a := slices.Index(vocab, "o"), slices.Index(vocab, "a")
	lp[2][a], lp[2][o] = float32(math.Log(0.5)), float32(math.Log(0.45))
	best := func(opts BeamOptions, hot []Hotword) string {
		h, err := BeamSearch(lp, opts, hot)
		if err != nil {
			t.Fatal(err)
		}
		return h[0].Text
	}
	base := BeamOptions{Vocab: vocab, Space: 1, Beam: 16}
	if got := best(base, nil); got != "cat" {
		t.Errorf("no lexicon: %q", got)
	}
	lex := base
	lex.Lexicon = []string{"cot", "dog"}
	if got := best(lex, nil); got != "cot" {
		t.Errorf("lexicon {cot, dog}: %q", got)
	}
	if got := best(base, []Hotword{{"cot", 1}}); got != "cot" {
		t.Errorf("hotword cot: %q", got)
	}
	if got := best(lex, []Hotword{{"cat", 0.5}}); got != "cat" {
		t.Errorf("lexicon without cat, hotword cat: %q", got)
	}
	// The hotword's partial boosts are removed when the word differs.
	h, _ := BeamSearch(lp, base, []Hotword{{"cats", 3}})
	if h[0].Text != "cat" || math.Abs(h[0].LM) > 1e-12 {
		t.Errorf("unfinished hotword left a boost: %q LM %v", h[0].Text, h[0].LM)
	}
}

func TestBeamCharLM(t *testing.T) {
	vocab := charVocab()
	m, err := lm.Build(strings.NewReader("the cot\nthe cot is hot\na cot\n"), lm.BuildOptions{Order: 3, Char: true})
	if err != nil {
		t.Fatal(err)
	}
	lp := peaked(encode(vocab, "the cat"), len(vocab), 0.9, 1)
	o, a := slices.Index(vocab, "o"), slices.Index(vocab, "a")
	lp[10][a], lp[10][o] = float32(math.Log(0.5)), float32(math.Log(0.4))
	h, err := BeamSearch(lp, BeamOptions{Vocab: vocab, Space: 1, LM: m, CharLM: true, Alpha: 0.5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h[0].Text != "the cot" {
		t.Errorf("char LM: %q", h[0].Text)
	}
	// Its LM score is the char LM's sentence score.
	want := m.ScoreSentence(lm.CharTokens("the cot", nil)).Log10Prob
	if math.Abs(h[0].LMLog10-want) > 1e-9 {
		t.Errorf("LMLog10 %v, ScoreSentence %v", h[0].LMLog10, want)
	}
}

func TestBeamBadInput(t *testing.T) {
	if _, err := BeamSearch(nil, BeamOptions{}, nil); err == nil {
		t.Error("empty input: no error")
	}
	if _, err := NewDecoder(BeamOptions{Lexicon: []string{"a"}}); err == nil {
		t.Error("lexicon without vocab: no error")
	}
	lp := peaked([]int{1}, 3, 0.9, 0)
	if _, err := BeamSearch(lp, BeamOptions{Vocab: []string{"_", "a"}}, nil); err == nil {
		t.Error("vocab size mismatch: no error")
	}
}

// TestBeamRepeatAcrossBlank decodes one-hot frames "a a _ _ b b _ ␣ a"
// (vocabulary blank, space, a, b): the only path with non-zero probability
// is the labelling "ab a", which the beam must return for every beam width
// and with soft as well as exact one-hot frames.
func TestBeamRepeatAcrossBlank(t *testing.T) {
	vocab := []string{"", " ", "a", "b"}
	frames := []int{2, 2, 0, 0, 3, 3, 0, 1, 2}
	for _, p := range []float64{1, 0.97, 0.6} {
		lp := make([][]float32, len(frames))
		for i, k := range frames {
			lp[i] = make([]float32, len(vocab))
			for j := range lp[i] {
				q := (1 - p) / float64(len(vocab)-1)
				if j == k {
					q = p
				}
				lp[i][j] = float32(math.Log(q))
			}
		}
		for _, o := range []BeamOptions{{Beam: 1}, {Beam: 2}, {Beam: 4}, {Beam: 16}, {Beam: 16, NBest: 4},
			{Beam: 16, TopK: 2, PruneProb: 1e-4}, {Beam: 3, TopK: 1}, {Beam: 16, BeamThreshold: 5}} {
			o.Blank, o.Space, o.Vocab = 0, 1, vocab
			hs, err := BeamSearch(lp, o, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := hs[0].Text; got != "ab a" {
				t.Errorf("p=%v %+v: %q, want %q (tokens %+v)", p, o, got, "ab a", hs[0].Tokens)
			}
			// Tokens and word spans: a [0,2) b [4,6) ␣ [7,8) a [8,9).
			want := []Token{{ID: 2, Start: 0, End: 2}, {ID: 3, Start: 4, End: 6}, {ID: 1, Start: 7, End: 8}, {ID: 2, Start: 8, End: 9}}
			toks := hs[0].Tokens
			if len(toks) != len(want) {
				t.Fatalf("p=%v %+v: tokens %+v, want %+v", p, o, toks, want)
			}
			for i := range want {
				if toks[i].ID != want[i].ID || toks[i].Start != want[i].Start || toks[i].End != want[i].End {
					t.Errorf("p=%v %+v: token %d %+v, want %+v", p, o, i, toks[i], want[i])
				}
			}
			if w := hs[0].Words; len(w) != 2 || w[0].Text != "ab" || w[0].Start != 0 || w[0].End != 6 || w[1].Text != "a" || w[1].Start != 8 || w[1].End != 9 {
				t.Errorf("p=%v %+v: words %+v", p, o, w)
			}
			if g := Labels(Greedy(lp, 0)); !slices.Equal(g, []int{2, 3, 1, 2}) {
				t.Errorf("p=%v greedy: %v", p, g)
			}
		}
	}
}

// *lm.Model is the LM the recognizer fuses; ctc declares the interface
// without importing text/lm, so this test keeps the two in step.
var _ LM = (*lm.Model)(nil)

func TestCharSpaceIsTextLMs(t *testing.T) {
	if CharSpace != lm.CharSpace {
		t.Fatalf("ctc.CharSpace %q, text/lm's CharSpace %q: a character LM would score the separator as an unknown token", CharSpace, lm.CharSpace)
	}
}

// With a lexicon only whole words end a hypothesis, even when the beam is
// full of unfinished ones in the last frames: "it splend" (acoustically
// best, "splend" a prefix of the lexicon's "splendid") must come out as
// whole words, not as the unfinished prefix.
func TestBeamLexiconEndsOnWholeWord(t *testing.T) {
	vocab := charVocab()
	lp := peaked(encode(vocab, "it splend"), len(vocab), 0.9, 1)
	lex := []string{"it", "splendid", "spend", "is"}
	for _, beam := range []int{1, 2, 4, 16} {
		h, err := BeamSearch(lp, BeamOptions{Vocab: vocab, Space: 1, Beam: beam, Lexicon: lex, NBest: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range strings.Fields(h[0].Text) {
			if !slices.Contains(lex, w) {
				t.Errorf("beam %d: %q ends on %q, not a lexicon word", beam, h[0].Text, w)
			}
		}
		if !strings.HasPrefix(h[0].Text, "it") {
			t.Errorf("beam %d: %q lost the first word", beam, h[0].Text)
		}
	}
}
