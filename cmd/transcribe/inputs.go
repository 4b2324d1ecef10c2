package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ecoute/ecoute/asr/corpus"
	"github.com/ecoute/ecoute/audio"
)

// An input is one audio source of a batch.
type input struct {
	name  string // shown in messages: the path as given, "-" for stdin, or "ID (wav.scp)"
	id    string // the utterance id in tsv/trn/json output: the path, or the wav.scp id
	path  string // file to read ("" for stdin or a command)
	cmd   string // wav.scp "COMMAND |": run by sh, audio on its stdout
	stdin bool
	seg   *corpus.Utterance // a time range of a recording (Kaldi segments): cut by the corpus reader
}

// collectInputs gathers the inputs from the positional arguments, a list
// file or a wav.scp, in order.
func collectInputs(args []string, list, scp string, stdin io.Reader) ([]input, error) {
	var out []input
	for _, a := range args {
		out = append(out, pathInput(a))
	}
	switch {
	case list != "":
		r, closeFn, err := openList(list, stdin)
		if err != nil {
			return nil, err
		}
		defer closeFn()
		ins, err := readList(r, list)
		if err != nil {
			return nil, err
		}
		out = append(out, ins...)
	case scp != "":
		r, closeFn, err := openList(scp, stdin)
		if err != nil {
			return nil, err
		}
		defer closeFn()
		ins, err := readSCP(r, scp, filepath.Dir(scp))
		if err != nil {
			return nil, err
		}
		out = append(out, ins...)
	}
	return out, nil
}

func pathInput(p string) input {
	if p == "-" {
		return input{name: "-", id: "-", stdin: true}
	}
	return input{name: p, id: p, path: p}
}

func openList(name string, stdin io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// readList reads one path per line; blank lines and lines starting with "#"
// are skipped, surrounding white space is trimmed. Relative paths are
// relative to the current directory (as a list made by find would be).
func readList(r io.Reader, name string) ([]input, error) {
	var out []input
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		in := pathInput(s)
		if in.stdin {
			return nil, fmt.Errorf("%s: \"-\" cannot be listed", name)
		}
		out = append(out, in)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return out, nil
}

// readSCP reads a Kaldi wav.scp with the corpus reader (asr/corpus): "ID
// PATH" or "ID COMMAND |" per line. Relative paths are relative to the
// current directory, as in Kaldi; failing that, to dir (the wav.scp's
// folder).
func readSCP(r io.Reader, name, dir string) ([]input, error) {
	us, err := corpus.ReadWavSCP(r, name)
	if err != nil {
		return nil, err
	}
	out := make([]input, len(us))
	for i, u := range us {
		in := input{name: u.ID + " (" + name + ")", id: u.ID, cmd: u.Command}
		if u.Command == "" {
			in.path = u.Path
			if !filepath.IsAbs(u.Path) {
				if _, err := os.Stat(u.Path); err != nil {
					if _, err2 := os.Stat(filepath.Join(dir, u.Path)); err2 == nil {
						in.path = filepath.Join(dir, u.Path)
					}
				}
			}
			in.name = u.Path
			if u.ID != u.Path {
				in.name = u.Path + " (" + u.ID + ")"
			}
		}
		out[i] = in
	}
	return out, nil
}

// size returns the input's size in bytes, 0 when unknown.
func (in *input) size() int64 {
	if in.path == "" {
		return 0
	}
	st, err := os.Stat(in.path)
	if err != nil || !st.Mode().IsRegular() {
		return 0
	}
	return st.Size()
}

// maxInputBytes bounds what one input may hold (4 GiB: more than a day of
// 16 kHz 16-bit audio).
const maxInputBytes = 4 << 30

// read returns the input's bytes, with an error that says plainly what is
// wrong: no such file, a directory, no permission, an empty file.
// open returns the input's bytes as a stream: a regular file or standard
// input is read as it is decoded (its bytes are never all in memory),
// anything else through read.
func (in *input) open(stdin io.Reader) (io.ReadCloser, error) {
	if in.stdin && stdin != nil {
		br := bufio.NewReader(io.LimitReader(stdin, maxInputBytes))
		if _, err := br.Peek(1); err == io.EOF {
			return nil, errors.New("empty file")
		}
		return io.NopCloser(br), nil
	}
	if in.path != "" && !in.stdin && in.seg == nil && in.cmd == "" {
		if st, err := os.Stat(in.path); err == nil && st.Mode().IsRegular() {
			if st.Size() == 0 {
				return nil, errors.New("empty file")
			}
			if st.Size() > maxInputBytes {
				return nil, fmt.Errorf("too large (%d bytes; at most %d)", st.Size(), int64(maxInputBytes))
			}
			f, err := os.Open(in.path)
			if err != nil {
				return nil, plainFileError(err)
			}
			return f, nil
		}
	}
	b, err := in.read(stdin)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (in *input) read(stdin io.Reader) ([]byte, error) {
	var b []byte
	var err error
	switch {
	case in.stdin:
		if stdin == nil {
			return nil, errors.New("no standard input")
		}
		b, err = io.ReadAll(io.LimitReader(stdin, maxInputBytes+1))
	case in.seg != nil: // passed on as 16-bit WAV, as Kaldi's extract-segments writes
		var p *audio.PCM
		if p, err = in.seg.Load(); err == nil {
			var buf bytes.Buffer
			err = audio.EncodeWAV(&buf, p.Samples, p.Rate)
			b = buf.Bytes()
		}
	case in.cmd != "":
		var stderr bytes.Buffer
		c := exec.Command("sh", "-c", in.cmd)
		c.Stderr = &stderr
		b, err = c.Output()
		if err != nil {
			msg := strings.TrimSpace(stderr.String())
			if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
				msg = msg[i+1:]
			}
			if msg != "" {
				return nil, fmt.Errorf("command %q failed: %v: %s", in.cmd, err, msg)
			}
			return nil, fmt.Errorf("command %q failed: %v", in.cmd, err)
		}
	default:
		st, err := os.Stat(in.path)
		if err != nil {
			return nil, plainFileError(err)
		}
		if st.IsDir() {
			return nil, errors.New("is a directory")
		}
		if st.Mode().IsRegular() && st.Size() > maxInputBytes {
			return nil, fmt.Errorf("too large (%d bytes; at most %d)", st.Size(), int64(maxInputBytes))
		}
		f, err := os.Open(in.path)
		if err != nil {
			return nil, plainFileError(err)
		}
		defer f.Close()
		b, err = io.ReadAll(io.LimitReader(f, maxInputBytes+1))
		if err != nil {
			return nil, plainFileError(err)
		}
	}
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, errors.New("empty file")
	}
	if len(b) > maxInputBytes {
		return nil, fmt.Errorf("too large (more than %d bytes)", int64(maxInputBytes))
	}
	return b, nil
}

