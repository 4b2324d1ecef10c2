package ctc

import (
	"fmt"
	"math"
)

// An AlignedToken is one label of a target with the frames the best path
// spends on it.
type AlignedToken struct {
	Label int // the target label
	// Start is the first frame on which the path emits the label, End one
	// past the last: frames [Start, End). Blank frames around the label
	// belong to no token.
	Start, End int
	LogProb    float64 // sum of the label's log-probabilities over [Start, End)
}

// An Alignment is the most probable CTC path of a target through the input
// (Viterbi), in the layout of torchaudio.functional.forced_align: one label
// per frame and its log-probability, plus the frames of each target label.
type Alignment struct {
	Path    []int          // [T] label at each frame: the blank or a target label
	Scores  []float32      // [T] log-probability of Path[t] at frame t
	Tokens  []AlignedToken // [L] one per target label, in order
	LogProb float64        // sum of Scores: the log-probability of the path
}

// ForcedAlign returns the Viterbi alignment of target to logProbs: of all
// frame-level label sequences that collapse to target (repeats merged, then
// blanks dropped; so blanks are optional between labels and required between
// equal neighbours), the one with the highest summed log-probability
// (Graves et al. 2006, section 3.2, with max in place of sum). Ties keep the
// path that stays in its state, then the one that moves by one state.
//
// logProbs: [T][V] log-probabilities; target: [L] labels in [0,V), none
// equal to blank. Bad data gives an error: ErrEmptyInput when T or L is 0, a
// *TargetError for a bad label, an *InfeasibleError when target needs more
// than T frames. Memory is one byte per (frame, state) pair, T*(2L+1) bytes:
// for long inputs use AlignLong. It panics if the rows of logProbs differ in
// length.
func ForcedAlign(logProbs [][]float32, target []int, blank int) (*Alignment, error) {
	if err := checkAlignInput(logProbs, target, blank); err != nil {
		return nil, err
	}
	var v viterbi
	end, err := v.run(logProbs, target, blank, false)
	if err != nil {
		return nil, err
	}
	a := &Alignment{Path: make([]int, len(logProbs)), Scores: make([]float32, len(logProbs)), Tokens: make([]AlignedToken, len(target))}
	v.backtrack(logProbs, target, blank, end, 0, a)
	a.finish(logProbs, target)
	return a, nil
}

// checkAlignInput validates the shapes and labels of an alignment request.
func checkAlignInput(logProbs [][]float32, target []int, blank int) error {
	if len(logProbs) == 0 || len(target) == 0 {
		return ErrEmptyInput
	}
	V := len(logProbs[0])
	for _, row := range logProbs {
		if len(row) != V {
			panic(fmt.Sprintf("ctc: ForcedAlign rows of %d and %d labels", V, len(row)))
		}
	}
	for i, l := range target {
		switch {
		case l < 0 || l >= V:
			return &TargetError{Pos: i, Label: l, Reason: fmt.Sprintf("out of range [0,%d)", V)}
		case l == blank:
			return &TargetError{Pos: i, Label: l, Reason: "equal to the blank"}
		}
	}
	if n := minFrames(target); n > len(logProbs) {
		return &InfeasibleError{Frames: len(logProbs), Needed: n}
	}
	return nil
}

// minFrames is the number of frames target needs: one per label plus one
// blank between each pair of equal neighbours.
func minFrames(target []int) int {
	n := len(target)
	for i := 1; i < len(target); i++ {
		if target[i] == target[i-1] {
			n++
		}
	}
	return n
}

// viterbi holds the buffers of one Viterbi pass. State s of the extended
// sequence is the blank when s is even and target[s/2] when s is odd.
type viterbi struct {
	back      []uint8   // [T][S] how many states the best path into (t, s) moved: 0, 1 or 2
	cur, prev []float64 // [S] best log-probability of a path ending in each state
}

