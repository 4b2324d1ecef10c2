package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
	"github.com/ecoute/ecoute/audio"
)

// A batch transcribes many inputs with one recognizer (one model, loaded
// once), jobs at a time, and hands the outcomes back in input order.
type batch struct {
	rec      *asr.Recognizer
	jobs     int
	decode   audio.DecodeOptions
	stdin    io.Reader
	stderr   io.Writer
	progress bool // draw a progress bar on stderr
	quiet    bool
	// format, when set, renders a result in the worker (so formatting runs
	// in parallel too); its bytes are outcome.record.
	format func(i int, in *input, res *asr.Result) []byte
	// logitsPath, when set, names the .npy file of input i's log-probabilities.
	logitsPath func(i int) string
	// interrupt, when set, replaces the process's SIGINT/SIGTERM (tests).
	interrupt <-chan struct{}
	// live, when set, returns the writer that renders input i's record
	// segment by segment as it is decoded; the parts are handed to emit
	// (with a nil outcome) as they come, and outcome.record holds the rest.
	// Used for one input, whose output is then never out of order.
	live func(i int, in *input) *transcript.Writer

	mu       sync.Mutex
	inflight map[int]*progressJob // inputs being transcribed
}

// progressJob is how far the transcription of one input has come.
type progressJob struct {
	size      int64   // bytes of the input
	dur, done float64 // seconds of audio, and of them transcribed
}

// inflightDone returns, over the inputs being transcribed, the audio
// seconds transcribed and the bytes those stand for.
func (b *batch) inflightDone() (audioSec float64, bytes float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, j := range b.inflight {
		audioSec += j.done
		if j.dur > 0 {
			bytes += float64(j.size) * j.done / j.dur
		}
	}
	return audioSec, bytes
}

func (b *batch) setProgress(i int, size int64, dur, done float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inflight == nil {
		b.inflight = map[int]*progressJob{}
	}
	if dur < 0 {
		delete(b.inflight, i)
		return
	}
	b.inflight[i] = &progressJob{size: size, dur: dur, done: done}
}

// An outcome is what became of one input.
type outcome struct {
	res    *asr.Result
	record []byte
	err    error
	warn   error // printed on stderr, the input still transcribed (a truncated file)
	bytes  int64 // input size, for the progress estimate
}

// batchStats summarize a run.
type batchStats struct {
	total, done, failed int
	audio               float64 // seconds of audio transcribed
	interrupted         bool
	writeErr            error
	jobs                int
}

// summary is the line printed at the end: audio duration, recognition
// time (wall) and its real-time factor, then the model's load time, which
// the factor leaves out.
func (s *batchStats) summary(wall, load time.Duration) string {
	ok := s.done - s.failed
	msg := fmt.Sprintf("transcribe: %d %s, %s of audio recognized in %s, real-time factor %s (-j %d); model loaded in %s",
		ok, plural(ok, "file", "files"), clock(s.audio), seconds(wall.Seconds()), rtf(wall.Seconds(), s.audio), s.jobs, seconds(load.Seconds()))
	if s.failed > 0 {
		msg += fmt.Sprintf("; %d failed", s.failed)
	}
	return msg
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// clock formats seconds as h:mm:ss.s (or m:ss.s under an hour).
func clock(sec float64) string {
	if sec < 0 {
		sec = 0
	}
	h := int(sec / 3600)
	m := int(sec/60) % 60
	s := sec - float64(h*3600+m*60)
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%04.1f", h, m, s)
	}
	return fmt.Sprintf("%d:%04.1f", m, s)
}

func seconds(s float64) string {
	if s < 10 {
		return fmt.Sprintf("%.2f s", s)
	}
	return fmt.Sprintf("%.1f s", s)
}

// rtf is processing time over audio time (below 1 is faster than real time).
func rtf(wall, audioSec float64) string {
	if audioSec <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", wall/audioSec)
}

type job struct {
	i    int
	in   *input
	done chan *outcome
}

// A part is record bytes of input i written before it is done.
type part struct {
	i int
	b []byte
}

