package punct

import (
	"fmt"
	"strings"
)

// Scores counts a tagger's decisions against reference text. For each
// punctuation class, a word whose predicted mark is that class is a true
// positive when the reference has it and a false positive otherwise; a
// reference mark that was not predicted is a false negative (so a comma
// predicted for a period is one false positive for comma and one false
// negative for period).
type Scores struct {
	TP, FP, FN  [numPunct]int
	CaseCorrect int // words whose predicted case is the reference's
	CaseWords   int // words with a known reference case
	Words       int
}

// Add scores the predictions for one stream of reference tokens.
// It panics if the lengths differ.
func (s *Scores) Add(ref []Token, ps []Punct, cs []Case) {
	if len(ps) != len(ref) || len(cs) != len(ref) {
		panic(fmt.Sprintf("punct: %d predictions for %d reference words", len(ps), len(ref)))
	}
	for i, t := range ref {
		s.Words++
		if ps[i] == t.Punct {
			s.TP[t.Punct]++
		} else {
			s.FP[ps[i]]++
			s.FN[t.Punct]++
		}
		if t.Case != noCase {
			s.CaseWords++
			if cs[i] == t.Case {
				s.CaseCorrect++
			}
		}
	}
}

func prf(tp, fp, fn int) (p, r, f float64) {
	if tp+fp > 0 {
		p = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		r = float64(tp) / float64(tp+fn)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// PRF returns the precision, recall and F1 of one class.
func (s *Scores) PRF(p Punct) (precision, recall, f1 float64) {
	return prf(s.TP[p], s.FP[p], s.FN[p])
}

// Overall returns precision, recall and F1 over the three marks together
// (micro-averaged: their counts summed).
func (s *Scores) Overall() (precision, recall, f1 float64) {
	var tp, fp, fn int
	for _, p := range []Punct{Comma, Period, Question} {
		tp, fp, fn = tp+s.TP[p], fp+s.FP[p], fn+s.FN[p]
	}
	return prf(tp, fp, fn)
}

// CaseAccuracy returns the fraction of words whose case was right.
func (s *Scores) CaseAccuracy() float64 {
	if s.CaseWords == 0 {
		return 0
	}
	return float64(s.CaseCorrect) / float64(s.CaseWords)
}

// Merge adds o's counts to s.
func (s *Scores) Merge(o *Scores) {
	for i := range s.TP {
		s.TP[i] += o.TP[i]
		s.FP[i] += o.FP[i]
		s.FN[i] += o.FN[i]
	}
	s.CaseCorrect += o.CaseCorrect
	s.CaseWords += o.CaseWords
	s.Words += o.Words
}

// Report returns a table of the scores: one line per mark with its
// precision, recall, F1 and reference count, the overall line, and the
// casing accuracy.
func (s *Scores) Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s %6s %6s %6s %7s\n", "class", "P", "R", "F1", "ref")
	for _, p := range []Punct{Comma, Period, Question} {
		pr, rc, f := s.PRF(p)
		fmt.Fprintf(&b, "%-9s %6.3f %6.3f %6.3f %7d\n", p.Name(), pr, rc, f, s.TP[p]+s.FN[p])
	}
	pr, rc, f := s.Overall()
	fmt.Fprintf(&b, "%-9s %6.3f %6.3f %6.3f %7d\n", "overall", pr, rc, f, s.TP[Comma]+s.FN[Comma]+s.TP[Period]+s.FN[Period]+s.TP[Question]+s.FN[Question])
	fmt.Fprintf(&b, "casing accuracy %.4f over %d words\n", s.CaseAccuracy(), s.CaseWords)
	return b.String()
}

// Tagger is anything that tags words: the Model and the n-gram Baseline.
type Tagger interface {
	Tag(words []string) ([]Punct, []Case)
}

// Evaluate tags each reference stream's words with tg and scores the
// result.
func Evaluate(tg Tagger, docs [][]Token) *Scores {
	s := &Scores{}
	for _, d := range docs {
		words := make([]string, len(d))
		for i, t := range d {
			words[i] = t.Word
		}
		ps, cs := tg.Tag(words)
		s.Add(d, ps, cs)
	}
	return s
}
