package wasm

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/ecoute/ecoute/asr"
)

// MaxStreamRate is the highest sample rate OpenStream accepts.
const MaxStreamRate = 384000

// StreamEvent is an asr.Event as the page receives it: a partial result of
// the open segment (final false), which later events replace, or a final
// segment (final true), which will not change. Times are seconds from the
// start of the stream.
type StreamEvent struct {
	Final bool `json:"final"`
	asr.Segment
}

// StreamUpdate is what WriteStream and CloseStream return.
type StreamUpdate struct {
	Events   []StreamEvent `json:"events"`
	Duration float64       `json:"duration"` // seconds of audio written so far
	Seconds  float64       `json:"seconds"`  // seconds this call spent recognizing
	// Result, from CloseStream only, is the whole stream as one
	// transcription: the final segments' texts joined by spaces and their
	// words (with timestamps), in the record `transcribe --format json`
	// prints, so that the page shows and exports it like a file's.
	Result json.RawMessage `json:"result,omitempty"`
}

// liveStream is one open stream and what its finals add up to.
type liveStream struct {
	s      *asr.Stream
	words  bool // timestamps requested
	texts  []string
	result asr.Result
}

// OpenStream starts recognizing live audio at rate Hz (asr.Stream with its
// default partial step and pause) with options as Transcribe takes them,
// and returns the stream's id for WriteStream and CloseStream. nbest is
// accepted and ignored: a stream reports one hypothesis.
func (e *Engine) OpenStream(rate int, options string) (id int, err error) {
	defer catch(&err)
	if rate <= 0 || rate > MaxStreamRate {
		return 0, errorf(CodeOptions, "stream: sample rate %d Hz; want 1 to %d", rate, MaxStreamRate)
	}
	m, err := e.loaded()
	if err != nil {
		return 0, err
	}
	o, err := ParseOptions(options)
	if err != nil {
		return 0, err
	}
	ao, err := o.asrOptions()
	if err != nil {
		return 0, err
	}
	rec, err := asr.NewRequestRecognizer(m, ao)
	if err != nil {
		return 0, e.pageError(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.streams == nil {
		e.streams = map[int]*liveStream{}
	}
	e.lastStream++
	e.streams[e.lastStream] = &liveStream{s: rec.NewStream(rate, asr.StreamOptions{}), words: ao.Timestamps}
	return e.lastStream, nil
}

// WriteStream adds samples (mono, in [-1, 1], at the stream's rate) to
// stream id and returns the events they produced. A stream longer than
// Limits.MaxSeconds fails with CodeTooLong; it stays open, so that
// CloseStream still returns what it recognized.
func (e *Engine) WriteStream(id int, samples []float32) (u StreamUpdate, err error) {
	defer catch(&err)
	e.mu.Lock()
	defer e.mu.Unlock()
	ls, err := e.openStream(id)
	if err != nil {
		return u, err
	}
	if max := e.Limits.MaxSeconds; max > 0 && ls.s.Duration()+float64(len(samples))/float64(ls.s.Rate()) > max {
		return u, errorf(CodeTooLong, "the stream is longer than %s, the most this page transcribes", clock(max))
	}
	t0 := time.Now()
	evs := ls.s.Write(samples)
	return ls.update(evs, time.Since(t0)), nil
}

// CloseStream ends stream id: the open segment, if it holds speech, is
// decoded and reported final. The update's Result holds the whole stream,
// as a transcription named name.
func (e *Engine) CloseStream(id int, name string) (u StreamUpdate, err error) {
	defer catch(&err)
	e.mu.Lock()
	defer e.mu.Unlock()
	ls, err := e.openStream(id)
	if err != nil {
		return u, err
	}
	delete(e.streams, id)
	t0 := time.Now()
	evs := ls.s.Close()
	u = ls.update(evs, time.Since(t0))
	ls.result.Text = strings.Join(ls.texts, " ")
	ls.result.Duration = ls.s.Duration()
	u.Result = asr.AppendJSON(nil, &ls.result, name)
	return u, nil
}

// update records the finals among evs and converts them for the page.
func (ls *liveStream) update(evs []asr.Event, spent time.Duration) StreamUpdate {
	u := StreamUpdate{Events: make([]StreamEvent, len(evs)), Duration: ls.s.Duration(), Seconds: spent.Seconds()}
	for i, ev := range evs {
		u.Events[i] = StreamEvent{Final: ev.Final, Segment: ev.Segment}
		if ev.Final && ev.Text != "" {
			ls.texts = append(ls.texts, ev.Text)
			if ls.words {
				ls.result.Words = append(ls.result.Words, ev.Words...)
			}
		}
	}
	ls.result.ProcessingTime += spent.Seconds()
	return u
}

// WriteStreamJSON is WriteStream with the update as JSON.
func (e *Engine) WriteStreamJSON(id int, samples []float32) ([]byte, error) {
	u, err := e.WriteStream(id, samples)
	if err != nil {
		return nil, err
	}
	return json.Marshal(u)
}

// CloseStreamJSON is CloseStream with the update as JSON.
func (e *Engine) CloseStreamJSON(id int, name string) ([]byte, error) {
	u, err := e.CloseStream(id, name)
	if err != nil {
		return nil, err
	}
	return json.Marshal(u)
}

// openStream returns stream id; e.mu is held.
func (e *Engine) openStream(id int) (*liveStream, error) {
	ls, ok := e.streams[id]
	if !ok {
		return nil, errorf(CodeOptions, "stream %d is not open", id)
	}
	return ls, nil
}