// run transcribes inputs and calls emit with each outcome in input order
// (emit is called from one goroutine; a non-nil error stops the writing
// and is returned in batchStats.writeErr). Failed inputs are reported on
// stderr, one line each, and not passed to emit. On SIGINT or SIGTERM it
// stops, leaving in-flight work behind, and reports interrupted.
func (b *batch) run(inputs []input, emit func(i int, o *outcome) error) batchStats {
	st := batchStats{total: len(inputs), jobs: b.jobs}
	workers := min(b.jobs, len(inputs))
	// The window bounds the results held while an earlier, longer input is
	// still being transcribed.
	window := 4 * workers
	queue := make(chan *job, window)
	work := make(chan *job)
	stop := make(chan struct{})
	defer close(stop)

	intr := b.interrupt
	if intr == nil {
		ch, stopSig := interrupts()
		defer stopSig()
		intr = ch
	}

	sizes := make([]int64, len(inputs))
	var totalBytes int64
	for i := range inputs {
		sizes[i] = inputs[i].size()
		totalBytes += sizes[i]
	}

	parts := make(chan part)
	go func() {
		defer close(queue)
		defer close(work)
		for i := range inputs {
			j := &job{i: i, in: &inputs[i], done: make(chan *outcome, 1)}
			select {
			case queue <- j:
			case <-stop:
				return
			}
			select {
			case work <- j:
			case <-stop:
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			for j := range work {
				o := b.process(j.i, j.in, sizes[j.i], parts, stop)
				o.bytes = sizes[j.i]
				j.done <- o
			}
		}()
	}

	bar := &progressBar{w: b.stderr, enabled: b.progress, start: time.Now(), total: len(inputs), totalBytes: totalBytes, inflight: b.inflightDone}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	bar.draw()
	for j := range queue {
		var o *outcome
	wait:
		for {
			select {
			case o = <-j.done:
				break wait
			case p := <-parts:
				if st.writeErr == nil && emit != nil {
					bar.clear()
					if err := emit(p.i, &outcome{record: p.b}); err != nil {
						st.writeErr = err
						return st
					}
				}
				bar.draw()
			case <-tick.C:
				bar.draw()
			case <-intr:
				bar.clear()
				st.interrupted = true
				return st
			}
		}
		st.done++
		bar.done++
		bar.doneBytes += o.bytes
		if o.warn != nil {
			bar.clear()
			fmt.Fprintf(b.stderr, "transcribe: %s: warning: %v\n", j.in.name, o.warn)
		}
		if o.err != nil {
			st.failed++
			bar.clear()
			fmt.Fprintf(b.stderr, "transcribe: %s: %v\n", j.in.name, o.err)
		} else {
			st.audio += o.res.Duration
			bar.audio += o.res.Duration
			if st.writeErr == nil && emit != nil {
				if err := emit(j.i, o); err != nil {
					st.writeErr = err
					bar.clear()
					return st
				}
			}
		}
		bar.draw()
	}
	bar.clear()
	return st
}

// interrupts returns a channel closed on the first SIGINT or SIGTERM, and
// a function that restores the default handling.
func interrupts() (<-chan struct{}, func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	ch := make(chan struct{})
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			close(ch)
		case <-done:
		}
	}()
	return ch, func() { signal.Stop(sig); close(done) }
}

