package corpus

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// splitID splits "ID REST" at the first run of blanks; rest is trimmed.
func splitID(s string) (id, rest string) {
	s = strings.TrimSpace(s)
	k := strings.IndexAny(s, " \t")
	if k < 0 {
		return s, ""
	}
	return s[:k], strings.TrimSpace(s[k+1:])
}

// ReadWavSCP reads a Kaldi wav.scp from r: "ID PATH" or "ID COMMAND |" per
// line (Kaldi's extended filenames). It returns one Utterance per line with
// ID and either Path (as written, not resolved) or Command set. name is used
// in errors. A line without a path and a repeated id are *ParseError values;
// the other lines are still read.
func ReadWavSCP(r io.Reader, name string) ([]Utterance, error) {
	var out []Utterance
	var errs errList
	seen := map[string]int{}
	err := lines(r, name, &errs, func(n int, s string) {
		id, rest := splitID(s)
		if rest == "" {
			errs.add(name, n, `want "ID PATH" or "ID COMMAND |"`)
			return
		}
		if prev, dup := seen[id]; dup {
			errs.add(name, n, "id %q repeats line %d", id, prev)
			return
		}
		seen[id] = n
		u := Utterance{ID: id}
		if cmd, pipe := strings.CutSuffix(rest, "|"); pipe {
			u.Command = strings.TrimSpace(cmd)
			if u.Command == "" {
				errs.add(name, n, `empty command before "|"`)
				return
			}
		} else {
			u.Path = rest
		}
		out = append(out, u)
	})
	if err != nil {
		return out, err
	}
	return out, errs.err()
}

// A segment is one line of a Kaldi segments file.
type segment struct {
	utt, rec   string
	start, end float64 // end 0: to the end
	channel    int     // 0-based + 1; 0: mix
	line       int
}

// readSegments reads "UTT REC START END [CHANNEL]" lines. END -1 means to
// the end of the recording (kept as 0).
func readSegments(r io.Reader, name string, errs *errList) ([]segment, error) {
	var out []segment
	seen := map[string]int{}
	err := lines(r, name, errs, func(n int, s string) {
		f := strings.Fields(s)
		if len(f) != 4 && len(f) != 5 {
			errs.add(name, n, "%d fields: want UTT REC START END [CHANNEL]", len(f))
			return
		}
		start, err1 := strconv.ParseFloat(f[2], 64)
		end, err2 := strconv.ParseFloat(f[3], 64)
		switch {
		case err1 != nil || !(start >= 0) || start > 1e9:
			errs.add(name, n, "bad start time %q", f[2])
			return
		case err2 != nil || end != -1 && !(end > start) || end > 1e9:
			errs.add(name, n, "bad end time %q (want a time after the start, or -1 for the end of the recording)", f[3])
			return
		}
		if end == -1 {
			end = 0
		}
		sg := segment{utt: f[0], rec: f[1], start: start, end: end, line: n}
		if len(f) == 5 {
			c, err := strconv.Atoi(f[4])
			if err != nil || c < 0 || c > 1<<16 {
				errs.add(name, n, "bad channel %q", f[4])
				return
			}
			sg.channel = c + 1
		}
		if prev, dup := seen[sg.utt]; dup {
			errs.add(name, n, "id %q repeats line %d", sg.utt, prev)
			return
		}
		seen[sg.utt] = n
		out = append(out, sg)
	})
	return out, err
}

// readPairs reads "ID REST" lines (Kaldi's text and utt2spk) into a map.
// With needRest, a line without REST is an error (utt2spk); text allows an
// empty transcript.
func readPairs(r io.Reader, name string, needRest bool, errs *errList) (map[string]string, error) {
	m := map[string]string{}
	line := map[string]int{}
	err := lines(r, name, errs, func(n int, s string) {
		id, rest := splitID(s)
		if needRest && rest == "" {
			errs.add(name, n, `want "ID VALUE"`)
			return
		}
		if prev, dup := line[id]; dup {
			errs.add(name, n, "id %q repeats line %d", id, prev)
			return
		}
		line[id] = n
		m[id] = strings.Join(strings.Fields(rest), " ")
	})
	return m, err
}

