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
	"github.com/ecoute/ecoute/asr/transcript"
)

// formatOptions say how results are rendered.
type formatOptions struct {
	format     string // txt, json, srt, vtt, tsv, trn (transcript.Formats)
	timestamps bool   // txt: phrases with times; tsv: words with times
	nbest      int    // txt: n-best lines
	multi      bool   // several inputs share one stream (txt prefixes "PATH: ")
}

// formatHeader is what a stream of the format starts with.
func formatHeader(format string) []byte { return transcript.Header(format) }

// formatResult renders one input's result as a complete record (whole
// lines), written to the output in one piece, by package transcript (the
// writers the server and the page use too). The format was checked against
// transcript.Formats when the flags were parsed.
func formatResult(o formatOptions, in *input, r *asr.Result) []byte {
	b, err := transcript.AppendRecord(nil, o.format, r, o.transcriptOptions(in))
	if err != nil {
		panic(err) // flags are checked against transcript.Formats
	}
	return b
}

// transcriptOptions are the writers' options for input in.
func (o formatOptions) transcriptOptions(in *input) transcript.Options {
	to := transcript.Options{Name: in.id, Timestamps: o.timestamps, NBest: o.nbest}
	if o.multi {
		to.Prefix = in.name + ": "
	}
	return to
}

// ms is a time or score rounded to 3 decimals in JSON, as asr.AppendJSON
// writes them (milliseconds for times), null when not finite.
type ms = asr.Rounded

// fixed3 is v rounded to 3 decimals by asr.Round3, in the shortest form.
func fixed3(v float64) string {
	return strconv.FormatFloat(asr.Round3(v), 'f', -1, 64)
}

// timestamp formats seconds as HH:MM:SS,mmm (SRT, sep ',') or HH:MM:SS.mmm
// (WebVTT, sep '.'): transcript.Timestamp.
func timestamp(sec float64, sep byte) string { return transcript.Timestamp(sec, sep) }

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