// run fills the trellis of target over logProbs and returns the state the
// best path ends in: one of the last two (the last label or the blank after
// it) when freeEnd is false, any state when it is true. It returns an
// *InfeasibleError when no path ends where required.
func (v *viterbi) run(logProbs [][]float32, target []int, blank int, freeEnd bool) (int, error) {
	T, S := len(logProbs), 2*len(target)+1
	if cap(v.back) < T*S {
		v.back = make([]uint8, T*S)
	}
	v.back = v.back[:T*S]
	if cap(v.cur) < S {
		v.cur, v.prev = make([]float64, S), make([]float64, S)
	}
	cur, prev := v.cur[:S], v.prev[:S]
	inf := math.Inf(-1)
	for s := range prev {
		prev[s] = inf
	}
	prev[0] = float64(logProbs[0][blank])
	prev[1] = float64(logProbs[0][target[0]])
	clear(v.back[:S])
	hi := 2 // states [0, hi) may be reached at frame t
	for t := 1; t < T; t++ {
		row := logProbs[t]
		back := v.back[t*S : (t+1)*S]
		hi = min(S, hi+2)
		for s := 0; s < hi; s++ {
			best, step := prev[s], uint8(0)
			if s >= 1 && prev[s-1] > best {
				best, step = prev[s-1], 1
			}
			var label int
			if s&1 == 0 {
				label = blank
			} else {
				label = target[s>>1]
				if s >= 3 && label != target[s>>1-1] && prev[s-2] > best {
					best, step = prev[s-2], 2
				}
			}
			cur[s] = best + float64(row[label])
			back[s] = step
		}
		for s := hi; s < S; s++ {
			cur[s] = inf
		}
		cur, prev = prev, cur
	}
	v.cur, v.prev = cur, prev // prev holds the last frame
	end := S - 1
	if freeEnd {
		for s := S - 2; s >= 0; s-- {
			if prev[s] > prev[end] {
				end = s
			}
		}
	} else if prev[S-2] > prev[S-1] {
		end = S - 2
	}
	if math.IsInf(prev[end], -1) {
		return 0, &InfeasibleError{Frames: T, Needed: minFrames(target)}
	}
	return end, nil
}

// backtrack follows the back pointers from state end at the last frame and
// writes the path into a.Path and a.Scores from frame off, and the frames of
// the labels it passes into a.Tokens (offset by off, indices relative to
// target).
func (v *viterbi) backtrack(logProbs [][]float32, target []int, blank, end, off int, a *Alignment) {
	T, S := len(logProbs), 2*len(target)+1
	s := end
	for t := T - 1; t >= 0; t-- {
		label := blank
		if s&1 == 1 {
			label = target[s>>1]
			k := s >> 1
			if a.Tokens[k].End == 0 {
				a.Tokens[k] = AlignedToken{Label: label, Start: off + t, End: off + t + 1}
			} else {
				a.Tokens[k].Start = off + t
			}
		}
		a.Path[off+t] = label
		a.Scores[off+t] = logProbs[t][label]
		if t > 0 {
			s -= int(v.back[t*S+s])
		}
	}
}

// finish sums the scores of the path and of each token.
func (a *Alignment) finish(logProbs [][]float32, target []int) {
	a.LogProb = 0
	for _, x := range a.Scores {
		a.LogProb += float64(x)
	}
	for k := range a.Tokens {
		tk := &a.Tokens[k]
		tk.Label = target[k]
		tk.LogProb = 0
		for t := tk.Start; t < tk.End; t++ {
			tk.LogProb += float64(logProbs[t][tk.Label])
		}
	}
}

// LongOptions controls AlignLong.
type LongOptions struct {
	// Window is the number of frames aligned at once (default 1000). Memory
	// is about 2*Window*Window bytes.
	Window int
	// Restarts lists the target positions at which a window may begin (for
	// instance the first label of each word), ascending. Nil allows every
	// position.
	Restarts []int
}

