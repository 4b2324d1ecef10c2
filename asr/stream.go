package asr

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// StreamOptions controls a [Stream].
type StreamOptions struct {
	// Step is the seconds of new audio after which the open segment is
	// decoded again for a partial result; 0 means 0.5, negative means no
	// partial results.
	Step float64
	// EndPause is the seconds of quiet after speech that close a segment;
	// 0 means 0.3. The segment is cut in the middle of the pause. On 30
	// speechocean762-dev clips joined with 1 s pauses, 0.3 gave finals
	// 0.38 s (median) after the pause began and 55.9% WER, 0.5 gave 0.59 s
	// and 57.7% (scripts/bench/stream). On the 500 clips of
	// speechocean762-dev + dev-more back to back (with MinSegment 2 and
	// FloorWindow 30), 0.3 gave 54.83%, 0.5 gave 55.46%.
	EndPause float64
	// FloorWindow is the seconds of past audio whose frame energies set the
	// speech threshold (the offline VAD's rule over a sliding window); 0
	// means 6. It bounds memory: one float32 per 10 ms frame. On the 500
	// clips back to back, 3, 6 and 30 gave 54.55%, 53.98% and 54.83% WER
	// (finals 0.55, 0.57 and 0.60 s after the last word); with 1 s pauses
	// between the clips, 6 gave 51.06%, 30 gave 50.74%.
	FloorWindow float64
	// MinSegment is the seconds a segment must last (from its start, the
	// middle of the pause before it) before a pause may close it, as
	// VADOptions.MinChunk does for the offline cutter; 0 means the
	// recognizer's VAD.MinChunk (2 s), negative means none. On the 500
	// speechocean762-dev clips joined back to back (32 min, their own
	// silences as pauses), 2 s gave 54.83% WER and finals 0.60 s (median,
	// p90 1.12 s) after the last word, none 56.60% and 0.56 s (p90 0.92 s);
	// with 1 s pauses between the clips, both gave 50.74% and 1.01 s
	// (scripts/bench/stream).
	MinSegment float64
}

// DefaultStreamOptions returns partial results every 0.5 s of audio and
// segments of at least 2 s closed by 0.3 s pauses.
func DefaultStreamOptions() StreamOptions {
	return StreamOptions{Step: 0.5, EndPause: 0.3, FloorWindow: 6, MinSegment: DefaultVADOptions().MinChunk}
}

// An Event is what a [Stream] reports: a partial result of the open segment
// (Final false), which later events may change, or a final segment (Final
// true), which will not change. Times are in seconds from the start of the
// stream. Words are filled in when the recognizer's Options.Timestamps is
// set. A Final event with empty Text closes a segment whose partials showed
// text that the full decode dropped.
type Event struct {
	Final bool
	Segment
}

// A Stream recognizes audio that arrives in pieces, as a live microphone or
// a network client sends it. It cuts the audio into segments at pauses with
// the energy rule of the offline VAD ([SplitAtPauses]: a frame is speech when
// it is over [VADOptions]' threshold), computed over the last FloorWindow
// seconds instead of around each second of the file. A segment closes at the first pause of EndPause seconds after speech
// that ends at least MinSegment seconds after the segment's start (cut in
// the middle of the pause), or, without one, after VAD.MaxChunk
// seconds at the cut [SplitAtPauses] chooses. A closed segment is decoded
// once, exactly as the offline recognizer decodes one chunk (resampling, the
// front end with its per-chunk CMVN, the network and the decoder), and
// reported Final. Every Step seconds of new audio, the open segment is
// decoded from its start for a partial result.
//
// The segments are not those of [Recognizer.Transcribe] on the whole
// recording, which cuts chunks of up to MaxChunk seconds at the longest
// pause and so cannot close a segment before MaxChunk seconds of audio have
// arrived; each final is the offline transcription of its own stretch of
// audio. Finals do not depend on how the audio was split into writes.
//
// Memory is bounded however long the stream runs: audio before the open
// segment is dropped, quiet audio before speech is kept for EndPause
// seconds only, and a segment never outgrows MaxChunk seconds.
//
// A Stream is not safe for concurrent use; its Recognizer may be shared.
// Write and Close never fail on data: odd byte counts, garbage and silence
// give (possibly empty) events. Writing after Close panics.
type Stream struct {
	r    *Recognizer
	o    StreamOptions
	rate int
	hop  int // samples per 10 ms energy frame (VAD.FrameMs)

	buf   []float32 // audio from sample bufStart (the open segment's start) on
	start int64     // stream sample index of buf[0]
	total int64     // samples received

	// Energy frames. Frames are numbered from the stream start; frame f
	// covers samples [f*hop, (f+1)*hop).
	acc     float64   // sum of squares of the incomplete frame
	accN    int       // samples in it
	frame   int64     // frames completed
	hist    []float32 // dB of the last FloorWindow frames, ring buffer
	histN   int       // frames in hist
	thr     float64   // current speech threshold, dB
	speech  bool      // the open segment has a speech frame
	quietF  int       // quiet frames since the last speech frame (or the segment start)
	lastSp  int64     // number of the last speech frame, -1 before any
	pauseF  int       // quiet frames that close a segment
	leadF   int       // quiet frames kept before speech
	maxF    int64     // frames a segment may last (VAD.MaxChunk)
	minF    int64     // frames a segment lasts before a pause closes it (MinSegment)
	stepN   int64     // samples between partial decodes (0: none)
	lastDec int64     // total at the last partial decode
	shown   bool      // a partial with text was reported for the open segment
	b2      []byte    // an odd trailing byte of WritePCM16
	closed  bool
	events  []Event
}

