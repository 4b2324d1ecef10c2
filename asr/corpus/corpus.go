package corpus

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/ecoute/ecoute/internal/lineio"
)

// An Utterance is one labelled stretch of audio: a file or a command's
// output, or a time range of one, and what was said in it.
type Utterance struct {
	// ID names the utterance: the Kaldi or LibriSpeech utterance id, or
	// the audio path as written in a TSV manifest (cleaned, with forward
	// slashes).
	ID string
	// Path is the audio file, relative paths resolved against the corpus
	// (see Read); "" when Command is set.
	Path string
	// Command is a wav.scp "COMMAND |" without the "|": a shell command
	// whose standard output is the audio.
	Command string
	// Start and End are the time range in seconds (Kaldi segments). End 0
	// means to the end of the recording; Start 0 and End 0 is the whole
	// recording.
	Start, End float64
	// Channel, when positive, keeps only channel Channel-1 (0-based) of
	// the recording (the optional fifth field of Kaldi segments, plus one);
	// 0 mixes all channels.
	Channel    int
	Transcript string
	// Speaker is the speaker (utt2spk, Common Voice client_id, LibriSpeech
	// reader) or, in ecoute's manifests, the voice that read the text.
	Speaker string
	// Seconds is the duration, 0 until a caller fills it (the trainer does,
	// from Duration).
	Seconds float64
}

// Segment reports whether u is a time range of a recording rather than the
// whole of it.
func (u *Utterance) Segment() bool { return u.Start != 0 || u.End != 0 || u.Channel != 0 }

// Source names u's audio in messages: the path, or the command.
func (u *Utterance) Source() string {
	if u.Command != "" {
		return fmt.Sprintf("command %q", u.Command)
	}
	return u.Path
}

// Layout is the kind of corpus a path holds.
type Layout int

// The layouts Read understands.
const (
	Unknown       Layout = iota
	Manifest             // path<TAB>transcript[<TAB>speaker], no header
	TSVWithHeader        // a header row names the columns (transcripts.tsv)
	CommonVoice          // a Common Voice split: client_id, path, sentence, ...; audio in clips/
	Kaldi                // wav.scp + text [+ segments, utt2spk]
	LibriSpeech          // SPEAKER/CHAPTER/*.trans.txt beside the audio
)

var layoutNames = [...]string{"unknown", "TSV manifest", "TSV manifest with header", "Common Voice split", "Kaldi data folder", "LibriSpeech folder"}

