package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A teacher transcript the ecoute model nearly agrees with is kept (the
// default model hears "the quick brown far jumps over the lazy dog": one word
// of nine apart); one it disagrees with, and one too short, are dropped.
func TestKeepsAgreement(t *testing.T) {
	dir := t.TempDir()
	wav, err := os.ReadFile("../../testdata/hello.wav")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b", "c"} {
		if err := os.WriteFile(filepath.Join(dir, n+".wav"), wav, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := filepath.Join(dir, "files.tsv")
	os.WriteFile(files, []byte("path\tspeaker\na.wav\ts1\nb.wav\ts2\nc.wav\ts3\n"), 0o644)
	teacher := filepath.Join(dir, "hyp.tsv")
	os.WriteFile(teacher, []byte("a\tThe quick brown fox jumps over the lazy dog.\nb\tsomething else was said in this recording\nc\tthe fox\n"), 0o644)
	out := filepath.Join(dir, "pseudo.tsv")
	if err := run(files, teacher, "", 0.35, 3, "test", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 1 {
		t.Fatalf("kept %d lines, want 1:\n%s", len(lines), b)
	}
	f := strings.Split(lines[0], "\t")
	if len(f) != 3 || filepath.Base(f[0]) != "a.wav" || f[1] != "the quick brown fox jumps over the lazy dog" || f[2] != "pseudo:test:s1" {
		t.Errorf("kept %q", lines[0])
	}
}
