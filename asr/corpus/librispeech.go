package corpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ReadLibriSpeech finds every *.trans.txt file under dir ("ID WORDS" lines)
// and pairs each ID with ID.flac in the same folder, or ID.wav or ID.mp3
// when only that exists. The speaker is the ID's part before the first "-"
// (LibriSpeech's reader id). Files come in path order, lines in file order.
// Bad lines are reported as for Read.
func ReadLibriSpeech(dir string) ([]Utterance, error) {
	var trans []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".trans.txt") {
			trans = append(trans, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(trans)
	var out []Utterance
	var errs errList
	for _, t := range trans {
		f, err := os.Open(t)
		if err != nil {
			return out, err
		}
		folder := filepath.Dir(t)
		err = lines(f, t, &errs, func(n int, s string) {
			id, text := splitID(s)
			if strings.ContainsAny(id, `/\`) || id == "." || id == ".." {
				errs.add(t, n, "id %q is not a file name", id)
				return
			}
			p := filepath.Join(folder, id+".flac")
			if !isFile(p) {
				for _, ext := range []string{".wav", ".mp3"} {
					if q := filepath.Join(folder, id+ext); isFile(q) {
						p = q
						break
					}
				}
			}
			spk, _, _ := strings.Cut(id, "-")
			out = append(out, Utterance{ID: id, Path: p, Transcript: strings.Join(strings.Fields(text), " "), Speaker: spk})
		})
		f.Close()
		if err != nil {
			return out, err
		}
	}
	return out, errs.err()
}
