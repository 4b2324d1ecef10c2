package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/text/punct"
)

func TestPunctApply(t *testing.T) {
	r := cli(t, "", []byte("so what did you do after that i went home\n\n日本 \xff --\n"), "punct", "apply")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	m, err := punct.Default()
	if err != nil {
		t.Fatal(err)
	}
	want := m.Text("so what did you do after that i went home") + "\n\n" + m.Text("日本 \xff --") + "\n"
	if r.stdout != want {
		t.Errorf("punct apply printed %q, want the library's %q", r.stdout, want)
	}
	if !strings.HasPrefix(r.stdout, "So ") {
		t.Errorf("first word not capitalized: %q", r.stdout)
	}
}

// writeCorpus lays out a tiny text folder as LoadSplits expects.
func writeCorpus(t *testing.T) string {
	dir := t.TempDir()
	prose := strings.Repeat("It was late, and we went home. Did you see him? No, I did not.\n\n", 40)
	files := map[string]string{
		"gutenberg-modern/1-book/1.txt":                 "*** START OF BOOK ***\n\n" + prose + "*** END OF BOOK ***\n",
		"gutenberg-modern/64317-the-great-gatsby/2.txt": prose,
		"nltk-state_union/1999-A.txt":                   "THE PRESIDENT: " + prose,
		"nltk-state_union/2001-B.txt":                   prose,
		"nltk-state_union/2003-C.txt":                   prose,
		"nltk-inaugural/1901-D.txt":                     prose,
		"wikitext-2/train.txt":                          " = Title = \n The cat sat , and it slept . \n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestPunctTrainEval(t *testing.T) {
	data := writeCorpus(t)
	out := filepath.Join(t.TempDir(), "p.safetensors")
	r := cli(t, "", nil, "punct", "train", "--data", data, "--vocab", "40", "--embed", "4", "--hidden", "4",
		"--window", "16", "--batch", "4", "--max-steps", "6", "--eval-every", "3", "-o", out)
	if r.code != 0 {
		t.Fatalf("train: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "dev overall F1") {
		t.Errorf("train printed no evaluation: %s", r.stderr)
	}
	for _, p := range []string{out, strings.TrimSuffix(out, ".safetensors") + ".ckpt.safetensors"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := punct.Load(b); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	r = cli(t, "", nil, "punct", "train", "--data", data, "--resume", strings.TrimSuffix(out, ".safetensors")+".ckpt.safetensors",
		"--max-steps", "2", "--eval-every", "0", "-o", out)
	if r.code != 0 || !strings.Contains(r.stderr, "step 8:") {
		t.Errorf("resume: exit %d, want evaluation at step 8: %s", r.code, r.stderr)
	}
	r = cli(t, "", nil, "punct", "eval", "--data", data, "--model", out, "--baseline", "--order", "3")
	if r.code != 0 {
		t.Fatalf("eval: exit %d: %s", r.code, r.stderr)
	}
	for _, s := range []string{"held-out book", "baseline (hidden-event 3-gram)", "question", "overall", "casing accuracy"} {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("eval output lacks %q:\n%s", s, r.stdout)
		}
	}
	// The baseline learns this corpus perfectly: its overall F1 line is 1.
	if !strings.Contains(r.stdout, "overall    1.000  1.000  1.000") {
		t.Errorf("baseline on its own training text is not perfect:\n%s", r.stdout)
	}
}

func TestPunctBadUsage(t *testing.T) {
	for _, args := range [][]string{{"punct"}, {"punct", "nope"}, {"punct", "train"}, {"punct", "eval", "--bogus"}} {
		if r := cli(t, "", nil, args...); r.code != exitUsage {
			t.Errorf("transcribe %v: exit %d, want %d", args, r.code, exitUsage)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.safetensors")
	os.WriteFile(bad, []byte("junk"), 0o644)
	if r := cli(t, "", []byte("a b\n"), "punct", "apply", "--model", bad); r.code == 0 || !strings.Contains(r.stderr, "punct") {
		t.Errorf("a bad model file: exit %d, %s", r.code, r.stderr)
	}
}

// TestPunctuateFlag: --punctuate changes the text of a recognition only
// in marks and case.
func TestPunctuateFlag(t *testing.T) {
	plain := cli(t, "", nil, helloWAV)
	p := cli(t, "", nil, "--punctuate", helloWAV)
	if plain.code != 0 || p.code != 0 {
		t.Fatalf("exit %d, %d: %s %s", plain.code, p.code, plain.stderr, p.stderr)
	}
	strip := strings.NewReplacer(",", "", ".", "", "?", "")
	if got, want := strings.ToLower(strip.Replace(p.stdout)), strings.ToLower(strip.Replace(plain.stdout)); got != want {
		t.Errorf("--punctuate changed the words: %q vs %q", p.stdout, plain.stdout)
	}
	if s := strings.TrimSpace(p.stdout); s == strings.TrimSpace(plain.stdout) || !strings.ContainsAny(s[len(s)-1:], ".?") {
		t.Errorf("--punctuate output %q (plain %q)", p.stdout, plain.stdout)
	}
}
