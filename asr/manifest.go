package asr

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// An Utterance is one line of a manifest: an audio file, its transcript and
// a free-form source/voice label.
type Utterance struct {
	Path       string
	Transcript string
	Voice      string
	Seconds    float64 // duration, filled by the trainer from the file header
}

// ReadManifest reads a manifest: one utterance per line,
// path<TAB>transcript[<TAB>voice...]. Relative paths are relative to the
// manifest's folder. Blank lines, lines starting with "#", and a header line
// whose first field is "path" are skipped. A line without a tab is an error
// naming the file and line.
func ReadManifest(path string) ([]Utterance, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir := filepath.Dir(path)
	var out []Utterance
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		fields := strings.Split(s, "\t")
		if len(fields) < 2 {
			return nil, fmt.Errorf("%s:%d: want path<TAB>transcript[<TAB>voice]", path, line)
		}
		if line == 1 && fields[0] == "path" {
			continue
		}
		p := fields[0]
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		u := Utterance{Path: p, Transcript: fields[1]}
		if len(fields) > 2 {
			u.Voice = fields[2]
		}
		out = append(out, u)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
