package asr

import (
	"strings"

	"github.com/ecoute/ecoute/ctc"
	"github.com/ecoute/ecoute/text/wer"
)

// Long alignment by anchors. An exact Viterbi search keeps one byte per
// (frame, state): an hour of audio against its text would need gigabytes,
// and a beam-pruned search over the whole hour can lose its way. Instead
// the network's own best path (greedy decoding of the same frames) is
// matched to the text word by word (text/wer's edit-distance alignment, in
// windows of a few hundred words), and runs of anchorRun words that agree
// exactly pin text to time: the text and the frames are cut between two
// agreeing words (at the separator the network emitted there, else in the
// middle of the gap), and each stretch between cuts is force-aligned on
// its own, exactly when its trellis fits exactMaxBytes, else by
// ctc.AlignLong's beam. Memory is the network output (T*V float32) plus one
// window's matching and one stretch's trellis.
// (Moreno et al. 1998, "A recursive algorithm for the forced alignment of
// very long audio segments", anchor on recognized islands the same way.)
const (
	anchorRun    = 3    // agreeing words in a row that make an anchor
	anchorWindow = 400  // hypothesis words matched per window
	cutSpacing   = 300  // frames at least between two cuts (9 s of 30 ms frames)
	textSlack    = 1.25 // text matched per window, over the expected (see anchors)
)

// exactMaxBytes is the largest trellis (one byte per frame and state)
// searched exactly by ctc.ForcedAlign; longer inputs go through
// alignAnchored. A variable so that tests can send short audio there.
var exactMaxBytes = 64e6

// hypWord is a word of the greedy hypothesis: its text and frames [start,
// end), and sep, the first frame of the word separator the network emitted
// after it (-1: none; subword models have no separator label).
type hypWord struct {
	text       string
	start, end int
	sep        int
}

// greedyWords decodes lp greedily into words. A word ends at the word
// separator, and also where more than gapFrames frames pass between two
// labels: the network often emits no separator across a pause (words said
// in isolation, the end of a chunk), and letters of one word are not that
// far apart.
func (v *charVocab) greedyWords(lp [][]float32) []hypWord {
	var out []hypWord
	var ids []int
	start, end := 0, 0
	flush := func() {
		if len(ids) > 0 {
			out = append(out, hypWord{v.decode(ids), start, end, -1})
		}
		ids = ids[:0]
	}
	for _, tk := range ctc.Greedy(lp, v.blank) {
		if tk.ID == v.space {
			flush()
			if n := len(out); n > 0 && out[n-1].sep < 0 {
				out[n-1].sep = tk.Start
			}
			continue
		}
		if (v.space < 0 && strings.HasPrefix(v.pieces[tk.ID], " ")) || tk.Start-end > gapFrames {
			flush()
		}
		if len(ids) == 0 {
			start = tk.Start
		}
		ids = append(ids, tk.ID)
		end = tk.End
	}
	flush()
	return out
}

// cut pins the text before spelled word word (an index into the spelled
// words) to the frames before frame. The separator before word belongs to
// the stretch after the cut, so a cut goes at the first frame of the
// separator the network emitted between the two words, or half way between
// them when it emitted none there.
type cut struct{ word, frame int }

// anchors returns the cuts where the greedy hypothesis agrees with the
// spelled words for anchorRun words in a row, at least cutSpacing frames
// apart, in order.
func anchors(spoken []string, hyp []hypWord) []cut {
	var cuts []cut
	lastFrame := 0
	// tpos is the text after the last run that counted, hAnchor the
	// hypothesis word after it. The text matched to a window is what the
	// hypothesis words since hAnchor would say at the average rate of
	// text words per hypothesis word, with textSlack to spare: no more,
	// since the deletions a longer text window needs anyway are free to
	// go anywhere, and a text that repeats itself (a refrain, a list)
	// would then match a later copy as well as the right one.
	tpos, hAnchor := 0, 0
	rate := float64(len(spoken)+1) / float64(len(hyp)+1)
	for hpos := 0; hpos < len(hyp); {
		hEnd := min(len(hyp), hpos+anchorWindow)
		tEnd := min(len(spoken), tpos+int(float64(hEnd-hAnchor)*rate*textSlack)+20)
		// Runs near the end of a window may be matched to the wrong text
		// (the text there can go on in the next window): only runs that
		// end in the window's first three quarters count, but in the last.
		limit := 3 * (hEnd - hpos) / 4
		if hEnd == len(hyp) {
			limit = hEnd - hpos
		}
		hs := make([]string, hEnd-hpos)
		for k := range hs {
			hs[k] = hyp[hpos+k].text
		}
		ops, refPos, hypPos := alignEarly(spoken[tpos:tEnd], hs)
		// Runs of Correct steps; a cut may go between any two words of a
		// run of anchorRun or more (both sides agree), spaced.
		lastRef, lastHyp := -1, -1
		for k := 0; k < len(ops); {
			if ops[k] != wer.Correct {
				k++
				continue
			}
			n := k
			for n < len(ops) && ops[n] == wer.Correct {
				n++
			}
			if hypPos[n-1] >= limit {
				break
			}
			if n-k >= anchorRun {
				for j := k; j+1 < n; j++ {
					h0, h1 := hyp[hpos+hypPos[j]], hyp[hpos+hypPos[j+1]]
					f := (h0.end + h1.start) / 2
					if h0.sep >= h0.end && h0.sep < h1.start {
						f = h0.sep
					}
					if f-lastFrame >= cutSpacing && h0.end <= f && f <= h1.start {
						cuts = append(cuts, cut{tpos + refPos[j+1], f})
						lastFrame = f
					}
				}
				lastRef, lastHyp = refPos[n-1], hypPos[n-1]
			}
			k = n
		}
		if hEnd == len(hyp) {
			break
		}
		// Move on from the last run that counted, else by half a window
		// (the text stays: the hypothesis may be saying words that are
		// not in it).
		if lastHyp >= 0 {
			hpos += lastHyp + 1
			tpos += lastRef + 1
			hAnchor = hpos
		} else {
			hpos += (hEnd - hpos) / 2
		}
	}
	return cuts
}

