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
	if len(x) == 0 {
		newSplitter(rate, o) // the same panics
		return nil
	}
	s := newSplitter(rate, o)
	s.add(x, true)
	var spans []Span
	for start := 0; start < s.frames(); {
		end, speech := s.next(start)
		spans = append(spans, Span{Start: start * s.hop, End: min(end*s.hop, len(x)), Speech: speech})
		start = end
	}
	return spans
}

// A splitter holds the frame energies of a stretch of a recording and cuts
// it as SplitAtPauses does, a span at a time, so that audio of any length
// can be cut as it arrives: next(start) needs only the frames from
// FloorWindow seconds before start to MaxChunk + FloorWindow + 1 seconds
// after it (ready), and drop forgets what comes before.
type splitter struct {
	o                                   VADOptions
	hop                                 int       // samples per frame
	block, win, maxF, minF, pauseF, laF int       // in frames
	f0                                  int       // the frame of db[0], a multiple of block
	db                                  []float32 // frame energies (dB) from f0
	thr                                 []float64 // thresholds of the blocks from f0/block; NaN: not yet computed
	tail                                []float32 // samples after the last whole frame
	eof                                 bool      // db ends where the recording ends
	sortBuf                             []float32
}

func newSplitter(rate int, o VADOptions) *splitter {
	if rate <= 0 || !(o.FrameMs > 0) {
		panic("asr: SplitAtPauses with a non-positive rate or frame")
	}
	s := &splitter{o: o,
		hop:    max(1, int(o.FrameMs*float64(rate)/1000)),
		block:  max(1, int(1000/o.FrameMs)),
		win:    max(0, int(o.FloorWindow*1000/o.FrameMs)),
		maxF:   max(1, int(o.MaxChunk*1000/o.FrameMs)),
		minF:   int(o.MinChunk * 1000 / o.FrameMs),
		pauseF: max(1, int(o.MinPause*1000/o.FrameMs)),
		laF:    int(o.Lookahead * 1000 / o.FrameMs),
	}
	if s.minF >= s.maxF {
		s.minF = s.maxF / 2
	}
	return s
}

// frames is the number of frames known, from the start of the recording.
func (s *splitter) frames() int { return s.f0 + len(s.db) }

// add appends the next samples of the recording; final says they are the
// last (a last partial frame then counts as a frame).
func (s *splitter) add(x []float32, final bool) {
	s.db = appendLevels(s.db, &s.tail, s.hop, x, final)
	s.eof = s.eof || final
}

// appendLevels appends to db the level (energy) of each whole frame of hop
// samples in *tail followed by x, and keeps the samples after the last
// whole frame in *tail; final makes them a last, shorter frame.
func appendLevels(db []float32, tail *[]float32, hop int, x []float32, final bool) []float32 {
	if len(*tail) > 0 {
		k := min(len(x), hop-len(*tail))
		*tail = append(*tail, x[:k]...)
		x = x[k:]
		if len(*tail) == hop {
			db = append(db, energy(*tail))
			*tail = (*tail)[:0]
		}
	}
	for len(x) >= hop {
		db = append(db, energy(x[:hop]))
		x = x[hop:]
	}
	*tail = append(*tail, x...)
	if final && len(*tail) > 0 {
		db = append(db, energy(*tail))
		*tail = nil
	}
	return db
}

// energy is the level of a frame in dB (of full scale 1).
func energy(x []float32) float32 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return levelDB(e, len(x))
}

// levelDB is the level in dB of n samples whose squares sum to sumSquares:
// the frame level of the VAD, the stream and alignment's edge snapping.
func levelDB(sumSquares float64, n int) float32 {
	return float32(10 * math.Log10(sumSquares/float64(n)+1e-12))
}

// ready reports whether next(start) can be answered from the frames known.
func (s *splitter) ready(start int) bool {
	return s.eof || s.frames() > start+s.maxF+s.win+s.block
}

// drop forgets the frames that no span from start on needs.
func (s *splitter) drop(start int) int {
	keep := max(0, (start/s.block*s.block-s.win)/s.block*s.block)
	if n := keep - s.f0; n > 0 {
		s.db = s.db[n:]
		if nb := n / s.block; nb <= len(s.thr) {
			s.thr = s.thr[nb:]
		} else {
			s.thr = nil
		}
		s.f0 = keep
	}
	return s.f0
}

// level is the energy of frame f (at or after f0).
func (s *splitter) level(f int) float32 { return s.db[f-s.f0] }

// quiet reports whether frame f is under the speech threshold of its block:
// o.threshold of the frames within FloorWindow seconds of the block.
func (s *splitter) quiet(f int) bool {
	b := f/s.block - s.f0/s.block
	for len(s.thr) <= b {
		s.thr = append(s.thr, math.NaN())
	}
	if math.IsNaN(s.thr[b]) {
		ab := f / s.block
		lo, hi := max(0, ab*s.block-s.win), min(s.frames(), (ab+1)*s.block+s.win)
		s.sortBuf = append(s.sortBuf[:0], s.db[lo-s.f0:hi-s.f0]...)
		slices.Sort(s.sortBuf)
		s.thr[b] = s.o.threshold(s.sortBuf)
	}
	return float64(s.level(f)) < s.thr[b]
}

// next returns the end (a frame) of the span that starts at frame start,
// and whether it holds speech. It needs ready(start).
func (s *splitter) next(start int) (end int, speech bool) {
	nf := s.frames()
	end = nf
	if start == 0 && nf <= s.maxF && s.eof {
		// A recording no longer than MaxChunk is one chunk.
	} else if e, ok := firstPause(s.quiet, start, start+s.minF, min(nf, start+s.maxF), s.pauseF); ok {
		end = e
		if s.laF > 0 {
			end = longerPause(s.quiet, start, end, min(nf, start+s.maxF), s.laF)
		}
	} else if nf-start > s.maxF {
		end = cutPoint(s.level, s.quiet, start+s.maxF/2, start+s.maxF)
	}
	for f := start; f < end && !speech; f++ {
		speech = !s.quiet(f)
	}
	return end, speech
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
func cutPoint(level func(int) float32, quiet func(int) bool, lo, hi int) int {
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
		if level(f) < level(q) {
			q = f
		}
	}
	return max(q, lo+1)
}