func (l Layout) String() string {
	if l >= 0 && int(l) < len(layoutNames) {
		return layoutNames[l]
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// A ParseError reports a malformed line of a corpus file.
type ParseError struct {
	Path string // the file
	Line int    // 1-based
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg) }

// maxErrors is how many line errors a reader reports before it stops
// listing them.
const maxErrors = 20

// errList collects line errors, up to maxErrors.
type errList struct {
	errs []error
	n    int
}

func (l *errList) add(path string, line int, format string, a ...any) {
	l.n++
	if len(l.errs) < maxErrors {
		l.errs = append(l.errs, &ParseError{Path: path, Line: line, Msg: fmt.Sprintf(format, a...)})
	}
}

func (l *errList) addErr(err error) {
	l.n++
	if len(l.errs) < maxErrors {
		l.errs = append(l.errs, err)
	}
}

func (l *errList) err() error {
	if l.n > len(l.errs) {
		return errors.Join(append(l.errs, fmt.Errorf("and %d more bad lines", l.n-len(l.errs)))...)
	}
	return errors.Join(l.errs...)
}

// maxLine is the longest line the readers accept.
const maxLine = 1 << 20

// lines calls fn with each line of r (1-based number, text without the line
// end, a UTF-8 byte order mark or a carriage return) that is not blank and
// not a "#" comment. Lines with invalid UTF-8 or longer than maxLine are
// reported to errs and skipped. It returns the reader's error, if any.
func lines(r io.Reader, path string, errs *errList, fn func(n int, s string)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	n := 0
	for {
		line, tooLong, err := lineio.Read(br, maxLine)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		n++
		if tooLong {
			errs.add(path, n, "line longer than %d bytes", maxLine)
			continue
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if !utf8.Valid(line) {
			errs.add(path, n, "invalid UTF-8")
			continue
		}
		s := string(line)
		if t := strings.TrimSpace(s); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		fn(n, s)
	}
}

// Read reads the corpus at path, deciding its layout:
//
//   - a file is a TSV manifest, with or without a header row, or a Common
//     Voice split (by its header);
//   - a folder with wav.scp is a Kaldi data folder;
//   - a folder with transcripts.tsv is that manifest;
//   - a folder with *.trans.txt files below it is a LibriSpeech folder.
//
// A Common Voice release folder (train.tsv beside clips/) is refused with a
// message naming its splits: train and dev sets come from different files.
//
// Bad lines do not stop the reading: Read returns the good utterances and,
// when some lines were bad, a non-nil error joining their *ParseError
// values. A corpus with no utterance at all is an error.
func Read(path string) ([]Utterance, Layout, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, Unknown, err
	}
	if !st.IsDir() {
		f, err := os.Open(path)
		if err != nil {
			return nil, Unknown, err
		}
		defer f.Close()
		us, l, err := ReadTSV(f, path, filepath.Dir(path))
		return us, l, nonEmpty(us, err, path)
	}
	switch {
	case isFile(filepath.Join(path, "wav.scp")):
		us, err := ReadKaldi(path)
		return us, Kaldi, err
	case isFile(filepath.Join(path, "transcripts.tsv")):
		return Read(filepath.Join(path, "transcripts.tsv"))
	case isDir(filepath.Join(path, "clips")) && isFile(filepath.Join(path, "train.tsv")):
		return nil, CommonVoice, fmt.Errorf("%s: a Common Voice release: name one of its splits, such as %s or %s",
			path, filepath.Join(path, "train.tsv"), filepath.Join(path, "dev.tsv"))
	}
	us, err := ReadLibriSpeech(path)
	if len(us) == 0 && err == nil {
		return nil, Unknown, fmt.Errorf("%s: no corpus found: want wav.scp and text (Kaldi), transcripts.tsv, *.trans.txt files (LibriSpeech), or a TSV manifest file", path)
	}
	return us, LibriSpeech, err
}

func nonEmpty(us []Utterance, err error, path string) error {
	if len(us) == 0 && err == nil {
		return fmt.Errorf("%s: no utterances", path)
	}
	return err
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// header columns, by preference.
var (
	pathCols       = []string{"path", "file", "audio", "wav"}
	transcriptCols = []string{"transcript", "sentence", "text", "transcription"}
	speakerCols    = []string{"speaker", "client_id", "speaker_id", "voice"}
)

func column(fields []string, names []string) int {
	for _, n := range names {
		for i, f := range fields {
			if f == n {
				return i
			}
		}
	}
	return -1
}

// ReadTSV reads a tab-separated manifest from r: name is the file name used
// in errors, dir the folder relative paths are resolved against (for a
// Common Voice split, dir/clips). The first line is a header when it has a
// path column and a transcript column (see the package comment); otherwise
// every line is path<TAB>transcript[<TAB>speaker...]. Blank lines and lines
// starting with "#" are skipped. A line without a tab or with an empty path
// is a *ParseError; the other lines are still read.
func ReadTSV(r io.Reader, name, dir string) ([]Utterance, Layout, error) {
	var (
		out    []Utterance
		errs   errList
		layout = Unknown
		pc, tc = 0, 1
		sc     = 2
		want   = 2 // fields a line needs
		hdr    = "path<TAB>transcript[<TAB>speaker]"
	)
	err := lines(r, name, &errs, func(n int, s string) {
		fields := strings.Split(s, "\t")
		if layout == Unknown {
			layout = Manifest
			low := make([]string, len(fields))
			for i, f := range fields {
				low[i] = strings.ToLower(strings.TrimSpace(f))
			}
			p, t := column(low, pathCols), column(low, transcriptCols)
			if p >= 0 && t >= 0 || low[0] == "path" {
				layout = TSVWithHeader
				if column(low, []string{"client_id"}) >= 0 && column(low, []string{"sentence"}) >= 0 {
					layout = CommonVoice
					dir = filepath.Join(dir, "clips")
				}
				if t < 0 {
					errs.add(name, n, "header has no transcript column (want one of %s)", strings.Join(transcriptCols, ", "))
					t = 1
				}
				if p < 0 {
					p = 0
				}
				pc, tc, sc = p, t, column(low, speakerCols)
				want = max(pc, tc) + 1
				if tc < len(low) {
					hdr = "the header's " + low[pc] + " and " + low[tc] + " columns"
				}
				return
			}
		}
		if len(fields) < want {
			if want == 2 && len(fields) == 1 {
				errs.add(name, n, "no tab: want %s", hdr)
			} else {
				errs.add(name, n, "%d fields: want %s", len(fields), hdr)
			}
			return
		}
		p := strings.TrimSpace(fields[pc])
		if p == "" {
			errs.add(name, n, "empty path")
			return
		}
		u := Utterance{ID: filepath.ToSlash(filepath.Clean(p)), Transcript: strings.TrimSpace(fields[tc])}
		if filepath.IsAbs(p) {
			u.Path = p
		} else {
			u.Path = filepath.Join(dir, p)
		}
		if sc >= 0 && sc < len(fields) {
			u.Speaker = strings.TrimSpace(fields[sc])
		}
		out = append(out, u)
	})
	if err != nil {
		return out, layout, err
	}
	if layout == Unknown {
		layout = Manifest
	}
	return out, layout, errs.err()
}