// AlignLong is ForcedAlign for inputs too long for its T*(2L+1) trellis: hours
// of audio against a book chapter. It aligns Window frames at a time against
// at most Window labels of the target with a free end (the path may stop in
// any state), keeps the part of the path up to the last restart position
// whose previous label ends in the first half of the window, and starts the
// next window there, in the manner of the windowed search of CTC
// segmentation (Kürzinger et al. 2020, "CTC-Segmentation of Large Corpora for
// German End-to-end Speech Recognition"). The last window must end on the
// last label, as in ForcedAlign. When the whole input fits in one window the
// result is ForcedAlign's; otherwise it is the Viterbi path of each committed
// piece, which matches the global one wherever the first half of a window
// decides the path (the usual case for speech, where each label's evidence
// is local).
//
// Memory beyond the result (O(T + L)) is about 2*Window*Window bytes for the
// trellis. Errors and panics are ForcedAlign's.
func AlignLong(logProbs [][]float32, target []int, blank int, o LongOptions) (*Alignment, error) {
	if err := checkAlignInput(logProbs, target, blank); err != nil {
		return nil, err
	}
	W := o.Window
	if W <= 0 {
		W = 1000
	}
	T, L := len(logProbs), len(target)
	restart := make([]bool, L+1)
	if o.Restarts == nil {
		for k := range restart {
			restart[k] = true
		}
	} else {
		for _, k := range o.Restarts {
			if k >= 0 && k <= L {
				restart[k] = true
			}
		}
	}
	// need[k]: frames that target[k:] needs.
	need := make([]int, L+1)
	for k := L - 1; k >= 0; k-- {
		need[k] = need[k+1] + 1
		if k+1 < L && target[k+1] == target[k] {
			need[k]++
		}
	}
	a := &Alignment{Path: make([]int, T), Scores: make([]float32, T), Tokens: make([]AlignedToken, L)}
	var v viterbi
	part := &Alignment{}
	t0, k0 := 0, 0
	for k0 < L {
		remT := T - t0
		if need[k0] > remT {
			return nil, &InfeasibleError{Frames: T, Needed: t0 + need[k0]}
		}
		win := W
		for {
			last := win >= remT
			nT := min(win, remT)
			nL := min(L-k0, nT)
			if last {
				nL = L - k0
			}
			lp, tg := logProbs[t0:t0+nT], target[k0:k0+nL]
			end, err := v.run(lp, tg, blank, !last)
			if err != nil {
				return nil, err
			}
			part.Path = grow(part.Path, nT)
			part.Scores = grow(part.Scores, nT)
			part.Tokens = part.Tokens[:0]
			part.Tokens = append(part.Tokens, make([]AlignedToken, nL)...)
			v.backtrack(lp, tg, blank, end, 0, part)
			if last {
				copy(a.Path[t0:], part.Path[:nT])
				copy(a.Scores[t0:], part.Scores[:nT])
				for k := range nL {
					tk := part.Tokens[k]
					a.Tokens[k0+k] = AlignedToken{Start: t0 + tk.Start, End: t0 + tk.End}
				}
				t0, k0 = T, L
				break
			}
			// Tokens the free end did not reach have End 0.
			done := 0
			for done < nL && part.Tokens[done].End > 0 {
				done++
			}
			fits := func(cutT, cutK int) bool { return need[k0+cutK] <= remT-cutT }
			cutT, cutK := commitPoint(part.Tokens[:done], tg, k0, restart, nT, fits)
			if cutK == 0 && cutT == 0 {
				win *= 2
				continue
			}
			copy(a.Path[t0:], part.Path[:cutT])
			copy(a.Scores[t0:], part.Scores[:cutT])
			for k := range cutK {
				tk := part.Tokens[k]
				a.Tokens[k0+k] = AlignedToken{Start: t0 + tk.Start, End: t0 + tk.End}
			}
			t0 += cutT
			k0 += cutK
			break
		}
	}
	for t := t0; t < T; t++ { // the text ended in a committed window
		a.Path[t], a.Scores[t] = blank, logProbs[t][blank]
	}
	a.finish(logProbs, target)
	return a, nil
}

// commitPoint picks how much of a window's path to keep: the largest k (a
// restart position, relative k0+k) whose previous token ends in the first
// half of the window's nT frames,
// with cut frame that token's End. With none, the blank frames before the
// first token (at most half) are kept with no label, or else the first
// restart completed anywhere in the window. Only points after which the
// rest of the target still fits in the rest of the input qualify. (0, 0)
// means nothing can be kept: the window must grow.
func commitPoint(toks []AlignedToken, tg []int, k0 int, restart []bool, nT int, fits func(cutT, cutK int) bool) (cutT, cutK int) {
	half := nT / 2
	ok := func(k int) bool { // token k-1 is complete and k may start a window
		return toks[k-1].End < nT && restart[k0+k] && (k == len(tg) || tg[k] != tg[k-1]) && fits(toks[k-1].End, k)
	}
	for k := len(toks); k >= 1; k-- {
		if toks[k-1].End <= half && ok(k) {
			return toks[k-1].End, k
		}
	}
	if len(toks) > 0 && toks[0].Start > 0 && fits(min(toks[0].Start, half), 0) {
		return min(toks[0].Start, half), 0
	}
	for k := 1; k <= len(toks); k++ {
		if ok(k) {
			return toks[k-1].End, k
		}
	}
	return 0, 0
}
