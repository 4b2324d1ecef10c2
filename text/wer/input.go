package wer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ecoute/ecoute/internal/lineio"
)

// A Format is a transcript file format.
type Format int

// The transcript formats.
const (
	Auto  Format = iota // decided from the first line: trn if it ends in "(id)", else TSV if it has a tab, else Kaldi
	TSV                 // id<TAB>text
	Kaldi               // id text (Kaldi's "text" file: the id ends at the first space or tab)
	TRN                 // text (id) (sclite's trn)
)

func (f Format) String() string {
	switch f {
	case Auto:
		return "auto"
	case TSV:
		return "tsv"
	case Kaldi:
		return "kaldi"
	case TRN:
		return "trn"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat returns the Format named s: auto, tsv, kaldi or trn.
func ParseFormat(s string) (Format, error) {
	for _, f := range []Format{Auto, TSV, Kaldi, TRN} {
		if strings.EqualFold(s, f.String()) {
			return f, nil
		}
	}
	return Auto, fmt.Errorf("wer: unknown format %q (want auto, tsv, kaldi or trn)", s)
}

// A Transcript is one utterance of a transcript file.
type Transcript struct {
	ID   string
	Text string
	Line int // 1-based line number in the file, 0 when not from a file
}

// MaxLineBytes is the longest line ReadTranscripts accepts.
const MaxLineBytes = 1 << 20

// A ParseError reports a malformed transcript line.
type ParseError struct {
	Name string // file name, or "" when unknown
	Line int    // 1-based
	Msg  string
}

func (e *ParseError) Error() string {
	name := e.Name
	if name == "" {
		name = "transcript"
	}
	return fmt.Sprintf("%s:%d: %s", name, e.Line, e.Msg)
}

// ReadTranscripts reads every line of r as one utterance in format f.
// name is used in error messages. It returns every problem found (as a
// joined error of *ParseError values, up to 20 of them) rather than
// dropping lines: invalid UTF-8, empty lines, lines longer than
// MaxLineBytes, a missing id or separator, and repeated ids. A UTF-8 byte
// order mark at the start and carriage returns at line ends are removed.
// The transcripts come back in file order.
func ReadTranscripts(r io.Reader, name string, f Format) ([]Transcript, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		out    []Transcript
		errs   []error
		seen   = map[string]int{}
		lineNo = 0
	)
	fail := func(msg string, a ...any) {
		if len(errs) < 20 {
			errs = append(errs, &ParseError{Name: name, Line: lineNo, Msg: fmt.Sprintf(msg, a...)})
		} else if len(errs) == 20 {
			errs = append(errs, fmt.Errorf("%s: too many errors", name))
		}
	}
	for {
		line, tooLong, err := lineio.Read(br, MaxLineBytes)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		lineNo++
		if tooLong {
			fail("line longer than %d bytes", MaxLineBytes)
			continue
		}
		if lineNo == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if !utf8.Valid(line) {
			fail("invalid UTF-8 at byte %d", invalidAt(line))
			continue
		}
		s := string(line)
		if strings.TrimSpace(s) == "" {
			fail("empty line")
			continue
		}
		if f == Auto {
			f = detect(s)
		}
		id, text, msg := splitLine(s, f)
		if msg != "" {
			fail("%s", msg)
			continue
		}
		if prev, dup := seen[id]; dup {
			fail("id %q repeats line %d", id, prev)
			continue
		}
		seen[id] = lineNo
		out = append(out, Transcript{ID: id, Text: text, Line: lineNo})
	}
	if len(errs) > 0 {
		return out, errors.Join(errs...)
	}
	return out, nil
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

func detect(s string) Format {
	t := strings.TrimRight(s, " \t")
	if strings.HasSuffix(t, ")") && strings.LastIndexByte(t, '(') >= 0 {
		return TRN
	}
	if strings.IndexByte(s, '\t') >= 0 {
		return TSV
	}
	return Kaldi
}

// splitLine splits one non-empty line; msg describes a malformed line.
func splitLine(s string, f Format) (id, text, msg string) {
	switch f {
	case TSV:
		k := strings.IndexByte(s, '\t')
		if k < 0 {
			return "", "", "no tab between id and text (TSV wants id<TAB>text)"
		}
		id, text = strings.TrimSpace(s[:k]), s[k+1:]
	case Kaldi:
		s = strings.TrimLeft(s, " \t")
		k := strings.IndexAny(s, " \t")
		if k < 0 {
			id, text = s, ""
		} else {
			id, text = s[:k], s[k+1:]
		}
	case TRN:
		t := strings.TrimRight(s, " \t")
		if !strings.HasSuffix(t, ")") {
			return "", "", `no "(id)" at the end of the line (trn wants text (id))`
		}
		k := strings.LastIndexByte(t, '(')
		if k < 0 {
			return "", "", `no "(" before the id at the end of the line (trn wants text (id))`
		}
		id, text = strings.TrimSpace(t[k+1:len(t)-1]), t[:k]
	default:
		panic("wer: bad Format")
	}
	if id == "" {
		return "", "", "empty id"
	}
	return id, strings.Join(strings.Fields(text), " "), ""
}
