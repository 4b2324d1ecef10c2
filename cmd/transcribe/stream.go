package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

// streamFlags are the CLI-only flags of streaming mode.
type streamFlags struct {
	stream   bool
	realtime bool
	raw      bool
	rate     int
}

func registerStreamFlags(fs *flag.FlagSet) *streamFlags {
	s := &streamFlags{}
	fs.BoolVar(&s.stream, "stream", false, "recognize while reading: partial results on a terminal, finals as segments close at pauses (one input: \"-\" reads stdin as it arrives; a file is played through the stream)")
	fs.BoolVar(&s.realtime, "realtime", false, "with --stream and a file: play it at the speed of speech")
	fs.BoolVar(&s.raw, "raw", false, "with --stream: the input is headerless PCM (--raw-format, --raw-channels) at --rate Hz")
	fs.IntVar(&s.rate, "rate", 16000, "with --stream --raw: the sample rate of the input")
	return s
}

// streamChunk is the audio read and written to the stream at a time.
const streamChunk = 0.1 // seconds

// runStream is "transcribe --stream": it reads one input as it arrives and
// prints finals (and partials on a terminal, or with --format jsonl).
func runStream(f *transcribeFlags, sf *streamFlags, fs *flag.FlagSet, pos []string, stdin io.Reader, stdout, stderr io.Writer) int {
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "transcribe: "+format+" (see transcribe --help)\n", a...)
		return exitUsage
	}
	if err := f.decodeFlags.check(); err != nil {
		return usageErr("%v", err)
	}
	if f.format != "txt" && f.format != "jsonl" {
		return usageErr("--stream prints --format txt or jsonl, not %q", f.format)
	}
	if len(pos) != 1 || f.list != "" || f.scp != "" || f.out != "" || f.outDir != "" {
		return usageErr("--stream takes one input (\"-\" for stdin) and writes to stdout")
	}
	if _, err := audio.ParseEncoding(f.rawFmt); sf.raw && err != nil {
		return usageErr("--raw-format: unknown encoding %q", f.rawFmt)
	}
	if sf.rate < 1 {
		return usageErr("--rate must be positive, not %d", sf.rate)
	}
	if sf.realtime && pos[0] == "-" {
		return usageErr("--realtime paces a file; stdin arrives at its own pace")
	}
	m, _, err := f.decodeFlags.loadModel()
	if err != nil {
		fmt.Fprintln(stderr, "transcribe:", err)
		return exitUsage
	}
	o := f.decodeFlags.options()
	o.NBest = 0
	rec := asr.NewRecognizer(m, o)

	var src audioSource
	if pos[0] == "-" {
		src, err = newPipeSource(stdin, sf, &f.decodeFlags)
	} else {
		src, err = newFileSource(pos[0], sf, &f.decodeFlags)
	}
	if err != nil {
		fmt.Fprintln(stderr, "transcribe:", err)
		return exitFailed
	}
	p := &streamPrinter{w: stdout, jsonl: f.format == "jsonl", term: isTerminal(stdout), times: flagGiven(fs, "timestamps") && o.Timestamps}
	s := rec.NewStream(src.rate(), asr.StreamOptions{})

	intr, stopSig := interrupts()
	defer stopSig()
	chunks := make(chan []float32)
	errc := make(chan error, 1)
	go func() {
		defer close(chunks)
		for {
			x, err := src.next()
			if len(x) > 0 {
				chunks <- x
			}
			if err != nil {
				if err != io.EOF {
					errc <- err
				}
				return
			}
		}
	}()
	start := time.Now()
	code := exitOK
loop:
	for {
		select {
		case x, ok := <-chunks:
			if !ok {
				break loop
			}
			if sf.realtime {
				due := start.Add(time.Duration(s.Duration() * float64(time.Second)))
				time.Sleep(time.Until(due))
			}
			if err := p.print(s.Write(x)); err != nil {
				fmt.Fprintln(stderr, "transcribe:", err)
				return exitFailed
			}
		case <-intr:
			code = exitInterrupted
			break loop
		}
	}
	if err := p.print(s.Close()); err != nil {
		fmt.Fprintln(stderr, "transcribe:", err)
		return exitFailed
	}
	p.clear()
	select {
	case err := <-errc:
		fmt.Fprintln(stderr, "transcribe:", err)
		return exitFailed
	default:
	}
	return code
}

