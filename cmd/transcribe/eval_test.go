package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr/corpus"
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

// TestEvalRefManifest: a transcripts.tsv given to --ref (a header row and
// speaker, age and gender columns) scores its transcript column only, keyed
// by its path column: the same WER as the two-column reference. Before, the
// header was scored as an utterance and the extra columns as words.
func TestEvalRefManifest(t *testing.T) {
	d := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(d, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	plain := write("ref.tsv", "audio/a.flac\tWE SPEAK OUT\naudio/b.flac\tSO YOU WANT\naudio/c.flac\tTHREE MORE WORDS\n")
	withHeader := write("transcripts.tsv", "path\ttranscript\tspeaker\tage\tgender\naudio/a.flac\tWE SPEAK OUT\t0036\t21\tf\naudio/b.flac\tSO YOU WANT\t0036\t21\tf\naudio/c.flac\tTHREE MORE WORDS\t0041\t9\tm\n")
	noHeader := write("train.tsv", "audio/a.flac\tWE SPEAK OUT\t0036\naudio/b.flac\tSO YOU WANT\t0036\naudio/c.flac\tTHREE MORE WORDS\t0041\n")
	hyp := write("hyp.tsv", "audio/a.flac\twe speak\naudio/b.flac\tso you want it\naudio/c.flac\tfree more words\n")
	score := func(ref string) (string, string) {
		var out, errb bytes.Buffer
		if rc := run([]string{"eval", "--ref", ref, "--hyp", hyp}, nil, &out, &errb); rc != exitOK {
			t.Fatalf("%s: rc %d: %s", ref, rc, errb.String())
		}
		return out.String(), errb.String()
	}
	want, _ := score(plain)
	if !strings.Contains(want, "%WER 33.33 [ 3 / 9, 1 ins, 1 del, 1 sub ]") {
		t.Fatalf("two-column reference:\n%s", want)
	}
	wantLines := strings.Split(want, "\n")
	for _, ref := range []string{withHeader, noHeader} {
		got, note := score(ref)
		if strings.Split(got, "\n")[0] != wantLines[0] || !strings.Contains(got, "Scored 3 utterances, 9 reference words") {
			t.Errorf("%s: report\n%s\nwant\n%s", filepath.Base(ref), got, want)
		}
		if !strings.Contains(note, "its transcript column is scored") {
			t.Errorf("%s: no note on stderr: %q", filepath.Base(ref), note)
		}
		// The speaker column names the speakers.
		if !strings.Contains(got, "0041") {
			t.Errorf("%s: speaker column not used:\n%s", filepath.Base(ref), got)
		}
	}
	// A bad manifest line is refused with its file and line.
	bad := write("bad.tsv", "path\ttranscript\tspeaker\naudio/a.flac\n")
	var out, errb bytes.Buffer
	if rc := run([]string{"eval", "--ref", bad, "--hyp", hyp}, nil, &out, &errb); rc != exitFailed || !strings.Contains(errb.String(), "bad.tsv:2: no tab") {
		t.Errorf("bad manifest: rc %d, %s", rc, errb.String())
	}
}

// corpusFixtures are the tiny corpora of testdata/corpora (made by
// testdata/gen/corpora.sh), one per layout, with the utterance ids eval
// must score and their reference word count after normalization.
var corpusFixtures = []struct {
	data, kind string
	ids        []string
	words      int
}{
	{"manifest/train.tsv", "TSV manifest", []string{"yes.wav", "no.wav", "go_left.wav"}, 4},
	{"transcripts", "TSV manifest with header", []string{"audio/s1_up.flac", "audio/s2_down.flac", "audio/s1_stop_now.flac"}, 4},
	{"commonvoice/train.tsv", "Common Voice split", []string{"common_voice_en_1.mp3", "common_voice_en_2.mp3"}, 3},
	{"kaldi", "Kaldi data folder", []string{"spk1-rec1-yes", "spk1-rec1-no", "spk1-rec1-stop", "spk2-rec2-right"}, 4},
	{"librispeech", "LibriSpeech folder", []string{"19-198-0000", "19-198-0001", "26-495-0000"}, 5},
}

// TestEvalManifestCorpora transcribes and scores each fixture corpus. The
// audio seconds reported check that Kaldi segments are cut: rec1.wav is
// 1.79 s and holds three segments that together span it once.
func TestEvalManifestCorpora(t *testing.T) {
	dir := t.TempDir()
	for _, c := range corpusFixtures {
		data := filepath.Join(root, "testdata", "corpora", c.data)
		hypOut := filepath.Join(dir, strings.ReplaceAll(c.data, "/", "_")+".hyp")
		var out, errb bytes.Buffer
		rc := run([]string{"eval", "--manifest", data, "--model", smallModel, "--quiet", "--format", "json", "--hyp-out", hypOut}, nil, &out, &errb)
		if rc != exitOK {
			t.Errorf("%s: rc %d: %s", c.data, rc, errb.String())
			continue
		}
		var rep struct {
			Kind  string  `json:"kind"`
			Audio float64 `json:"audio_seconds"`
			WER   struct {
				Total struct {
					Utterances int `json:"utterances"`
					RefTokens  int `json:"ref_tokens"`
				} `json:"total"`
			} `json:"wer"`
		}
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			t.Fatalf("%s: %v\n%s", c.data, err, out.String())
		}
		if rep.Kind != c.kind || rep.WER.Total.Utterances != len(c.ids) || rep.WER.Total.RefTokens != c.words {
			t.Errorf("%s: kind %q, %d utterances, %d words; want %q, %d, %d", c.data, rep.Kind, rep.WER.Total.Utterances, rep.WER.Total.RefTokens, c.kind, len(c.ids), c.words)
		}
		b, _ := os.ReadFile(hypOut)
		var ids []string
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			id, _, _ := strings.Cut(line, "\t")
			ids = append(ids, id)
		}
		if strings.Join(ids, " ") != strings.Join(c.ids, " ") {
			t.Errorf("%s: hypotheses for %q, want %q", c.data, ids, c.ids)
		}
		if c.data == "kaldi" {
			rec2 := 0.0
			us, _, _ := corpus.Read(data)
			for _, u := range us {
				if u.ID == "spk2-rec2-right" {
					rec2, _ = u.Duration()
				}
			}
			if want := 1.79 + rec2; math.Abs(rep.Audio-want) > 0.002 {
				t.Errorf("kaldi: %.3f s of audio scored, want %.3f (segments of rec1.wav 1.79 s, rec2 %.3f s)", rep.Audio, want, rec2)
			}
		}
	}
}

// TestEvalManifestBadLines: bad lines and missing audio are reported by file
// and line or by name, and the rest of the set is still scored.
func TestEvalManifestBadLines(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs(filepath.Join(root, "testdata", "corpora", "manifest"))
	m := filepath.Join(dir, "m.tsv")
	os.WriteFile(m, []byte(abs+"/yes.wav\tyes\nno tab on this line\n"+abs+"/gone.wav\tgone\n"+abs+"/no.wav\tno\n"+abs+"/no.wav\tno again\n"), 0o644)
	var out, errb bytes.Buffer
	rc := run([]string{"eval", "--manifest", m, "--model", smallModel, "--quiet"}, nil, &out, &errb)
	if rc != exitFailed {
		t.Errorf("rc %d", rc)
	}
	for _, want := range []string{"m.tsv:2: no tab", "gone.wav: no such file", "no.wav is listed twice", "1 of 3 utterances failed"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if !strings.Contains(out.String(), "Scored 3 utterances, 3 reference words") {
		t.Errorf("report:\n%s", out.String())
	}
}
