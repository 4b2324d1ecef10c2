package train

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzPhoneLexicon reads arbitrary text as a CMUdict-format phone lexicon:
// it is an error or a lexicon whose phones are sorted and distinct, whose
// words map to ids in 1..len(phones), and whose targets spell a known word
// with its ids and refuse an unknown one. Seeded with CMUdict's layout:
// comments, stress digits, alternative pronunciations, repeated words.
func FuzzPhoneLexicon(f *testing.F) {
	f.Add(";;; comment\nHELLO  HH AH0 L OW1\nHELLO(2)  HH EH0 L OW1\nWORLD  W ER1 L D\n")
	f.Add("A  AH0\nA  EY1\nTHE  DH AH0\n")
	f.Add("WORD\n")
	f.Add("X 0 1\n")
	f.Add("")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "lexicon.txt")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		lx, err := readPhoneLexicon(path)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "train: phone lexicon") {
				t.Fatalf("error %q does not say it is the phone lexicon's", err)
			}
			return
		}
		if len(lx.words) == 0 || len(lx.phones) == 0 {
			t.Fatalf("a lexicon of %d words and %d phones without an error", len(lx.words), len(lx.phones))
		}
		if !slices.IsSorted(lx.phones) || len(slices.Compact(slices.Clone(lx.phones))) != len(lx.phones) {
			t.Fatalf("phones %q not sorted and distinct", lx.phones)
		}
		for w, ids := range lx.words {
			if len(ids) == 0 || w != strings.ToLower(w) || strings.ContainsAny(w, " \t\n") {
				t.Fatalf("word %q has ids %v", w, ids)
			}
			for _, id := range ids {
				if id < 1 || id > len(lx.phones) {
					t.Fatalf("word %q: phone id %d outside 1..%d", w, id, len(lx.phones))
				}
			}
			if got := lx.targets(w + " " + w); !slices.Equal(got, append(slices.Clone(ids), ids...)) {
				t.Fatalf("targets(%q twice) = %v, want %v twice", w, got, ids)
			}
			if _, known := lx.words[w+"\x00"]; !known && lx.targets(w+" "+w+"\x00") != nil {
				t.Fatalf("targets spelled an unknown word %q", w+"\x00")
			}
		}
	})
}