// NewStream returns a stream of audio at rate Hz, recognized by r. Zero
// fields of o take the defaults. It panics if rate is not positive.
func (r *Recognizer) NewStream(rate int, o StreamOptions) *Stream {
	if rate <= 0 {
		panic(fmt.Sprintf("asr: NewStream at %d Hz", rate))
	}
	d := DefaultStreamOptions()
	if o.Step == 0 {
		o.Step = d.Step
	}
	if o.EndPause <= 0 {
		o.EndPause = d.EndPause
	}
	if o.FloorWindow <= 0 {
		o.FloorWindow = d.FloorWindow
	}
	v := r.o.VAD
	hop := max(1, int(v.FrameMs*float64(rate)/1000))
	fs := float64(hop) / float64(rate) // seconds per frame
	s := &Stream{
		r: r, o: o, rate: rate, hop: hop,
		hist:   make([]float32, max(1, int(o.FloorWindow/fs))),
		thr:    v.FloorDB,
		lastSp: -1,
		pauseF: max(1, int(math.Round(o.EndPause/fs))),
		maxF:   max(2, int64(v.MaxChunk/fs)),
	}
	if o.MinSegment == 0 {
		o.MinSegment = v.MinChunk
	}
	if o.MinSegment > 0 {
		s.minF = min(s.maxF/2, int64(o.MinSegment/fs))
	}
	s.leadF = s.pauseF
	if o.Step > 0 {
		s.stepN = max(1, int64(o.Step*float64(rate)))
	}
	return s
}

// Rate returns the stream's sample rate.
func (s *Stream) Rate() int { return s.rate }

// Duration returns the seconds of audio written so far.
func (s *Stream) Duration() float64 { return float64(s.total) / float64(s.rate) }

// Buffered returns the number of samples the stream holds: the open
// segment's audio.
func (s *Stream) Buffered() int { return len(s.buf) }

// Write adds samples (at the stream's rate, nominally in [-1, 1]) and
// returns the events they produced: the segments they closed, then at most
// one partial result. NaN and infinite samples count as 0.
func (s *Stream) Write(x []float32) []Event {
	if s.closed {
		panic("asr: Stream.Write after Close")
	}
	s.events = s.events[:0]
	for len(x) > 0 {
		n := min(len(x), s.hop-s.accN)
		s.push(x[:n])
		x = x[n:]
	}
	if s.stepN > 0 && s.speech && s.total-s.lastDec >= s.stepN {
		s.partial()
	}
	return slices.Clone(s.events)
}

// WritePCM16 is Write for 16-bit signed little-endian mono samples. An odd
// trailing byte is kept and joined to the next call's first byte.
func (s *Stream) WritePCM16(b []byte) []Event {
	if len(s.b2) == 1 && len(b) > 0 {
		s.b2 = append(s.b2, b[0])
		b = b[1:]
	}
	var x []float32
	if len(s.b2) == 2 {
		x = append(x, float32(int16(uint16(s.b2[0])|uint16(s.b2[1])<<8))/32768)
		s.b2 = s.b2[:0]
	}
	for i := 0; i+1 < len(b); i += 2 {
		x = append(x, float32(int16(uint16(b[i])|uint16(b[i+1])<<8))/32768)
	}
	if len(b)%2 == 1 {
		s.b2 = append(s.b2[:0], b[len(b)-1])
	}
	return s.Write(x)
}