// process decodes and transcribes one input, reporting its progress and,
// with b.live, sending its record's parts on parts as they are written
// (until stop is closed).
func (b *batch) process(i int, in *input, size int64, parts chan<- part, stop <-chan struct{}) (o *outcome) {
	o = &outcome{}
	defer b.setProgress(i, 0, -1, 0)
	defer func() {
		// A recognizer bug on one input must not take down a batch of
		// thousands: report it as that input's failure.
		if r := recover(); r != nil {
			o.err = fmt.Errorf("internal error: %v", r)
		}
	}()
	rc, err := in.open(b.stdin)
	if err != nil {
		o.err = err
		return o
	}
	defer rc.Close()
	src, err := audio.NewReader(rc, b.decode)
	if err != nil {
		o.err = fmt.Errorf("not audio that can be decoded (%v)", err)
		return o
	}
	if src.Rate <= 0 {
		o.err = fmt.Errorf("sample rate %d", src.Rate)
		return o
	}
	dur := 0.0 // what the header announces, for the progress bar
	if src.Frames > 0 {
		dur = float64(src.Frames) / float64(src.Rate)
	}
	b.setProgress(i, size, dur, 0)
	var w *transcript.Writer
	if b.live != nil {
		w = b.live(i, in)
	}
	each := func(seg asr.Segment, done float64) error {
		d := dur // 0: unknown, and the bytes done unknown with it
		if d > 0 {
			d = max(d, done)
		}
		b.setProgress(i, size, d, done)
		if w == nil {
			return nil
		}
		if out := w.Segment(nil, seg); len(out) > 0 {
			select {
			case parts <- part{i, out}:
			case <-stop:
				return errStopped
			}
		}
		return nil
	}
	// The recording is read as it is transcribed, in bounded memory,
	// unless --logits needs all of it.
	var p *audio.PCM
	var res *asr.Result
	if b.logitsPath != nil {
		if p, err = src.ReadAll(); err == nil {
			res, err = b.rec.TranscribeEach(p, each)
		}
	} else {
		res, err = b.rec.TranscribeReader(src, each)
	}
	if err == errStopped {
		o.err = err
		return o
	}
	if err != nil {
		// each fails only with errStopped: this is the audio's error.
		o.err = fmt.Errorf("not audio that can be decoded (%v)", err)
		return o
	}
	if t := src.Truncated(); t != nil {
		o.warn = t
	}
	o.res = res
	if b.logitsPath != nil {
		lp, _, err := b.rec.LogProbs(p)
		if err == nil {
			err = writeFileAtomic(b.logitsPath(i), func(w io.Writer) error { return writeNPYFloat32(w, lp, b.rec.Model().Config.OutputSize) })
		}
		if err != nil {
			o.err = fmt.Errorf("--logits: %v", err)
			return o
		}
	}
	switch {
	case w != nil:
		o.record = w.Finish(nil, res)
	case b.format != nil:
		o.record = b.format(i, in, res)
	}
	return o
}

var errStopped = errors.New("stopped")

// progressBar draws "[=====>    ] 12/40 files  12:34.5 of audio  RTF 0.008  ETA 1m30s"
// (audio transcribed so far, inside the files being transcribed too)
// on one terminal line, rewritten in place.
type progressBar struct {
	w          io.Writer
	enabled    bool
	start      time.Time
	total      int
	done       int
	totalBytes int64
	doneBytes  int64
	audio      float64
	inflight   func() (audioSec, bytes float64) // progress inside the inputs being transcribed
	shown      bool
	last       time.Time
}

const barWidth = 24

func (p *progressBar) draw() {
	if !p.enabled {
		return
	}
	now := time.Now()
	if p.shown && p.done < p.total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	var liveAudio, liveBytes float64
	if p.inflight != nil {
		liveAudio, liveBytes = p.inflight()
	}
	frac := float64(p.done) / float64(max(1, p.total))
	if p.totalBytes > 0 && p.done < p.total {
		frac = min(1, (float64(p.doneBytes)+liveBytes)/float64(p.totalBytes))
	}
	filled := int(frac * barWidth)
	bar := make([]byte, barWidth)
	for i := range bar {
		switch {
		case i < filled:
			bar[i] = '='
		case i == filled:
			bar[i] = '>'
		default:
			bar[i] = ' '
		}
	}
	el := now.Sub(p.start).Seconds()
	eta := "-"
	if frac > 0 && p.done < p.total {
		eta = shortDuration(el / frac * (1 - frac))
	}
	audio := p.audio + liveAudio
	fmt.Fprintf(p.w, "\r\033[K[%s] %d/%d files  %s of audio  RTF %s  ETA %s", bar, p.done, p.total, clock(audio), rtf(el, audio), eta)
	p.shown = true
}

func (p *progressBar) clear() {
	if p.enabled && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}

func shortDuration(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	return d.String()
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil {
		return false
	}
	return st.Mode()&os.ModeCharDevice != 0 && st.Mode()&os.ModeDevice != 0 && os.Getenv("TERM") != "dumb"
}

// sortedCommandNames lists the registered subcommands.
func sortedCommandNames() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
