package asr

import (
	"math"
	"slices"
)

// VADOptions controls how long audio is cut into chunks at pauses.
type VADOptions struct {
	FrameMs  float64 // analysis frame, 10 ms
	MaxChunk float64 // seconds; chunks are at most this long (15)
	MinChunk float64 // seconds; a pause ends a chunk only after this much (2)
	// MinPause is the quiet (seconds) that ends a chunk once it is MinChunk
	// long (0.25). Shorter quiet runs are only used when a chunk reaches
	// MaxChunk without such a pause.
	MinPause float64
	// Lookahead: once a chunk has its pause, a longer pause that starts
	// within Lookahead seconds of it ends the chunk instead (2): the pause
	// between two sentences is usually longer than those within one.
	Lookahead   float64
	ThresholdDB float64 // speech is this far above the local noise floor (12 dB)
	FloorDB     float64 // frames below this level (dBFS) are always quiet (-70)
	// FloorWindow is how far (seconds) on each side of a frame the noise
	// floor is measured (3): the cuts in some audio depend on at most
	// MaxChunk + FloorWindow + 1 s of the audio after it.
	FloorWindow float64
}

// DefaultVADOptions returns chunks of 2-15 s, each ended by the longest
// pause that starts within 2 s of its first pause of 0.25 s, the noise
// floor measured over ±3 s. A recording of at most 15 s is one chunk.
//
// The default model was trained on single utterances of at most 16 s, each
// normalized on its own (per-utterance CMVN). It deletes most of the words
// of a second utterance in the same chunk (speechocean762-dev's 500 clips
// scored 55.0% WER cut exactly at the clips, 58.8% two clips to a chunk,
// 62.3% three to a chunk), and it also loses words when one utterance is cut
// at its own pauses (500 speechocean762-train clips one by one: 12.65%
// whole, 16.23% cut at 0.25 s pauses after 2.5 s). So a chunk ends at the
// first real pause, preferring a longer one just after it, and a short
// recording is not cut at all. These values were chosen on 500
// speechocean762-train clips joined into one 30-minute file; on the 500
// dev clips joined (32 minutes) they score 51.97% WER against 51.15% clip
// by clip (scripts/bench/longaudio.sh).
func DefaultVADOptions() VADOptions {
	return VADOptions{FrameMs: 10, MaxChunk: 15, MinChunk: 2, MinPause: 0.25, Lookahead: 2, ThresholdDB: 12, FloorDB: -70, FloorWindow: 3}
}

// A Span is a stretch of audio in samples, [Start, End). Speech is false when
// no frame in it rose above the speech threshold (the recognizer skips it).
type Span struct {
	Start, End int
	Speech     bool
}