// Close ends the stream: the open segment, if it holds speech, is decoded
// and reported Final. Closing twice returns nothing the second time.
func (s *Stream) Close() []Event {
	if s.closed {
		return nil
	}
	s.events = s.events[:0]
	if s.speech || s.shown {
		s.finalize(len(s.buf))
	}
	s.closed = true
	s.buf = nil
	return slices.Clone(s.events)
}

// push adds samples that do not cross a frame boundary.
func (s *Stream) push(x []float32) {
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			v = 0
		}
		s.buf = append(s.buf, v)
		s.acc += float64(v) * float64(v)
	}
	s.accN += len(x)
	s.total += int64(len(x))
	if s.accN == s.hop {
		s.endFrame(levelDB(s.acc, s.hop))
		s.acc, s.accN = 0, 0
	}
}

// endFrame takes the energy of the frame just completed and closes the
// open segment when that frame ends a pause or reaches the length limit.
func (s *Stream) endFrame(db float32) {
	s.hist[int(s.frame%int64(len(s.hist)))] = db
	s.histN = min(s.histN+1, len(s.hist))
	s.frame++
	// The threshold follows the window every 10 frames (and on the first
	// ones), by frame number, so that it does not depend on the writes.
	if s.frame <= 10 || s.frame%10 == 0 {
		s.thr = s.threshold()
	}
	segF := s.frame - s.start/int64(s.hop) // frames in the open segment
	if float64(db) >= s.thr {
		s.speech = true
		s.quietF = 0
		s.lastSp = s.frame - 1
	} else {
		s.quietF++
	}
	switch {
	case s.speech && s.quietF >= s.pauseF && segF >= s.minF:
		// Cut in the middle of the pause.
		s.finalize(len(s.buf) - s.quietF/2*s.hop)
	case !s.speech && s.quietF >= 2*s.leadF:
		// Quiet before any speech: keep only the last leadF frames
		// (dropped in batches, so that silence costs little).
		s.drop(len(s.buf) - s.leadF*s.hop)
		s.quietF = s.leadF
	case segF > s.maxF:
		// No pause: cut where the offline VAD would cut this stretch.
		s.finalize(SplitAtPauses(s.buf, s.rate, s.r.o.VAD)[0].End)
	}
}

// threshold is SplitAtPauses' speech threshold over the frames in hist.
func (s *Stream) threshold() float64 {
	sorted := slices.Clone(s.hist[:s.histN])
	slices.Sort(sorted)
	return s.r.o.VAD.threshold(sorted)
}

// drop removes the first n samples of buf.
func (s *Stream) drop(n int) {
	n = max(0, min(n, len(s.buf)))
	s.start += int64(n)
	s.buf = append(s.buf[:0], s.buf[n:]...)
}

// finalize decodes buf[:n] as one segment, reports it Final and starts the
// next segment at sample n. Speech after n (in a cut made by the length
// limit) stays in the next segment.
func (s *Stream) finalize(n int) {
	n = max(0, min(n, len(s.buf)))
	seg := s.decode(s.buf[:n])
	if seg.Text != "" || s.shown {
		s.events = append(s.events, Event{Final: true, Segment: seg})
	}
	s.drop(n)
	s.shown = false
	s.lastDec = s.total
	// What is left of the open segment: frames from s.start on.
	first := s.start / int64(s.hop)
	s.speech = s.lastSp >= first
	if s.speech {
		s.quietF = int(s.frame - 1 - s.lastSp)
	} else {
		s.quietF = int(s.frame - first)
	}
}

// partial decodes the open segment and reports it.
func (s *Stream) partial() {
	s.lastDec = s.total
	seg := s.decode(s.buf)
	if seg.Text == "" && !s.shown {
		return
	}
	s.shown = seg.Text != ""
	s.events = append(s.events, Event{Segment: seg})
}

// decode runs the offline decode of one chunk (Recognizer.segment) on x,
// which starts at stream sample s.start, and moves its times to the stream.
func (s *Stream) decode(x []float32) Segment {
	if len(x) == 0 {
		return Segment{}
	}
	d := s.r.segment(x, s.rate, 0, len(x), true)
	seg := d.Segment
	if seg.Text == "" {
		return Segment{}
	}
	off := float64(s.start) / float64(s.rate)
	seg.Start += off
	seg.End += off
	if s.r.o.Timestamps {
		for i := range seg.Words {
			seg.Words[i].Start += off
			seg.Words[i].End += off
		}
	} else {
		seg.Words = nil
	}
	seg.Text = strings.TrimSpace(seg.Text)
	return seg
}
