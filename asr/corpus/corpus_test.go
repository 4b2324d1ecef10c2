package corpus

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/audio"
)

// fixtures are the tiny corpora made by testdata/gen/corpora.sh.
var fixtures = filepath.Join("..", "..", "testdata", "corpora")

func fixture(p ...string) string { return filepath.Join(append([]string{fixtures}, p...)...) }

func TestReadFixtures(t *testing.T) {
	type row struct{ id, text, speaker string }
	for _, c := range []struct {
		path   string
		layout Layout
		want   []row
	}{
		{fixture("manifest", "train.tsv"), Manifest, []row{{"yes.wav", "yes", "en-us"}, {"no.wav", "no", "en-gb"}, {"go_left.wav", "go left", "en-us"}}},
		{fixture("transcripts"), TSVWithHeader, []row{{"audio/s1_up.flac", "UP", "s1"}, {"audio/s2_down.flac", "DOWN", "s2"}, {"audio/s1_stop_now.flac", "STOP NOW", "s1"}}},
		{fixture("commonvoice", "train.tsv"), CommonVoice, []row{{"common_voice_en_1.mp3", "One two.", "a1f0"}, {"common_voice_en_2.mp3", "Three?", "b2e1"}}},
		{fixture("commonvoice", "dev.tsv"), CommonVoice, []row{{"common_voice_en_3.mp3", "Four, five!", "a1f0"}}},
		{fixture("kaldi"), Kaldi, []row{{"spk1-rec1-yes", "YES", "spk1"}, {"spk1-rec1-no", "NO", "spk1"}, {"spk1-rec1-stop", "STOP", "spk1"}, {"spk2-rec2-right", "RIGHT", "spk2"}}},
		{fixture("librispeech"), LibriSpeech, []row{{"19-198-0000", "OFF", "19"}, {"19-198-0001", "ON THE LEFT", "19"}, {"26-495-0000", "ZERO", "26"}}},
	} {
		us, l, err := Read(c.path)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if l != c.layout {
			t.Errorf("%s: layout %v, want %v", c.path, l, c.layout)
		}
		var got []row
		for _, u := range us {
			got = append(got, row{u.ID, u.Transcript, u.Speaker})
			if !isFile(u.Path) {
				t.Errorf("%s: %s: audio %q is not a file", c.path, u.ID, u.Path)
			}
			d, err := u.Duration()
			if err != nil || d < 0.2 || d > 3 {
				t.Errorf("%s: %s: duration %g s, %v", c.path, u.ID, d, err)
			}
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", c.path, got, c.want)
		}
	}
}

// TestSegments cuts the Kaldi fixture's rec1.wav at the sample boundaries
// the generator padded the words to (testdata/gen/corpora.sh: 9440, 18560
// and 28640 samples at 16 kHz) and checks Load against the same ranges of
// the whole recording, and END -1 against the whole of rec2.
func TestSegments(t *testing.T) {
	us, err := ReadKaldi(fixture("kaldi"))
	if err != nil {
		t.Fatal(err)
	}
	rec1 := decodeFile(t, fixture("kaldi", "rec1.wav"))
	rec2 := decodeFile(t, fixture("kaldi", "rec2.flac"))
	bounds := [][2]int{{0, 9440}, {9440, 18560}, {18560, 28640}}
	for i, u := range us {
		p, err := u.Load()
		if err != nil {
			t.Fatalf("%s: %v", u.ID, err)
		}
		want := rec2.Samples
		if i < 3 {
			want = rec1.Samples[bounds[i][0]:bounds[i][1]]
		}
		if p.Rate != 16000 || !reflect.DeepEqual(p.Samples, want) {
			t.Errorf("%s: %d samples at %d Hz, want %d at 16000", u.ID, len(p.Samples), p.Rate, len(want))
		}
		d, err := u.Duration()
		if err != nil || d != float64(len(want))/16000 && (d-float64(len(want))/16000) > 1e-9 {
			t.Errorf("%s: duration %v s (%v), want %v", u.ID, d, err, float64(len(want))/16000)
		}
		// The cut is a copy: changing it leaves the next Load alone.
		p.Samples[0] = 7
		if q, _ := u.Load(); q.Samples[0] == 7 {
			t.Errorf("%s: Load shares its samples", u.ID)
		}
	}
	if len(us) != 4 {
		t.Fatalf("%d utterances", len(us))
	}
	// Ranges past the end: up to 0.5 s is truncated, beyond is an error.
	u := us[2]
	u.End = 1.79 + 0.4
	if p, err := u.Load(); err != nil || len(p.Samples) != 28640-18560 {
		t.Errorf("overshoot 0.4 s: %v", err)
	}
	if d, err := u.Duration(); err != nil || d != 1.79-1.16 && d-(1.79-1.16) > 1e-9 {
		t.Errorf("overshoot 0.4 s: duration %v, %v", d, err)
	}
	u.End = 1.79 + 0.6
	if _, err := u.Load(); err == nil || !strings.Contains(err.Error(), "after the end of the recording") {
		t.Errorf("overshoot 0.6 s: %v", err)
	}
	if _, err := u.Duration(); err == nil {
		t.Error("overshoot 0.6 s: Duration has no error")
	}
	u.Start, u.End = 2, 0
	if _, err := u.Load(); err == nil || !strings.Contains(err.Error(), "starts at 2.000 s") {
		t.Errorf("start past the end: %v", err)
	}
}