// alignEarly is wer.Align(ref, hyp) with ties broken towards matching hyp
// as early in ref as it can (ref is the text from the last anchor on, and
// may run well past what hyp says; text that repeats itself must not pull
// hyp forward). wer.Align's trace puts deletions as early as it can, so
// both sequences are aligned reversed.
func alignEarly(ref, hyp []string) (ops []wer.Op, refPos, hypPos []int) {
	rev := func(x []string) []string {
		y := make([]string, len(x))
		for i, s := range x {
			y[len(x)-1-i] = s
		}
		return y
	}
	al := wer.Align(rev(ref), rev(hyp))
	n := len(al.Ops)
	ops, refPos, hypPos = make([]wer.Op, n), make([]int, n), make([]int, n)
	flip := func(p, l int) int {
		if p < 0 {
			return -1
		}
		return l - 1 - p
	}
	for k := range al.Ops {
		ops[n-1-k] = al.Ops[k]
		refPos[n-1-k] = flip(al.RefPos[k], len(ref))
		hypPos[n-1-k] = flip(al.HypPos[k], len(hyp))
	}
	return ops, refPos, hypPos
}

// alignAnchored aligns at's labels to lp stretch by stretch between the
// anchors of the greedy hypothesis, and stitches the stretches into one
// alignment. A stretch whose text cannot fit its frames is merged with the
// next. Errors are those of ctc.ForcedAlign on the whole.
func (v *charVocab) alignAnchored(lp [][]float32, at *alignText, beam float64) (*ctc.Alignment, error) {
	var spoken []string // spelled words
	var idx []int       // their indices in at.words
	for i, w := range at.words {
		if at.first[i] >= 0 {
			spoken = append(spoken, w.Spoken)
			idx = append(idx, i)
		}
	}
	cuts := anchors(spoken, v.greedyWords(lp))
	// Label range of spelled words [w0, w1): from the separator before w0
	// (when there is one) to the last label of w1-1.
	labels := func(w0, w1 int) (int, int) {
		l0 := at.first[idx[w0]]
		if w0 > 0 {
			l0 = at.last[idx[w0-1]] + 1
		}
		return l0, at.last[idx[w1-1]] + 1
	}
	T := len(lp)
	out := &ctc.Alignment{Path: make([]int, T), Scores: make([]float32, T), Tokens: make([]ctc.AlignedToken, len(at.target))}
	w0, f0 := 0, 0
	for k := 0; k <= len(cuts); k++ {
		w1, f1 := len(spoken), T
		if k < len(cuts) {
			w1, f1 = cuts[k].word, cuts[k].frame
		}
		if w1 <= w0 || f1 <= f0 {
			continue
		}
		l0, l1 := labels(w0, w1)
		seg := lp[f0:f1]
		target := at.target[l0:l1]
		var a *ctc.Alignment
		var err error
		if float64(len(seg))*float64(2*len(target)+1) <= exactMaxBytes {
			a, err = ctc.ForcedAlign(seg, target, v.blank)
		} else {
			a, err = ctc.AlignLong(seg, target, v.blank, ctc.LongOptions{Beam: beam})
		}
		if err != nil {
			if k < len(cuts) {
				continue // merge with the next stretch: w0, f0 stay
			}
			return nil, err
		}
		copy(out.Path[f0:], a.Path)
		copy(out.Scores[f0:], a.Scores)
		for j, tk := range a.Tokens {
			tk.Start += f0
			tk.End += f0
			out.Tokens[l0+j] = tk
		}
		out.LogProb += a.LogProb
		w0, f0 = w1, f1
	}
	return out, nil
}
