package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ecoute/ecoute/asr"
)

// formatOptions say how results are rendered.
type formatOptions struct {
	format     string // txt, json, srt, vtt, tsv, trn
	timestamps bool   // txt: phrases with times; tsv: words with times
	nbest      int    // txt: n-best lines
	multi      bool   // several inputs share one stream (txt prefixes "PATH: ")
}

// formatHeader is what a stream of the format starts with.
func formatHeader(format string) []byte {
	if format == "vtt" {
		return []byte("WEBVTT\n\n")
	}
	return nil
}

// formatResult renders one input's result as a complete record (whole
// lines), written to the output in one piece.
func formatResult(o formatOptions, in *input, r *asr.Result) []byte {
	var b bytes.Buffer
	switch o.format {
	case "json":
		b.Write(asr.AppendJSON(nil, r, in.id))
		b.WriteByte('\n')
	case "srt":
		for k, c := range makeCues(r.Words, defaultCueOptions) {
			fmt.Fprintf(&b, "%d\n%s --> %s\n%s\n\n", k+1, timestamp(c.start, ','), timestamp(c.end, ','), strings.Join(c.lines, "\n"))
		}
	case "vtt":
		for _, c := range makeCues(r.Words, defaultCueOptions) {
			fmt.Fprintf(&b, "%s --> %s\n%s\n\n", timestamp(c.start, '.'), timestamp(c.end, '.'), strings.Join(c.lines, "\n"))
		}
	case "tsv":
		if o.timestamps {
			for _, w := range r.Words {
				fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", in.id, fixed3(w.Start), fixed3(w.End), w.Word, fixed3(w.Confidence))
			}
			break
		}
		fmt.Fprintf(&b, "%s\t%s\n", in.id, r.Text)
	case "trn":
		fmt.Fprintf(&b, "%s (%s)\n", r.Text, in.id)
	default: // txt
		prefix := ""
		if o.multi {
			prefix = in.name + ": "
		}
		switch {
		case o.nbest > 0:
			for k, h := range r.NBest {
				fmt.Fprintf(&b, "%s%d\t%s\t%s\n", prefix, k+1, fixed3(h.Score), h.Text)
			}
			if len(r.NBest) == 0 {
				fmt.Fprintf(&b, "%s1\t0\t%s\n", prefix, r.Text)
			}
		case o.timestamps:
			for _, c := range makeCues(r.Words, defaultCueOptions) {
				fmt.Fprintf(&b, "%s[%s --> %s] %s\n", prefix, timestamp(c.start, '.'), timestamp(c.end, '.'), strings.Join(c.lines, " "))
			}
		default:
			fmt.Fprintf(&b, "%s%s\n", prefix, r.Text)
		}
	}
	return b.Bytes()
}

// ms is a time or score rounded to 3 decimals in JSON, as asr.AppendJSON
// writes them (milliseconds for times), null when not finite.
type ms = asr.Rounded

// fixed3 is v rounded to 3 decimals by asr.Round3, in the shortest form.
func fixed3(v float64) string {
	return strconv.FormatFloat(asr.Round3(v), 'f', -1, 64)
}

// timestamp formats seconds as HH:MM:SS,mmm (SRT, sep ',') or HH:MM:SS.mmm
// (WebVTT, sep '.').
func timestamp(sec float64, sep byte) string {
	t := int64(math.Round(math.Max(0, sec) * 1000))
	return fmt.Sprintf("%02d:%02d:%02d%c%03d", t/3600000, t/60000%60, t/1000%60, sep, t%1000)
}

// cueOptions limit one subtitle.
type cueOptions struct {
	MaxLineChars int     // characters per line (42, the usual broadcast limit)
	MaxLines     int     // lines per cue (2)
	MaxDuration  float64 // seconds on screen at most (7)
	MinPause     float64 // a silence this long (seconds) ends a cue (0.5)
}

var defaultCueOptions = cueOptions{MaxLineChars: 42, MaxLines: 2, MaxDuration: 7, MinPause: 0.5}

type cue struct {
	start, end float64
	lines      []string
}

// makeCues groups words into subtitles. A cue ends at a pause of at least
// MinPause, and before a word that would take it past MaxDuration or past
// MaxLines lines of MaxLineChars. Lines are balanced: a two-line cue is split
// where its longer line is shortest. A single word longer than a line gets
// a cue (and a line) of its own.
func makeCues(words []asr.Word, o cueOptions) []cue {
	var out []cue
	var cur []string
	var start, end float64
	flush := func() {
		if len(cur) == 0 {
			return
		}
		if end <= start {
			end = start + 0.001
		}
		out = append(out, cue{start: start, end: end, lines: balanceLines(cur, o.MaxLineChars, o.MaxLines)})
		cur = nil
	}
	for _, w := range words {
		if w.Word == "" {
			continue
		}
		if len(cur) > 0 {
			pause := w.Start - end
			tooLong := w.End-start > o.MaxDuration
			tooWide := !fits(append(cur[:len(cur):len(cur)], w.Word), o)
			if pause >= o.MinPause || tooLong || tooWide {
				flush()
			}
		}
		if len(cur) == 0 {
			start = w.Start
		}
		cur = append(cur, w.Word)
		end = w.End
	}
	flush()
	return out
}