// SplitAtPauses cuts x (at rate Hz) into consecutive spans that cover all of
// x, each at most o.MaxChunk seconds long; x no longer than that is one
// span. A span ends in the middle of the first pause (o.MinPause seconds of
// frames quieter than the speech threshold) that ends after o.MinChunk
// seconds of it, or of a longer quiet run that starts within o.Lookahead
// seconds of that pause; a span that reaches o.MaxChunk without a pause is
// cut in the middle of the longest quiet run of its second half, else at
// its quietest frame there.
//
// The speech threshold follows the noise floor of the recording: for each
// second of audio it is o.ThresholdDB above the 5th percentile of the frame
// energies within o.FloorWindow seconds on either side, at most 6 dB under
// their 90th percentile, and never below o.FloorDB dBFS. So a span's end
// depends only on the audio up to o.MaxChunk + o.FloorWindow + 1 seconds
// past its start, never on the rest of a long recording.
//
// Memory is a few float32 per 10 ms frame. It panics if rate or o.FrameMs is
// not positive.
func SplitAtPauses(x []float32, rate int, o VADOptions) []Span {
	if rate <= 0 || !(o.FrameMs > 0) {
		panic("asr: SplitAtPauses with a non-positive rate or frame")
	}
	if len(x) == 0 {
		return nil
	}
	hop := max(1, int(o.FrameMs*float64(rate)/1000))
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
	thr := localThresholds(db, o)
	block := max(1, int(1000/o.FrameMs))
	quiet := func(f int) bool { return float64(db[f]) < thr[f/block] }

	maxF := max(1, int(o.MaxChunk*1000/o.FrameMs))
	minF := int(o.MinChunk * 1000 / o.FrameMs)
	if minF >= maxF {
		minF = maxF / 2
	}
	pauseF := max(1, int(o.MinPause*1000/o.FrameMs))

	var spans []Span
	start := 0
	for start < nf {
		end := nf
		if start == 0 && nf <= maxF {
			// A recording no longer than MaxChunk is one chunk.
		} else if e, ok := firstPause(quiet, start, start+minF, min(nf, start+maxF), pauseF); ok {
			end = e
			if la := int(o.Lookahead * 1000 / o.FrameMs); la > 0 {
				end = longerPause(quiet, start, end, min(nf, start+maxF), la)
			}
		} else if nf-start > maxF {
			end = cutPoint(db, quiet, start+maxF/2, start+maxF)
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

// localThresholds returns the speech threshold (dB) of each block of one
// second of frames, from the frames within o.FloorWindow seconds of it.
func localThresholds(db []float32, o VADOptions) []float64 {
	block := max(1, int(1000/o.FrameMs))
	win := max(0, int(o.FloorWindow*1000/o.FrameMs))
	nb := (len(db) + block - 1) / block
	thr := make([]float64, nb)
	var buf []float32
	for b := range thr {
		lo, hi := max(0, b*block-win), min(len(db), (b+1)*block+win)
		buf = append(buf[:0], db[lo:hi]...)
		slices.Sort(buf)
		thr[b] = o.threshold(buf)
	}
	return thr
}

// threshold is the speech threshold (dB) for frames whose energies, sorted
// in increasing order, are sorted: o.ThresholdDB above the noise floor (their
// 5th percentile), but at most 6 dB under their 90th percentile, for audio
// that is speech almost throughout; at least 6 dB over the floor, so that
// steady noise, whose frames all lie within a dB or two, stays quiet; and
// never below o.FloorDB. SplitAtPauses and Stream share it.
func (o VADOptions) threshold(sorted []float32) float64 {
	floor := float64(sorted[len(sorted)*5/100])
	p90 := float64(sorted[len(sorted)*9/10])
	return max(min(floor+o.ThresholdDB, p90-6), floor+6, o.FloorDB)
}

// firstPause finds the first run of at least n quiet frames that lies in
// [start, hi) and ends at or after lo (speech resumes there, or at hi with
// a run that long), and returns its middle, if that is past start.
func firstPause(quiet func(int) bool, start, lo, hi, n int) (int, bool) {
	run := 0
	for f := start; f < hi; f++ {
		if quiet(f) {
			run++
			continue
		}
		if run >= n && f >= lo {
			return f - run/2, true
		}
		run = 0
	}
	if run >= n && hi >= lo && hi-run/2 > start {
		return hi - run/2, true
	}
	return 0, false
}

// longerPause returns the middle of the longest quiet run that starts within
// la frames after the pause whose middle is mid (that pause included),
// searching no further than hi, nor back before start.
func longerPause(quiet func(int) bool, start, mid, hi, la int) int {
	// The run around mid.
	a := mid
	for a > start && quiet(a-1) {
		a--
	}
	best, bestMid := 0, mid
	for f := a; f < hi && f < mid+la; {
		if !quiet(f) {
			f++
			continue
		}
		g := f
		for g < hi && quiet(g) {
			g++
		}
		if g-f > best {
			best, bestMid = g-f, (f+g)/2
		}
		f = g
	}
	if bestMid <= start {
		return mid
	}
	return bestMid
}

// cutPoint picks a frame in (lo, hi] to end a chunk that found no pause:
// the middle of the longest quiet run, preferring later ones, else the
// quietest frame.
func cutPoint(db []float32, quiet func(int) bool, lo, hi int) int {
	bestLen, bestMid := 0, -1
	run := 0
	for f := lo; f < hi; f++ {
		if quiet(f) {
			run++
			if run >= bestLen {
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
	for f := hi - 1; f > lo; f-- {
		if db[f] < db[q] {
			q = f
		}
	}
	return max(q, lo+1)
}
