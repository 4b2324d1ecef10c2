package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// lmText is a small corpus a tiny LSTM learns in a few seconds.
const lmText = "the cat sat on the mat.\nthe dog sat on the log.\na cat and a dog sat on a mat.\n"

// TestLMTrainEvalSample runs lm train, eval and sample end to end on a tiny
// character model: training lowers the validation loss well below the
// uniform model's log V, eval on the saved model reports the loss train
// printed, a run stopped by --max-steps resumes from its checkpoint, and
// sampling is deterministic for a seed and stays in the vocabulary.
func TestLMTrainEvalSample(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train.txt")
	if err := os.WriteFile(train, []byte(strings.Repeat(lmText, 30)), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "lm.safetensors")
	ckpt := filepath.Join(dir, "lm.ckpt")
	common := []string{"lm", "train", "--level", "char", "--train", train, "--split", "0.2",
		"--embed", "16", "--hidden", "48", "--layers", "1", "--dropout", "0", "--bptt", "20", "--batch", "8",
		"--eval-batch", "4", "--optim", "adam", "--lr", "0.01", "--clip", "1", "--epochs", "8",
		"-o", model, "--checkpoint", ckpt, "--log-every", "10"}

	// First 15 steps, then resume to the end.
	r := cli(t, "", nil, append(common, "--max-steps", "15")...)
	if r.code != 0 || !strings.Contains(r.stderr, "resume with --resume") {
		t.Fatalf("lm train --max-steps: exit %d\n%s", r.code, r.stderr)
	}
	r = cli(t, "", nil, "lm", "train", "--resume", ckpt, "--train", train, "--split", "0.2", "--eval-batch", "4",
		"--epochs", "8", "-o", model, "--checkpoint", ckpt)
	if r.code != 0 {
		t.Fatalf("lm train --resume: exit %d\n%s", r.code, r.stderr)
	}
	// 12 steps per epoch: step 15 is in the second.
	if !strings.Contains(r.stderr, "resumed "+ckpt+": epoch 2, position 60, step 15,") || !strings.Contains(r.stderr, "trained 81 steps") {
		t.Errorf("resume did not continue at step 15:\n%s", r.stderr)
	}
	m := regexp.MustCompile(`valid loss ([0-9.]+) nats/char`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("no validation loss in %q", r.stdout)
	}
	valid, _ := strconv.ParseFloat(m[1], 64)
	// 15 distinct characters: the uniform model's loss is ln 15 = 2.71.
	if valid > 1 {
		t.Errorf("validation loss %.4f nats/char after training, want well under ln 15 = 2.71", valid)
	}

	// eval on the validation split gives the same loss as train reported.
	text := strings.Repeat(lmText, 30)
	validText := text[int(float64(len(text))*0.8):]
	vf := filepath.Join(dir, "valid.txt")
	os.WriteFile(vf, []byte(validText), 0o644)
	r = cli(t, "", nil, "lm", "eval", "--model", model, "--batch", "4", "--bptt", "20", vf)
	if r.code != 0 || !strings.Contains(r.stdout, "loss "+m[1]+" nats/char") {
		t.Errorf("lm eval: exit %d, stdout %q, want loss %s\n%s", r.code, r.stdout, m[1], r.stderr)
	}
	// Text with a character outside the vocabulary is an error for a character model.
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte(strings.Repeat("the zebra sat.\n", 20)), 0o644)
	r = cli(t, "", nil, "lm", "eval", "--model", model, bad)
	if r.code != exitFailed || !strings.Contains(r.stderr, `"z"`) {
		t.Errorf("lm eval on unknown characters: exit %d, %q", r.code, r.stderr)
	}

	// Sampling: deterministic for a seed, in the vocabulary, prompt echoed.
	s1 := cli(t, "", nil, "lm", "sample", "--model", model, "--prompt", "the ", "-n", "80", "--temperature", "0.5", "--top-k", "3", "--seed", "7")
	s2 := cli(t, "", nil, "lm", "sample", "--model", model, "--prompt", "the ", "-n", "80", "--temperature", "0.5", "--top-k", "3", "--seed", "7")
	if s1.code != 0 || s1.stdout != s2.stdout {
		t.Fatalf("lm sample: exit %d, %q vs %q\n%s", s1.code, s1.stdout, s2.stdout, s1.stderr)
	}
	out := strings.TrimSuffix(s1.stdout, "\n")
	if !strings.HasPrefix(out, "the ") || len([]rune(out)) != 84 {
		t.Errorf("sample %q: want the prompt and 80 characters", out)
	}
	known := 0
	for _, w := range strings.Fields(out) {
		if strings.Contains(lmText, strings.Trim(w, ".")) {
			known++
		}
	}
	t.Logf("validation %.4f nats/char; sample %q", valid, out)
	if known*3 < 2*len(strings.Fields(out)) {
		t.Errorf("sample %q: only %d of %d words come from the text", out, known, len(strings.Fields(out)))
	}
	r = cli(t, "", nil, "lm", "sample", "--model", model, "--prompt", "zebra")
	if r.code != exitUsage || !strings.Contains(r.stderr, `"z"`) {
		t.Errorf("lm sample with an unknown prompt character: exit %d, %q", r.code, r.stderr)
	}
}

// TestLMBadInput checks the errors for empty and binary text, a model file
// that is not an LSTM LM, and a checkpoint given where a model is expected.
func TestLMBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.txt", nil)
	blank := write("blank.txt", []byte("  \n\n \t\n"))
	binary := write("binary.bin", []byte{0x7f, 'E', 'L', 'F', 0, 0, 0xff, 0xfe, 1, 2, 3})
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"lm", "train", "--train", empty}, exitFailed, "empty"},
		{[]string{"lm", "train", "--train", blank}, exitFailed, "empty"},
		{[]string{"lm", "train", "--level", "char", "--train", binary}, exitFailed, "binary.bin"},
		{[]string{"lm", "train", "--train", filepath.Join(dir, "missing.txt")}, exitFailed, "missing.txt"},
		{[]string{"lm", "train", "--level", "bytes", "--train", blank}, exitUsage, "--level"},
		{[]string{"lm", "train", "--tied", "--embed", "10", "--hidden", "20", "--train", blank}, exitUsage, "--tied"},
		{[]string{"lm", "eval", "--model", smallModel, empty}, exitUsage, "lstmlm"},
		{[]string{"lm", "eval", "--model", binary, empty}, exitUsage, "binary.bin"},
		{[]string{"lm", "sample", "--model", filepath.Join(dir, "none.safetensors")}, exitUsage, "none.safetensors"},
		{[]string{"lm", "sample", "--model", smallModel, "--temperature", "0"}, exitUsage, "Usage"},
	} {
		r := cli(t, "", nil, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("transcribe %s: exit %d, want %d with %q in:\n%s", strings.Join(c.args, " "), r.code, c.code, c.want, r.stderr)
		}
		if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine ") {
			t.Errorf("transcribe %s panicked:\n%s", strings.Join(c.args, " "), r.stderr)
		}
	}
}