// streamPrinter writes stream events: on a terminal the partial text is
// rewritten in place and finals get their own lines; otherwise finals only,
// or every event as a JSON line.
type streamPrinter struct {
	w     io.Writer
	jsonl bool
	term  bool
	times bool
	shown bool // a partial line is on the terminal
}

type streamWord struct {
	Word  string      `json:"word"`
	Start asr.Rounded `json:"start"`
	End   asr.Rounded `json:"end"`
	Conf  asr.Rounded `json:"confidence"`
}

type streamRecord struct {
	Type  string       `json:"type"` // "partial" or "final"
	Start asr.Rounded  `json:"start"`
	End   asr.Rounded  `json:"end"`
	Text  string       `json:"text"`
	Words []streamWord `json:"words,omitempty"`
}

func (p *streamPrinter) print(evs []asr.Event) error {
	var b bytes.Buffer
	for _, e := range evs {
		switch {
		case p.jsonl:
			r := streamRecord{Type: "partial", Start: asr.Rounded(e.Start), End: asr.Rounded(e.End), Text: e.Text}
			if e.Final {
				r.Type = "final"
			}
			for _, w := range e.Words {
				r.Words = append(r.Words, streamWord{w.Word, asr.Rounded(w.Start), asr.Rounded(w.End), asr.Rounded(w.Confidence)})
			}
			j, _ := json.Marshal(r)
			b.Write(append(j, '\n'))
		case p.term && !e.Final:
			line := e.Text
			if r := []rune(line); len(r) > 78 {
				line = "…" + string(r[len(r)-77:])
			}
			fmt.Fprintf(&b, "\r\033[K\033[2m%s\033[0m", line)
			p.shown = true
		case e.Final:
			if p.shown {
				b.WriteString("\r\033[K")
				p.shown = false
			}
			if e.Text == "" {
				continue
			}
			if p.times {
				fmt.Fprintf(&b, "[%s --> %s] ", timestamp(e.Start, '.'), timestamp(e.End, '.'))
			}
			b.WriteString(e.Text + "\n")
		}
	}
	if b.Len() == 0 {
		return nil
	}
	_, err := p.w.Write(b.Bytes())
	return err
}

// clear removes a partial line left on the terminal.
func (p *streamPrinter) clear() {
	if p.shown {
		io.WriteString(p.w, "\r\033[K")
		p.shown = false
	}
}

// An audioSource gives mono samples in pieces.
type audioSource interface {
	rate() int
	next() ([]float32, error) // io.EOF at the end
}

// fileSource plays a decoded file in streamChunk pieces.
type fileSource struct {
	p *audio.PCM
	i int
}

