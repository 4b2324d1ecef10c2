package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalSclite scores the sclite goldens (testdata/wer, made by NIST
// sclite -i rm, and -c) through the CLI and checks the totals.
func TestEvalSclite(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "wer")
	for _, unit := range []string{"words", "chars"} {
		args := []string{"eval", "--ref", filepath.Join(dir, "ref.trn"), "--hyp", filepath.Join(dir, "hyp.trn"), "--format", "json"}
		if unit == "chars" {
			args = append(args, "--cer")
		}
		var out, errb bytes.Buffer
		if rc := run(args, nil, &out, &errb); rc != exitOK {
			t.Fatalf("rc %d: %s", rc, errb.String())
		}
		var rep struct {
			Total struct {
				Utterances                                    int `json:"utterances"`
				Correct, Substitutions, Deletions, Insertions int
				RefTokens                                     int `json:"ref_tokens"`
			} `json:"total"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "sclite_"+unit+"_total.txt"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		want := strings.Fields(lines[len(lines)-1]) // Sum #Snt #Wrd Corr Sub Del Ins Err S.Err
		tt := rep.Total
		got := strings.Fields(strings.Join([]string{"Sum", itoa(tt.Utterances), itoa(tt.RefTokens), itoa(tt.Correct), itoa(tt.Substitutions), itoa(tt.Deletions), itoa(tt.Insertions)}, " "))
		if strings.Join(got, " ") != strings.Join(want[:7], " ") {
			t.Errorf("%s: got %v, sclite %v", unit, got, want)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestEvalText(t *testing.T) {
	d := t.TempDir()
	ref := filepath.Join(d, "ref.tsv")
	hyp := filepath.Join(d, "hyp.txt")
	os.WriteFile(ref, []byte("a_1\tThe cat sat\na_2\tIt cost $5.\n"), 0o644)
	os.WriteFile(hyp, []byte("a_1 the cat sat down\n"), 0o644)
	var out, errb bytes.Buffer
	if rc := run([]string{"eval", "--ref", ref, "--hyp", hyp, "--normalize", "--details"}, nil, &out, &errb); rc != exitOK {
		t.Fatalf("rc %d: %s", rc, errb.String())
	}
	s := out.String()
	for _, want := range []string{"%WER 71.43 [ 5 / 7, 1 ins, 4 del, 0 sub ]", "no hypothesis (scored as deletions): a_2", "REF:  IT COST FIVE DOLLARS"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	d := t.TempDir()
	bad := filepath.Join(d, "bad.tsv")
	os.WriteFile(bad, []byte("a\tx\na\ty\n"), 0o644)
	var out, errb bytes.Buffer
	if rc := run([]string{"eval", "--ref", bad, "--hyp", bad}, nil, &out, &errb); rc != exitFailed || !strings.Contains(errb.String(), `bad.tsv:2: id "a" repeats line 1`) {
		t.Errorf("duplicate ids: rc %d, %s", rc, errb.String())
	}
	errb.Reset()
	if rc := run([]string{"eval", "--ref", bad}, nil, &out, &errb); rc != exitUsage {
		t.Errorf("missing --hyp: rc %d", rc)
	}
	if rc := run([]string{"eval", "--ref", bad, "--hyp", bad, "--format", "xml"}, nil, &out, &errb); rc != exitUsage {
		t.Errorf("bad format: rc %d", rc)
	}
	errb.Reset()
	if rc := run([]string{"eval", "--help"}, nil, &out, &errb); rc != exitOK || !strings.Contains(errb.String(), "Examples:") {
		t.Errorf("--help: rc %d", rc)
	}
}
