package asr

import (
	"math"
	"sort"
)

// VADOptions controls how long audio is cut into chunks at pauses.
type VADOptions struct {
	FrameMs     float64 // analysis frame, 10 ms
	MaxChunk    float64 // seconds; chunks are at most this long (30)
	MinChunk    float64 // seconds; a cut is not made before this (5)
	MinPause    float64 // seconds of quiet that count as a pause (0.2)
	ThresholdDB float64 // speech is this far above the noise floor (12 dB)
	FloorDB     float64 // frames below this level (dBFS) are always quiet (-70)
}

// DefaultVADOptions returns chunks of at most 30 s cut at pauses of 0.2 s.
func DefaultVADOptions() VADOptions {
	return VADOptions{FrameMs: 10, MaxChunk: 30, MinChunk: 5, MinPause: 0.2, ThresholdDB: 12, FloorDB: -70}
}

// A Span is a stretch of audio in samples, [Start, End). Speech is false when
// no frame in it rose above the speech threshold (the recognizer skips it).
type Span struct {
	Start, End int
	Speech     bool
}

// SplitAtPauses cuts x (at rate Hz) into consecutive spans that cover all of
// x, each at most o.MaxChunk seconds long. Each cut falls in the middle of
// the longest pause (a run of frames quieter than the speech threshold) in the
// last part of the allowed window, or at the quietest frame when there is no
// pause. The threshold is o.ThresholdDB above the noise floor (the 3rd
// percentile of frame energies), at most 6 dB under the 90th percentile, and
// never below o.FloorDB dBFS. Memory is one float32 per frame.
func SplitAtPauses(x []float32, rate int, o VADOptions) []Span {
	if len(x) == 0 {
		return nil
	}
	hop := int(o.FrameMs * float64(rate) / 1000)
	if hop < 1 {
		hop = 1
	}
	nf := (len(x) + hop - 1) / hop
	db := make([]float32, nf)
	for f := range db {
		a, b := f*hop, min((f+1)*hop, len(x))
		var s float64
		for _, v := range x[a:b] {
			s += float64(v) * float64(v)
		}
		db[f] = float32(10 * math.Log10(s/float64(b-a)+1e-12))
	}
	sorted := append([]float32(nil), db...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	floor := float64(sorted[len(sorted)*3/100])
	p90 := float64(sorted[len(sorted)*9/10])
	thr := min(floor+o.ThresholdDB, p90-6)
	if thr < o.FloorDB {
		thr = o.FloorDB
	}
	quiet := func(f int) bool { return float64(db[f]) < thr }

	maxF := int(o.MaxChunk * 1000 / o.FrameMs)
	minF := int(o.MinChunk * 1000 / o.FrameMs)
	if maxF < 1 {
		maxF = 1
	}
	if minF >= maxF {
		minF = maxF / 2
	}
	pauseF := max(1, int(o.MinPause*1000/o.FrameMs))

	var spans []Span
	start := 0
	for start < nf {
		end := nf
		if nf-start > maxF {
			end = cutPoint(db, quiet, start+minF, start+maxF, pauseF)
		}
		speech := false
		for f := start; f < end && !speech; f++ {
			speech = !quiet(f)
		}
		spans = append(spans, Span{Start: start * hop, End: min(end*hop, len(x)), Speech: speech})
		start = end
	}
	return spans
}

// cutPoint picks a frame in (lo, hi] to end a chunk: the middle of the
// longest quiet run of at least pauseF frames, preferring later ones, else the
// quietest frame of the window's second half.
func cutPoint(db []float32, quiet func(int) bool, lo, hi, pauseF int) int {
	bestLen, bestMid := 0, -1
	run := 0
	for f := lo; f < hi; f++ {
		if quiet(f) {
			run++
			if run >= pauseF && run >= bestLen {
				bestLen, bestMid = run, f-run/2
			}
		} else {
			run = 0
		}
	}
	if bestMid > lo {
		return bestMid
	}
	q := hi - 1
	for f := hi - 1; f >= lo+(hi-lo)/2; f-- {
		if db[f] < db[q] {
			q = f
		}
	}
	return max(q, lo+1)
}