// fits reports whether words fit in one cue: at most MaxLines lines, none
// wider than MaxLineChars.
func fits(words []string, o cueOptions) bool {
	lines := wrapGreedy(words, o.MaxLineChars)
	if len(lines) > o.MaxLines {
		return false
	}
	for _, l := range lines {
		if runeLen(l) > o.MaxLineChars {
			return false
		}
	}
	return true
}

// wrapGreedy fills lines of at most width characters, a word at a time.
func wrapGreedy(words []string, width int) []string {
	var lines []string
	line := ""
	for _, w := range words {
		switch {
		case line == "":
			line = w
		case runeLen(line)+1+runeLen(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// balanceLines wraps words into at most maxLines lines of width characters
// (fewer if they fit on one), making a two-line cue's lines as even as
// possible.
func balanceLines(words []string, width, maxLines int) []string {
	greedy := wrapGreedy(words, width)
	if len(greedy) != 2 || maxLines < 2 {
		return greedy
	}
	best, bestLen := -1, math.MaxInt
	for k := 1; k < len(words); k++ {
		a, b := strings.Join(words[:k], " "), strings.Join(words[k:], " ")
		la, lb := runeLen(a), runeLen(b)
		if la > width || lb > width {
			continue
		}
		if m := max(la, lb); m < bestLen {
			best, bestLen = k, m
		}
	}
	if best < 0 {
		return greedy
	}
	return []string{strings.Join(words[:best], " "), strings.Join(words[best:], " ")}
}

func runeLen(s string) int { return len([]rune(s)) }

// An outputSink receives the records of a batch in input order.
type outputSink interface {
	write(i int, record []byte) error
	close() error // finish: the output is complete
	abort()       // interrupted: remove partial output
}

// streamSink writes every record to one stream: stdout, or a file that
// becomes visible only when complete. Each record is one Write, so a pipe
// never sees records interleaved.
type streamSink struct {
	w       io.Writer
	file    *atomicFile
	header  []byte
	started bool
}

func (s *streamSink) write(_ int, rec []byte) error {
	if !s.started && len(s.header) > 0 {
		rec = append(append([]byte(nil), s.header...), rec...)
	}
	s.started = true
	_, err := s.w.Write(rec)
	return err
}

func (s *streamSink) close() error {
	if !s.started && len(s.header) > 0 {
		if _, err := s.w.Write(s.header); err != nil {
			return err
		}
	}
	if s.file != nil {
		return s.file.commit()
	}
	return nil
}

func (s *streamSink) abort() {
	if s.file != nil {
		s.file.discard()
	}
}

// dirSink writes each record to its own file, DIR/NAME.EXT, atomically.
type dirSink struct {
	dir    string
	names  []string
	ext    string
	header []byte
}

func (d *dirSink) write(i int, rec []byte) error {
	return writeFileAtomic(filepath.Join(d.dir, d.names[i]+d.ext), func(w io.Writer) error {
		if _, err := w.Write(d.header); err != nil {
			return err
		}
		_, err := w.Write(rec)
		return err
	})
}

func (d *dirSink) close() error { return nil }
func (d *dirSink) abort()       {}

// atomicFile is written under a temporary name in the destination's folder
// and renamed over the destination on commit, so readers never see a
// partial file and an interrupted run leaves the old one (or none). Its
// errors name the destination, never the temporary file.
type atomicFile struct {
	*os.File
	dest string
}

func createAtomic(dest string) (*atomicFile, error) {
	if st, err := os.Stat(dest); err == nil && st.IsDir() {
		return nil, &os.PathError{Op: "create", Path: dest, Err: errors.New("is a directory")}
	}
	f, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return nil, destErr("create", dest, err)
	}
	return &atomicFile{File: f, dest: dest}, nil
}

// destErr restates an error about a temporary file as one about dest.
func destErr(op, dest string, err error) error {
	if err == nil {
		return nil
	}
	var pe *os.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return &os.PathError{Op: op, Path: dest, Err: err}
}

func (a *atomicFile) Write(b []byte) (int, error) {
	n, err := a.File.Write(b)
	return n, destErr("write", a.dest, err)
}

func (a *atomicFile) commit() error {
	if err := a.File.Close(); err != nil {
		os.Remove(a.Name())
		return destErr("write", a.dest, err)
	}
	// CreateTemp makes the file 0600; give it the usual permissions.
	os.Chmod(a.Name(), 0o644)
	if err := os.Rename(a.Name(), a.dest); err != nil {
		os.Remove(a.Name())
		return destErr("write", a.dest, err)
	}
	return nil
}

func (a *atomicFile) discard() {
	a.File.Close()
	os.Remove(a.Name())
}

// writeFileAtomic writes path through fill, atomically.
func writeFileAtomic(path string, fill func(w io.Writer) error) error {
	f, err := createAtomic(path)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.discard()
		return err
	}
	return f.commit()
}

// writeNPYFloat32 writes rows as a little-endian float32 NumPy array of
// shape (len(rows), cols), format version 1.0.
func writeNPYFloat32(w io.Writer, rows [][]float32, cols int) error {
	hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", len(rows), cols)
	// magic(6) + version(2) + header length(2) + header + '\n', padded to 64.
	total := 10 + len(hdr) + 1
	pad := (64 - total%64) % 64
	hdr += strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	buf := make([]byte, 4*cols)
	for _, r := range rows {
		if len(r) != cols {
			return fmt.Errorf("row of %d values, want %d", len(r), cols)
		}
		for k, v := range r {
			binary.LittleEndian.PutUint32(buf[4*k:], math.Float32bits(v))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
