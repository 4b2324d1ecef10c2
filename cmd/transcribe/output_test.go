package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
)

func TestTimestamp(t *testing.T) {
	for _, c := range []struct {
		s    float64
		sep  byte
		want string
	}{
		{0, ',', "00:00:00,000"},
		{1.2345, ',', "00:00:01,235"},
		{3661.0004, '.', "01:01:01.000"},
		{59.9996, '.', "00:01:00.000"},
		{-1, '.', "00:00:00.000"},
	} {
		if got := timestamp(c.s, c.sep); got != c.want {
			t.Errorf("timestamp(%v) = %s, want %s", c.s, got, c.want)
		}
	}
}

func TestFormatRecords(t *testing.T) {
	res := &asr.Result{Text: "hello world", Duration: 2.5, ProcessingTime: 0.1234,
		Words: []asr.Word{{Word: "hello", Start: 0.31, End: 0.7, Confidence: 0.91234}, {Word: "world", Start: 1.6, End: 2.0, Confidence: 0.5}},
		NBest: []asr.Hypothesis{{Text: "hello world", Score: -3.25, AcousticScore: -2, LMScore: -0.5}, {Text: "yellow world", Score: -4}},
	}
	in := input{name: "a.wav", id: "a.wav", path: "a.wav"}
	for _, c := range []struct {
		o    formatOptions
		want string
	}{
		{formatOptions{format: "txt"}, "hello world\n"},
		{formatOptions{format: "txt", multi: true}, "a.wav: hello world\n"},
		{formatOptions{format: "txt", timestamps: true}, "[00:00:00.310 --> 00:00:00.700] hello\n[00:00:01.600 --> 00:00:02.000] world\n"},
		{formatOptions{format: "txt", nbest: 2}, "1\t-3.25\thello world\n2\t-4\tyellow world\n"},
		{formatOptions{format: "tsv"}, "a.wav\thello world\n"},
		{formatOptions{format: "tsv", timestamps: true}, "a.wav\t0.31\t0.7\thello\t0.912\na.wav\t1.6\t2\tworld\t0.5\n"},
		{formatOptions{format: "trn"}, "hello world (a.wav)\n"},
		{formatOptions{format: "srt"}, "1\n00:00:00,310 --> 00:00:00,700\nhello\n\n2\n00:00:01,600 --> 00:00:02,000\nworld\n\n"},
		{formatOptions{format: "vtt"}, "00:00:00.310 --> 00:00:00.700\nhello\n\n00:00:01.600 --> 00:00:02.000\nworld\n\n"},
		{formatOptions{format: "json"}, `{"file":"a.wav","text":"hello world","words":[{"word":"hello","start":0.31,"end":0.7,"confidence":0.912},{"word":"world","start":1.6,"end":2,"confidence":0.5}],"nbest":[{"text":"hello world","score":-3.25,"acoustic_score":-2,"lm_score":-0.5},{"text":"yellow world","score":-4,"acoustic_score":0,"lm_score":0}],"duration":2.5,"processing_time":0.123}` + "\n"},
	} {
		if got := string(formatResult(c.o, &in, res)); got != c.want {
			t.Errorf("%+v:\ngot  %q\nwant %q", c.o, got, c.want)
		}
	}
	// Silence: JSON still has a words array.
	got := string(formatResult(formatOptions{format: "json"}, &in, &asr.Result{Duration: 1}))
	if !strings.Contains(got, `"words":[]`) {
		t.Errorf("silence: %s", got)
	}
}

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	format := fs.String("format", "txt", "")
	q := fs.Bool("quiet", false, "")
	pos, err := parseInterspersed(fs, []string{"a.wav", "--format", "json", "-", "--quiet", "b.wav", "--", "--c.wav"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(pos, []string{"a.wav", "-", "b.wav", "--c.wav"}) || *format != "json" || !*q {
		t.Errorf("got %q format %s quiet %v", pos, *format, *q)
	}
}

func TestHotwordFlag(t *testing.T) {
	var l hotwordList
	for _, s := range []string{"Ecoute:8", "kaldi", "x:-1.5"} {
		if err := l.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	want := hotwordList{{Word: "ecoute", Boost: 8}, {Word: "kaldi", Boost: defaultHotwordBoost}, {Word: "x", Boost: -1.5}}
	if !reflect.DeepEqual(l, want) {
		t.Errorf("got %+v", l)
	}
	for _, bad := range []string{"", ":3", "a b", "w:x"} {
		if err := l.Set(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestReadListAndSCP(t *testing.T) {
	ins, err := readList(strings.NewReader("# header\n\n a.wav \r\nb/c.flac\n  # indented comment\n"), "list")
	if err != nil || len(ins) != 2 || ins[0].path != "a.wav" || ins[1].path != "b/c.flac" {
		t.Errorf("list: %+v %v", ins, err)
	}
	ins, err = readSCP(strings.NewReader("u1 /x/a.wav\nu2\tflac -c -d -s /x/b.flac |\n\n# c\nu3 a b.wav\n"), "wav.scp", ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 3 || ins[0].id != "u1" || ins[0].path != "/x/a.wav" || ins[1].cmd != "flac -c -d -s /x/b.flac" || ins[2].path != "a b.wav" {
		t.Errorf("scp: %+v", ins)
	}
	if _, err := readSCP(strings.NewReader("u1 a.wav\nu1 b.wav\n"), "wav.scp", "."); err == nil || !strings.Contains(err.Error(), "wav.scp:2") {
		t.Errorf("duplicate id: %v", err)
	}
	if _, err := readSCP(strings.NewReader("lonely\n"), "wav.scp", "."); err == nil {
		t.Error("line without a path accepted")
	}
}

func TestOutputNames(t *testing.T) {
	ins := []input{pathInput("a/x.wav"), pathInput("b/x.wav"), pathInput("y.flac"), pathInput("-"), {id: "utt1", name: "utt1", cmd: "cat z |"}, pathInput("a/x.wav")}
	got := outputNames(ins)
	want := []string{"a_x", "b_x", "y", "stdin", "utt1", "a_x-2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// Many equal names stay unique and cheap.
	many := make([]input, 3000)
	for i := range many {
		many[i] = pathInput("same.wav")
	}
	names := outputNames(many)
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Fatalf("name %q twice", n)
		}
		seen[n] = true
	}
}

func TestWriteNPY(t *testing.T) {
	var b bytes.Buffer
	if err := writeNPYFloat32(&b, [][]float32{{1, 2, 3}, {4, 5, 6}}, 3); err != nil {
		t.Fatal(err)
	}
	if r, c := checkNPY(t, b.Bytes()); r != 2 || c != 3 {
		t.Errorf("shape (%d, %d)", r, c)
	}
	if err := writeNPYFloat32(&b, [][]float32{{1}}, 3); err == nil {
		t.Error("ragged rows accepted")
	}
}

// TestEvalManifest scores the same two utterances given as a TSV manifest,
// a Kaldi data folder and a LibriSpeech-style folder; all three must agree
// with each other and with "eval --ref --hyp" on the hypotheses written.
func TestEvalManifest(t *testing.T) {
	dir := t.TempDir()
	model, _ := filepath.Abs(smallModel)
	hello := mustRead(t, helloWAV)
	clip := mustRead(t, filepath.Join(root, "testdata", "audio", "clip16k.flac"))
	os.MkdirAll(filepath.Join(dir, "tsv", "audio"), 0o755)
	os.WriteFile(filepath.Join(dir, "tsv", "audio", "s1-u1.wav"), hello, 0o644)
	os.WriteFile(filepath.Join(dir, "tsv", "audio", "s2-u2.flac"), clip, 0o644)
	os.WriteFile(filepath.Join(dir, "tsv", "dev.tsv"), []byte("path\ttranscript\tspeaker\naudio/s1-u1.wav\tHello, world!\ts1\naudio/s2-u2.flac\tOne two 3\ts2\n"), 0o644)

	os.MkdirAll(filepath.Join(dir, "kaldi"), 0o755)
	a1, _ := filepath.Abs(filepath.Join(dir, "tsv", "audio", "s1-u1.wav"))
	a2, _ := filepath.Abs(filepath.Join(dir, "tsv", "audio", "s2-u2.flac"))
	os.WriteFile(filepath.Join(dir, "kaldi", "wav.scp"), []byte("s1-u1 "+a1+"\ns2-u2 cat "+a2+" |\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "kaldi", "text"), []byte("s1-u1 HELLO WORLD\ns2-u2 ONE TWO THREE\n"), 0o644)

	ls := filepath.Join(dir, "libri", "s1", "c1")
	os.MkdirAll(ls, 0o755)
	os.MkdirAll(filepath.Join(dir, "libri", "s2", "c1"), 0o755)
	os.WriteFile(filepath.Join(ls, "s1-u1.wav"), hello, 0o644)
	os.WriteFile(filepath.Join(ls, "s1-c1.trans.txt"), []byte("s1-u1 HELLO WORLD\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "libri", "s2", "c1", "s2-u2.flac"), clip, 0o644)
	os.WriteFile(filepath.Join(dir, "libri", "s2", "c1", "s2-c1.trans.txt"), []byte("s2-u2 ONE TWO THREE\n"), 0o644)

	var totals []string
	for _, data := range []string{"tsv/dev.tsv", "kaldi", "libri"} {
		r := cli(t, dir, nil, "eval", "--manifest", data, "--model", model, "--quiet", "--hyp-out", "hyp-"+filepath.Base(data)+".tsv")
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", data, r.code, r.stderr)
		}
		for _, want := range []string{"%WER", "%CER", "Scored 2 utterances, 5 reference words", "Real-time factor", "Most errors"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s: report lacks %q:\n%s", data, want, r.stdout)
			}
		}
		lines := strings.Split(r.stdout, "\n")
		totals = append(totals, lines[1]+lines[3]) // %WER line, "Scored" line
		// The same hypotheses scored by eval --ref --hyp give the same %WER.
		var ref string
		if data == "tsv/dev.tsv" {
			ref = "audio/s1-u1.wav\tHello, world!\naudio/s2-u2.flac\tOne two 3\n"
		} else {
			ref = "s1-u1\tHELLO WORLD\ns2-u2\tONE TWO THREE\n"
		}
		os.WriteFile(filepath.Join(dir, "ref.tsv"), []byte(ref), 0o644)
		r2 := cli(t, dir, nil, "eval", "--normalize", "--ref", "ref.tsv", "--hyp", "hyp-"+filepath.Base(data)+".tsv")
		if r2.code != 0 || strings.Split(r2.stdout, "\n")[0] != lines[1] {
			t.Errorf("%s: eval --ref/--hyp says %q, --manifest %q (%s)", data, strings.Split(r2.stdout, "\n")[0], lines[1], r2.stderr)
		}
	}
	if totals[0] != totals[1] || totals[1] != totals[2] {
		t.Errorf("the three layouts disagree: %q", totals)
	}

	// JSON report; a missing audio file is scored as deletions and fails.
	os.WriteFile(filepath.Join(dir, "tsv", "bad.tsv"), []byte("audio/s1-u1.wav\thello world\naudio/gone.wav\tfour words are here\n"), 0o644)
	r := cli(t, dir, nil, "eval", "--manifest", "tsv/bad.tsv", "--model", model, "--quiet", "--format", "json")
	if r.code != exitFailed || !strings.Contains(r.stderr, "gone.wav: no such file") {
		t.Errorf("missing audio: exit %d, %s", r.code, r.stderr)
	}
	for _, want := range []string{`"failed": [`, `"audio/gone.wav"`, `"ref_tokens": 6`, `"rtf":`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("json lacks %s:\n%s", want, r.stdout)
		}
	}
	// Usage.
	for _, args := range [][]string{{"eval", "--manifest"}, {"eval", "--manifest", "x", "--format", "xml"}, {"eval", "--manifest", "x", "extra"}} {
		if r := cli(t, dir, nil, args...); r.code != exitUsage {
			t.Errorf("%q: exit %d", args, r.code)
		}
	}
	if r := cli(t, dir, nil, "eval", "--manifest", "nowhere"); r.code != exitFailed {
		t.Errorf("missing data: exit %d", r.code)
	}
	if r := cli(t, dir, nil, "eval", "--manifest", "--help"); r.code != 0 || !strings.Contains(r.stderr, "LibriSpeech") {
		t.Errorf("--help: exit %d", r.code)
	}
}

// TestEvalManifestShared runs the scorer on a few real dev utterances
// when the shared data and a default model are present.
func TestEvalManifestShared(t *testing.T) {
	data := filepath.Join(root, "..", "shared", "data", "speech", "speechocean762-dev")
	if _, err := os.Stat(data); err != nil {
		t.Skip("shared data absent")
	}
	if _, err := asr.Default(); err != nil {
		t.Fatal(err) // go:embed makes a missing model a build error: this is a corrupt one
	}
	r := cli(t, "", nil, "eval", "--manifest", data, "--limit", "4", "--quiet")
	if r.code != 0 || !strings.Contains(r.stdout, "Scored 4 utterances") {
		t.Errorf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestOutputFormatsKnown: every --format the flags accept is written by
// package transcript (formatResult panics on one it does not know).
func TestOutputFormatsKnown(t *testing.T) {
	for _, f := range outputFormats {
		if !transcript.Known(f) {
			t.Errorf("--format %s is not a transcript format", f)
		}
	}
}