func decodeFile(t *testing.T, p string) *audio.PCM {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pcm, err := audio.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return pcm
}

// TestCommand reads a wav.scp whose recording is a command's output.
func TestCommand(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs(fixture("kaldi", "rec2.flac"))
	os.WriteFile(filepath.Join(dir, "wav.scp"), []byte("r cat '"+abs+"' |\nbad false |\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "text"), []byte("r RIGHT\nbad NOTHING\n"), 0o644)
	us, l, err := Read(dir)
	if err != nil || l != Kaldi || len(us) != 2 || us[0].Command == "" || us[0].Path != "" {
		t.Fatalf("%+v %v %v", us, l, err)
	}
	p, err := us[0].Load()
	if err != nil {
		t.Fatal(err)
	}
	if want := decodeFile(t, abs); !reflect.DeepEqual(p.Samples, want.Samples) {
		t.Errorf("command: %d samples, the file %d", len(p.Samples), len(want.Samples))
	}
	if d, err := us[0].Duration(); err != nil || d != p.Duration().Seconds() {
		t.Errorf("command: duration %v, %v", d, err)
	}
	if _, err := us[1].Load(); err == nil || !strings.Contains(err.Error(), `command "false" failed`) {
		t.Errorf("failing command: %v", err)
	}
}

// TestMP3Duration: an MP3's header has no length, so Duration decodes it.
func TestMP3Duration(t *testing.T) {
	us, _, err := Read(fixture("commonvoice", "dev.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := us[0].Load()
	if err != nil {
		t.Fatal(err)
	}
	d, err := us[0].Duration()
	if err != nil || d != p.Duration().Seconds() || d == 0 {
		t.Errorf("duration %v (%v), decoded %v", d, err, p.Duration().Seconds())
	}
}

// TestBadInput: every malformed line is named by file and line, the good
// lines around it are kept, and missing files are named.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name, content string
		good          int
		want          []string
	}{
		{"a.tsv", "a.wav\tone\nno tab here\n\t empty path\nb.wav\ttwo\n", 2, []string{"a.tsv:2: no tab", "a.tsv:3: empty path"}},
		{"h.tsv", "path\ttranscript\tspeaker\nx.wav\n\nx.wav\tfine\ts\n", 1, []string{"h.tsv:2: no tab: want the header's path and transcript columns"}},
		{"u.tsv", "a.wav\tok\nb.wav\t\xff\xfe\n", 1, []string{"u.tsv:2: invalid UTF-8"}},
		{"cv/train.tsv", "client_id\tpath\tsentence\nc1\tx.mp3\n", 0, []string{"train.tsv:2: 2 fields"}},
		{"nohdr.tsv", "path\tspeaker\na.wav\tb\n", 1, []string{"nohdr.tsv:1: header has no transcript column"}},
	} {
		p := write(c.name, c.content)
		us, _, err := Read(p)
		if len(us) != c.good {
			t.Errorf("%s: %d good utterances, want %d", c.name, len(us), c.good)
		}
		checkErr(t, c.name, err, c.want)
	}

	// Kaldi: each file's bad lines, and what survives.
	k := filepath.Join(dir, "kaldi")
	write("kaldi/wav.scp", "r1 r1.wav\nlonely\nr2 x.wav\nr1 again.wav\nr3 |\n")
	write("kaldi/text", "u1 HELLO\nu2 WORLD\nu1 AGAIN\nu3 THREE\nu4 FOUR\nu5 FIVE\n")
	write("kaldi/segments", "u1 r1 0 1.5\nu2 r1 1.5 1.0\nu3 r9 0 1\nu4 r2 0 -1 0\nu5 r2 x 2\nu6 r1 0 1 2 3\n")
	write("kaldi/utt2spk", "u1 s1\nu4\n")
	us, err := ReadKaldi(k)
	var ids []string
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	if !reflect.DeepEqual(ids, []string{"u1", "u4"}) || us[1].Channel != 1 || us[1].End != 0 || us[0].Speaker != "s1" {
		t.Errorf("kaldi: kept %+v", us)
	}
	checkErr(t, "kaldi", err, []string{
		"wav.scp:2: want \"ID PATH\" or \"ID COMMAND |\"", `wav.scp:4: id "r1" repeats line 1`, `wav.scp:5: empty command`,
		`text:3: id "u1" repeats line 1`, "segments:2: bad end time", "segments:5: bad start time", "segments:6: 6 fields",
		`segments:3: recording "r9" is not in wav.scp`, `utt2spk:2: want "ID VALUE"`,
	})

	// Missing files are named.
	os.Remove(filepath.Join(k, "text"))
	if _, err := ReadKaldi(k); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), filepath.Join(k, "text")) {
		t.Errorf("missing text: %v", err)
	}
	if _, _, err := Read(filepath.Join(dir, "nothing.tsv")); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "nothing.tsv") {
		t.Errorf("missing manifest: %v", err)
	}
	// Empty corpora and folders of nothing are errors.
	write("empty.tsv", "# only a comment\n\n")
	if _, _, err := Read(filepath.Join(dir, "empty.tsv")); err == nil || !strings.Contains(err.Error(), "no utterances") {
		t.Errorf("empty manifest: %v", err)
	}
	os.MkdirAll(filepath.Join(dir, "void"), 0o755)
	if _, _, err := Read(filepath.Join(dir, "void")); err == nil || !strings.Contains(err.Error(), "no corpus found") {
		t.Errorf("empty folder: %v", err)
	}
	// A Common Voice release folder asks for one split.
	os.MkdirAll(filepath.Join(dir, "cvrel", "clips"), 0o755)
	write("cvrel/train.tsv", "client_id\tpath\tsentence\n")
	if _, _, err := Read(filepath.Join(dir, "cvrel")); err == nil || !strings.Contains(err.Error(), "name one of its splits") {
		t.Errorf("Common Voice folder: %v", err)
	}
	// More than maxErrors bad lines: the count of the rest.
	write("many.tsv", strings.Repeat("bad\n", 25)+"ok.wav\tfine\n")
	us, _, err = Read(filepath.Join(dir, "many.tsv"))
	if len(us) != 1 || err == nil || !strings.Contains(err.Error(), "and 5 more bad lines") {
		t.Errorf("many errors: %d, %v", len(us), err)
	}
}

func checkErr(t *testing.T, name string, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", name)
		return
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("%s: %v is not a *ParseError", name, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s: error lacks %q:\n%v", name, w, err)
		}
	}
	if n := len(unjoin(err)); n != len(want) {
		t.Errorf("%s: %d errors, want %d:\n%v", name, n, len(want), err)
	}
}
