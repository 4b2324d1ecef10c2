package asr

import "strings"

// editDistance returns the Levenshtein distance between a and b.
func editDistance[T comparable](a, b []T) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// ErrorCounts accumulates word and character errors of hypotheses against
// references (both already normalized).
type ErrorCounts struct {
	WordErrs, Words int
	CharErrs, Chars int
	Sentences       int
	SentErrs        int
}

// Add scores one hypothesis against its reference. Characters are counted
// over the words joined by single spaces, as sclite's character mode does
// after removing extra blanks.
func (e *ErrorCounts) Add(ref, hyp string) {
	rw, hw := strings.Fields(ref), strings.Fields(hyp)
	we := editDistance(rw, hw)
	e.WordErrs += we
	e.Words += len(rw)
	rc, hc := []rune(strings.Join(rw, " ")), []rune(strings.Join(hw, " "))
	e.CharErrs += editDistance(rc, hc)
	e.Chars += len(rc)
	e.Sentences++
	if we > 0 {
		e.SentErrs++
	}
}

// WER returns word errors per reference word.
func (e *ErrorCounts) WER() float64 { return ratio(e.WordErrs, e.Words) }

// CER returns character errors per reference character.
func (e *ErrorCounts) CER() float64 { return ratio(e.CharErrs, e.Chars) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
