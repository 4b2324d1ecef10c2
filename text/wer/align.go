package wer

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

var posInf = math.Inf(1)

// An Op is one step of an alignment.
type Op byte

// The alignment steps, written as in sclite's reports.
const (
	Correct Op = 'C' // reference and hypothesis tokens match
	Sub     Op = 'S' // substitution
	Del     Op = 'D' // deletion: a reference token with no hypothesis token
	Ins     Op = 'I' // insertion: a hypothesis token with no reference token
)

func (o Op) String() string { return string(o) }

// sclite's edit costs (wwd_WORD in sclite's word.c).
const (
	costCorrect = 0
	costSub     = 4
	costInsDel  = 3
)

// Counts are the totals of an alignment, or of many.
type Counts struct {
	Correct int `json:"correct"`
	Sub     int `json:"substitutions"`
	Del     int `json:"deletions"`
	Ins     int `json:"insertions"`
}

// Add returns c + d.
func (c Counts) Add(d Counts) Counts {
	return Counts{c.Correct + d.Correct, c.Sub + d.Sub, c.Del + d.Del, c.Ins + d.Ins}
}

// Errors returns S + D + I.
func (c Counts) Errors() int { return c.Sub + c.Del + c.Ins }

// RefLen returns the number of reference tokens, C + S + D.
func (c Counts) RefLen() int { return c.Correct + c.Sub + c.Del }

// HypLen returns the number of hypothesis tokens, C + S + I.
func (c Counts) HypLen() int { return c.Correct + c.Sub + c.Ins }

// ErrorRate returns (S + D + I) / (C + S + D), the word (or character)
// error rate as a fraction. With an empty reference it is 0 when there
// are no errors and +Inf otherwise.
func (c Counts) ErrorRate() float64 { return ratio(c.Errors(), c.RefLen()) }

func ratio(a, b int) float64 {
	if b == 0 {
		if a == 0 {
			return 0
		}
		return posInf
	}
	return float64(a) / float64(b)
}

// An Alignment is the edit-distance alignment of a reference token
// sequence with a hypothesis.
type Alignment struct {
	// Ops are the steps in order. Ref and Hyp index the tokens: step k
	// uses Ref[RefPos[k]] unless it is an Ins, and Hyp[HypPos[k]] unless it
	// is a Del; the other index is -1.
	Ops    []Op
	RefPos []int
	HypPos []int
	Counts Counts
}

// Align aligns hyp against ref with sclite's costs (correct 0,
// substitution 4, insertion and deletion 3) and sclite's tie-breaking
// (net_dp.c: a substitution or match wins ties, then a deletion beats an
// insertion, and the trace runs back from the end), so that its counts
// are those of sclite. Tokens are compared exactly; fold case beforehand
// for sclite's default case-insensitive comparison.
func Align(ref, hyp []string) Alignment {
	ids := map[string]int32{}
	intern := func(toks []string) []int32 {
		out := make([]int32, len(toks))
		for i, t := range toks {
			id, ok := ids[t]
			if !ok {
				id = int32(len(ids))
				ids[t] = id
			}
			out[i] = id
		}
		return out
	}
	var a aligner
	return a.align(intern(ref), intern(hyp), true)
}

// An aligner holds the dynamic-programming buffers between calls.
type aligner struct {
	cost []int32
	back []Op
}

// align aligns token ids. When full is false only Counts is filled.
func (a *aligner) align(ref, hyp []int32, full bool) Alignment {
	n, m := len(ref), len(hyp)
	w := m + 1
	if cap(a.cost) < 2*w {
		a.cost = make([]int32, 2*w)
	}
	if cap(a.back) < (n+1)*w {
		a.back = make([]Op, (n+1)*w)
	}
	prev, cur := a.cost[:w], a.cost[w:2*w]
	back := a.back[:(n+1)*w]
	// Row 0: insertions only.
	prev[0] = 0
	back[0] = 0
	for j := 1; j <= m; j++ {
		prev[j] = prev[j-1] + costInsDel
		back[j] = Ins
	}
	for i := 1; i <= n; i++ {
		bi := back[i*w : (i+1)*w]
		cur[0] = prev[0] + costInsDel
		bi[0] = Del
		ri := ref[i-1]
		for j := 1; j <= m; j++ {
			sub := prev[j-1]
			op := Correct
			if hyp[j-1] != ri {
				sub += costSub
				op = Sub
			}
			del := prev[j] + costInsDel
			ins := cur[j-1] + costInsDel
			switch {
			case sub <= del && sub <= ins:
				cur[j] = sub
			case del < ins:
				cur[j], op = del, Del
			default:
				cur[j], op = ins, Ins
			}
			bi[j] = op
		}
		prev, cur = cur, prev
	}

	// Trace back from (n, m).
	var al Alignment
	steps := 0
	for i, j := n, m; i > 0 || j > 0; steps++ {
		switch back[i*w+j] {
		case Correct:
			al.Counts.Correct++
			i, j = i-1, j-1
		case Sub:
			al.Counts.Sub++
			i, j = i-1, j-1
		case Del:
			al.Counts.Del++
			i--
		case Ins:
			al.Counts.Ins++
			j--
		}
	}
	if !full {
		return al
	}
	al.Ops = make([]Op, steps)
	al.RefPos = make([]int, steps)
	al.HypPos = make([]int, steps)
	k := steps - 1
	for i, j := n, m; i > 0 || j > 0; k-- {
		op := back[i*w+j]
		al.Ops[k] = op
		al.RefPos[k], al.HypPos[k] = -1, -1
		switch op {
		case Correct, Sub:
			i, j = i-1, j-1
			al.RefPos[k], al.HypPos[k] = i, j
		case Del:
			i--
			al.RefPos[k] = i
		case Ins:
			j--
			al.HypPos[k] = j
		}
	}
	return al
}

// Tokens splits s into tokens: words separated by white space, or, when
// chars is set, the characters of s other than white space (as sclite -c
// does).
func Tokens(s string, chars bool) []string {
	if !chars {
		return strings.Fields(s)
	}
	out := make([]string, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			out = append(out, s[i:i+size])
		}
		i += size
	}
	return out
}