func newFileSource(path string, sf *streamFlags, d *decodeFlags) (*fileSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	o := d.decodeOptions()
	if sf.raw {
		o.Raw = rawFormat(sf, d)
	}
	p, err := audio.DecodeWithOptions(f, o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if p.Rate <= 0 {
		return nil, fmt.Errorf("%s: no sample rate", path)
	}
	return &fileSource{p: p}, nil
}

func (s *fileSource) rate() int { return s.p.Rate }

func (s *fileSource) next() ([]float32, error) {
	n := max(1, int(streamChunk*float64(s.p.Rate)))
	if s.i >= len(s.p.Samples) {
		return nil, io.EOF
	}
	x := s.p.Samples[s.i:min(s.i+n, len(s.p.Samples))]
	s.i += len(x)
	return x, nil
}

func rawFormat(sf *streamFlags, d *decodeFlags) *audio.RawFormat {
	enc, _ := audio.ParseEncoding(d.rawFmt) // checked by decodeFlags.check
	rate := sf.rate
	if d.rawRate > 0 {
		rate = d.rawRate
	}
	return &audio.RawFormat{Rate: rate, Encoding: enc, Channels: d.rawChans}
}

// pipeSource decodes WAV or raw PCM from a reader as it arrives: the WAV
// header is read first (audio.DecodeConfig parses it), then the samples
// are decoded as raw PCM in the header's format, a whole number of frames
// at a time, until the end of the input.
type pipeSource struct {
	r       io.Reader
	f       audio.RawFormat
	channel int
	frame   int    // bytes per frame (all channels)
	buf     []byte // bytes read, not yet decoded
	end     bool
}

func newPipeSource(r io.Reader, sf *streamFlags, d *decodeFlags) (*pipeSource, error) {
	s := &pipeSource{r: r, channel: d.channel}
	if sf.raw || d.rawRate > 0 {
		s.f = *rawFormat(sf, d)
	} else {
		f, err := readWAVHeader(r)
		if err != nil {
			return nil, fmt.Errorf("stdin: %w (--stream reads WAV or, with --raw, headerless PCM from stdin; other formats as a file)", err)
		}
		s.f = f
	}
	s.frame = s.f.Encoding.BytesPerSample() * s.f.Channels
	if s.frame <= 0 || s.f.Rate <= 0 {
		return nil, errors.New("stdin: unsupported sample format")
	}
	return s, nil
}

func (s *pipeSource) rate() int { return s.f.Rate }

func (s *pipeSource) next() ([]float32, error) {
	if s.end {
		return nil, io.EOF
	}
	want := max(s.frame, int(streamChunk*float64(s.f.Rate))*s.frame)
	b := make([]byte, want)
	n, err := s.r.Read(b)
	s.buf = append(s.buf, b[:n]...)
	if err == io.EOF {
		s.end = true // a partial frame at the end is dropped
	} else if err != nil {
		return nil, err
	}
	n = len(s.buf) / s.frame * s.frame
	if n == 0 {
		return nil, nil
	}
	p, err := audio.DecodeWithOptions(bytes.NewReader(s.buf[:n]), audio.DecodeOptions{Raw: &s.f, Channel: s.channel})
	s.buf = append(s.buf[:0], s.buf[n:]...)
	if err != nil {
		return nil, err
	}
	return p.Samples, nil
}

// readWAVHeader reads a WAV header up to the start of its "data" chunk and
// returns the sample format (parsed by audio.DecodeConfig). The data chunk's size is ignored: a recorder
// writing to a pipe does not know it.
func readWAVHeader(r io.Reader) (audio.RawFormat, error) {
	var hdr []byte
	readN := func(n int) ([]byte, error) {
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		hdr = append(hdr, b...)
		return b, nil
	}
	b, err := readN(12)
	if err != nil {
		return audio.RawFormat{}, err
	}
	if string(b[:4]) != "RIFF" || string(b[8:]) != "WAVE" {
		return audio.RawFormat{}, errors.New("not a RIFF WAVE stream")
	}
	for len(hdr) < 1<<20 {
		ch, err := readN(8)
		if err != nil {
			return audio.RawFormat{}, err
		}
		size := binary.LittleEndian.Uint32(ch[4:])
		if string(ch[:4]) == "data" {
			// DecodeConfig reads the format; give it a data chunk of a
			// single frame so that it does not expect more.
			h := append([]byte(nil), hdr...)
			binary.LittleEndian.PutUint32(h[len(h)-4:], 0)
			binary.LittleEndian.PutUint32(h[4:], uint32(len(h)-8))
			c, err := audio.DecodeConfig(bytes.NewReader(h))
			if err != nil {
				return audio.RawFormat{}, err
			}
			return audio.RawFormat{Rate: c.Rate, Encoding: c.Encoding, Channels: c.Channels}, nil
		}
		if size > 1<<20 {
			return audio.RawFormat{}, fmt.Errorf("WAV chunk %q of %d bytes before the data", ch[:4], size)
		}
		if _, err := readN(int(size + size&1)); err != nil {
			return audio.RawFormat{}, err
		}
	}
	return audio.RawFormat{}, errors.New("no data chunk in the first MiB")
}