// plainFileError turns *PathError values into their plain reason (the path
// is printed once, in front).
func plainFileError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// outputNames gives each input a file name stem for --output-dir and
// --logits: the base name without extension (the id for wav.scp lines,
// "stdin" for stdin). Inputs whose stems collide use their whole path with
// separators turned into "_", then a numeric suffix.
func outputNames(ins []input) []string {
	stem := func(in input) string {
		switch {
		case in.stdin:
			return "stdin"
		case in.path == "" || in.id != in.path:
			return sanitizeName(in.id)
		}
		b := filepath.Base(in.path)
		return sanitizeName(strings.TrimSuffix(b, filepath.Ext(b)))
	}
	names := make([]string, len(ins))
	count := map[string]int{}
	for i, in := range ins {
		names[i] = stem(in)
		count[names[i]]++
	}
	used := map[string]bool{}
	next := map[string]int{} // the last suffix tried per stem
	for i, in := range ins {
		if count[names[i]] > 1 && in.path != "" && in.id == in.path {
			p := strings.TrimSuffix(filepath.Clean(in.path), filepath.Ext(in.path))
			names[i] = sanitizeName(strings.TrimLeft(strings.ReplaceAll(filepath.ToSlash(p), "/", "_"), "._"))
		}
		n := names[i]
		if next[n] == 0 {
			next[n] = 1
		}
		for used[n] {
			next[names[i]]++
			n = fmt.Sprintf("%s-%d", names[i], next[names[i]])
		}
		names[i] = n
		used[n] = true
	}
	return names
}

// sanitizeName keeps a file name stem free of path separators and leading
// dots.
func sanitizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimLeft(s, ".")
	if s == "" {
		s = "input"
	}
	return s
}
