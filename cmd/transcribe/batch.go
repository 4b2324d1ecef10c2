package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/ecoute/ecoute/asr"
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

// summary is the line printed at the end: audio duration, wall time, RTF.
func (s *batchStats) summary(wall time.Duration) string {
	ok := s.done - s.failed
	msg := fmt.Sprintf("transcribe: %d %s, %s of audio in %s, real-time factor %s (-j %d)",
		ok, plural(ok, "file", "files"), clock(s.audio), seconds(wall.Seconds()), rtf(wall.Seconds(), s.audio), s.jobs)
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
				o := b.process(j.i, j.in)
				o.bytes = sizes[j.i]
				j.done <- o
			}
		}()
	}

	bar := &progressBar{w: b.stderr, enabled: b.progress, start: time.Now(), total: len(inputs), totalBytes: totalBytes}
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

// process decodes and transcribes one input.
func (b *batch) process(i int, in *input) (o *outcome) {
	o = &outcome{}
	defer func() {
		// A recognizer bug on one input must not take down a batch of
		// thousands: report it as that input's failure.
		if r := recover(); r != nil {
			o.err = fmt.Errorf("internal error: %v", r)
		}
	}()
	data, err := in.read(b.stdin)
	if err != nil {
		o.err = err
		return o
	}
	p, err := audio.DecodeWithOptions(bytes.NewReader(data), b.decode)
	if err != nil {
		o.err = fmt.Errorf("not audio that can be decoded (%v)", err)
		return o
	}
	data = nil
	if p.Truncated != nil {
		o.warn = p.Truncated
	}
	if p.Rate <= 0 {
		o.err = fmt.Errorf("sample rate %d", p.Rate)
		return o
	}
	res, err := b.rec.Transcribe(p)
	if err != nil {
		o.err = err
		return o
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
	if b.format != nil {
		o.record = b.format(i, in, res)
	}
	return o
}

// progressBar draws "[=====>    ] 12/40 files  0.21 h audio  RTF 0.08  ETA 1m30s"
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
	frac := float64(p.done) / float64(max(1, p.total))
	if p.totalBytes > 0 && p.done < p.total {
		frac = float64(p.doneBytes) / float64(p.totalBytes)
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
	fmt.Fprintf(p.w, "\r\033[K[%s] %d/%d files  %.2f h audio  RTF %s  ETA %s", bar, p.done, p.total, p.audio/3600, rtf(el, p.audio), eta)
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
