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
	if n := MinFrames(target); n > len(logProbs) {
		return &InfeasibleError{Frames: len(logProbs), Needed: n}
	}
	return nil
}

// MinFrames is the number of frames target needs: one per label plus one
// blank between each pair of equal neighbours.
func MinFrames(target []int) int {
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
		return 0, &InfeasibleError{Frames: T, Needed: MinFrames(target)}
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
	// Beam prunes the trellis: at each frame, states whose best path is
	// more than Beam (natural log units) below the frame's best are dropped
	// (default 400). Memory grows with the number of states kept.
	Beam float64
}

// AlignLong is ForcedAlign for inputs too long for its T*(2L+1) trellis:
// hours of audio against a book chapter. It is the same Viterbi search with
// beam pruning: only states within o.Beam of the best at each frame are
// kept, at most 4096 around the best, and back pointers are stored for
// those alone, so memory is one byte per kept (frame, state) pair (at most
// 4 KiB per frame, about 130 MB per hour of 30 ms frames) plus O(T + L). For speech, where the text
// follows the audio, the kept band is narrow (a few dozen states), and the
// result is ForcedAlign's whenever the best path never falls out of the
// beam; when the end falls out of the beam, the search is repeated with a
// beam four times wider, up to three times. Errors and panics are
// ForcedAlign's.
func AlignLong(logProbs [][]float32, target []int, blank int, o LongOptions) (*Alignment, error) {
	if err := checkAlignInput(logProbs, target, blank); err != nil {
		return nil, err
	}
	beam := o.Beam
	if beam <= 0 {
		beam = 400
	}
	// A target that fits but whose end fell out of the beam is searched
	// again with a wider one.
	for range 3 {
		a, err := alignBeam(logProbs, target, blank, beam)
		if err == nil {
			return a, nil
		}
		beam *= 4
	}
	return alignBeam(logProbs, target, blank, beam)
}

// maxStates caps the states AlignLong keeps per frame (its memory is at
// most maxStates bytes per frame): about 500 words of text on either side
// of the best state.
const maxStates = 4096

func alignBeam(logProbs [][]float32, target []int, blank int, beam float64) (*Alignment, error) {
	T, L := len(logProbs), len(target)
	S := 2*L + 1
	inf := math.Inf(-1)
	prev, cur := make([]float64, S), make([]float64, S)
	lo, hi := 0, 2 // active states of the previous frame: [lo, hi)
	prev[0] = float64(logProbs[0][blank])
	prev[1] = float64(logProbs[0][target[0]])
	at := func(s int) float64 {
		if s < lo || s >= hi {
			return inf
		}
		return prev[s]
	}
	offs := make([]int32, T) // first kept state of each frame
	starts := make([]int, T+1)
	var back []uint8
	starts[1] = 0
	for t := 1; t < T; t++ {
		row := logProbs[t]
		// A state must leave room for the rest of the target: from s the
		// end (S-2 or S-1) needs (S-2-s)/2 more labels at least.
		minS := max(0, S-2-2*(T-1-t)-1)
		nlo, nhi := max(lo, minS), min(S, hi+2)
		best, bestS := inf, nlo
		for s := nlo; s < nhi; s++ {
			b, step := at(s), uint8(0)
			if v := at(s - 1); v > b {
				b, step = v, 1
			}
			var label int
			if s&1 == 0 {
				label = blank
			} else {
				label = target[s>>1]
				if s >= 3 && label != target[s>>1-1] {
					if v := at(s - 2); v > b {
						b, step = v, 2
					}
				}
			}
			cur[s] = b + float64(row[label])
			back = append(back, step)
			if cur[s] > best {
				best, bestS = cur[s], s
			}
		}
		if math.IsInf(best, -1) {
			return nil, &InfeasibleError{Frames: T, Needed: MinFrames(target)}
		}
		// Prune to [plo, phi) and keep those back pointers only.
		plo, phi := nlo, nhi
		for cur[plo] < best-beam {
			plo++
		}
		for cur[phi-1] < best-beam {
			phi--
		}
		if phi-plo > maxStates { // at most maxStates, centred on the best
			plo = max(plo, min(bestS-maxStates/2, phi-maxStates))
			phi = plo + maxStates
		}
		base := starts[t]
		copy(back[base:], back[base+plo-nlo:base+phi-nlo])
		back = back[:base+phi-plo]
		offs[t] = int32(plo)
		starts[t+1] = len(back)
		prev, cur = cur, prev
		lo, hi = plo, phi
	}
	end := S - 1
	if at(S-2) > at(S-1) {
		end = S - 2
	}
	if math.IsInf(at(end), -1) {
		return nil, &InfeasibleError{Frames: T, Needed: MinFrames(target)}
	}
	a := &Alignment{Path: make([]int, T), Scores: make([]float32, T), Tokens: make([]AlignedToken, L)}
	s := end
	for t := T - 1; t >= 0; t-- {
		label := blank
		if s&1 == 1 {
			k := s >> 1
			label = target[k]
			if a.Tokens[k].End == 0 {
				a.Tokens[k] = AlignedToken{Start: t, End: t + 1}
			} else {
				a.Tokens[k].Start = t
			}
		}
		a.Path[t] = label
		a.Scores[t] = logProbs[t][label]
		if t > 0 {
			s -= int(back[starts[t]+s-int(offs[t])])
		}
	}
	a.finish(logProbs, target)
	return a, nil
}