// kaldiFiles are the readers of a Kaldi data folder's files; segments and
// utt2spk may be nil.
type kaldiFiles struct {
	dir                            string // for names in errors
	wavSCP, text, segments, utt2sp io.Reader
}

// join reads the files and pairs them: with segments, one utterance per
// segment (its recording from wav.scp); without, one per wav.scp line.
// Utterances without a line in text are left out, as Kaldi's tools do.
// Paths are left as written.
func (k kaldiFiles) join() ([]Utterance, error) {
	var errs errList
	name := func(f string) string { return filepath.Join(k.dir, f) }
	recs, err := ReadWavSCP(k.wavSCP, name("wav.scp"))
	if err != nil {
		var pe *ParseError
		for _, e := range unjoin(err) {
			if !errors.As(e, &pe) { // a read error: give up
				return nil, err
			}
			errs.addErr(e)
		}
	}
	text, err := readPairs(k.text, name("text"), false, &errs)
	if err != nil {
		return nil, err
	}
	spk := map[string]string{}
	if k.utt2sp != nil {
		if spk, err = readPairs(k.utt2sp, name("utt2spk"), true, &errs); err != nil {
			return nil, err
		}
	}
	var out []Utterance
	add := func(u Utterance) {
		t, ok := text[u.ID]
		if !ok {
			return
		}
		u.Transcript, u.Speaker = t, spk[u.ID]
		out = append(out, u)
	}
	if k.segments != nil {
		segs, err := readSegments(k.segments, name("segments"), &errs)
		if err != nil {
			return nil, err
		}
		byRec := make(map[string]*Utterance, len(recs))
		for i := range recs {
			byRec[recs[i].ID] = &recs[i]
		}
		for _, s := range segs {
			rec, ok := byRec[s.rec]
			if !ok {
				errs.add(name("segments"), s.line, "recording %q is not in wav.scp", s.rec)
				continue
			}
			add(Utterance{ID: s.utt, Path: rec.Path, Command: rec.Command, Start: s.start, End: s.end, Channel: s.channel})
		}
	} else {
		for _, r := range recs {
			add(r)
		}
	}
	if len(out) == 0 && errs.n == 0 {
		what := "wav.scp id"
		if k.segments != nil {
			what = "segments id"
		}
		return nil, errors.New(k.dir + ": no " + what + " has a line in text")
	}
	return out, errs.err()
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// ReadKaldi reads the Kaldi data folder dir: wav.scp and text, with
// segments and utt2spk when present (see the package comment). Relative
// wav.scp paths are relative to the current folder, as in Kaldi; failing
// that, to dir. Utterances without a transcript in text are left out, as
// Kaldi's tools do. Bad lines are reported as for Read.
func ReadKaldi(dir string) ([]Utterance, error) {
	open := func(f string, optional bool) (*os.File, error) {
		fh, err := os.Open(filepath.Join(dir, f))
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return fh, err
	}
	k := kaldiFiles{dir: dir}
	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	for _, f := range []struct {
		name     string
		r        *io.Reader
		optional bool
	}{{"wav.scp", &k.wavSCP, false}, {"text", &k.text, false}, {"segments", &k.segments, true}, {"utt2spk", &k.utt2sp, true}} {
		fh, err := open(f.name, f.optional)
		if err != nil {
			return nil, err
		}
		if fh != nil {
			files = append(files, fh)
			*f.r = fh
		}
	}
	us, err := k.join()
	for i := range us {
		if p := us[i].Path; p != "" && !filepath.IsAbs(p) {
			if _, e := os.Stat(p); e != nil {
				if _, e2 := os.Stat(filepath.Join(dir, p)); e2 == nil {
					us[i].Path = filepath.Join(dir, p)
				}
			}
		}
	}
	return us, err
}
