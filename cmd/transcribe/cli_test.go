package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
	"github.com/ecoute/ecoute/audio"
)

// The CLI goldens in testdata/cli are checked twice: against the built
// binary and against the asr library with this package's formatters.
// Regenerate them with
//
//	go test ./cmd/transcribe -run Golden -update
//
// small_* goldens use testdata/asr/torch_small.safetensors (a tiny model
// with fixed random weights, made by testdata/gen/asr_torch_model.py): they
// test formats, decoding of every committed clip and batch ordering, and do
// not change when the default model is retrained. default_* goldens use the
// embedded default model and must be regenerated whenever it changes.
var update = flag.Bool("update", false, "rewrite the golden files in testdata/cli")

var cliBinary string // the built transcribe binary

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "transcribe-cli")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cliBinary = filepath.Join(dir, "transcribe")
	if runtime.GOOS == "windows" {
		cliBinary += ".exe"
	}
	out, err := exec.Command("go", "build", "-o", cliBinary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building transcribe: %v\n%s", err, out)
		cliBinary = ""
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	root       = filepath.Join("..", "..")
	smallModel = filepath.Join(root, "testdata", "asr", "torch_small.safetensors")
	helloWAV   = filepath.Join(root, "testdata", "hello.wav")
	goldenDir  = filepath.Join(root, "testdata", "cli")
)

// clips lists every committed clip: hello.wav and the encodings in
// testdata/audio.
func clips(t *testing.T) []string {
	t.Helper()
	out := []string{helloWAV}
	for _, pat := range []string{"*.wav", "*.flac"} {
		m, err := filepath.Glob(filepath.Join(root, "testdata", "audio", pat))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) < 10 {
		t.Fatalf("only %d clips found", len(out))
	}
	return out
}

type cliResult struct {
	stdout, stderr string
	code           int
}

// cli runs the built binary in dir (the package folder when "").
func cli(t *testing.T, dir string, stdin []byte, args ...string) cliResult {
	t.Helper()
	if cliBinary == "" {
		t.Fatal("the transcribe binary did not build")
	}
	cmd := exec.Command(cliBinary, args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running transcribe %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return cliResult{o.String(), e.String(), code}
}

var procTime = regexp.MustCompile(`"processing_time":[-0-9.e]+`)

// stable removes what changes from run to run (the processing time).
func stable(s string) string { return procTime.ReplaceAllString(s, `"processing_time":0`) }

// checkGolden compares got with testdata/cli/name, or rewrites it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden (regenerate with -update if the change is intended)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// goldenCases are the format goldens: a name and the flags besides the
// model and the input.
var goldenCases = []struct {
	name  string
	flags []string
}{
	{"txt", []string{"--format", "txt"}},
	{"timestamps.txt", []string{"--format", "txt", "--timestamps"}},
	{"nbest.txt", []string{"--format", "txt", "--nbest", "3"}},
	{"json", []string{"--format", "json", "--nbest", "2"}},
	{"srt", []string{"--format", "srt"}},
	{"vtt", []string{"--format", "vtt"}},
	{"tsv", []string{"--format", "tsv"}},
	{"timestamps.tsv", []string{"--format", "tsv", "--timestamps"}},
	{"trn", []string{"--format", "trn"}},
}

// libraryOutput renders path's transcript through the asr package directly
// and this package's formatters, as the binary should.
func libraryOutput(t *testing.T, m *asr.Model, path string, flags []string) string {
	t.Helper()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	var f transcribeFlags
	f.decodeFlags.register(fs)
	fs.IntVar(&f.nbest, "nbest", 0, "")
	fs.StringVar(&f.format, "format", "txt", "")
	fs.BoolVar(&f.timestamps, "timestamps", false, "")
	if err := fs.Parse(flags); err != nil {
		t.Fatal(err)
	}
	o := f.decodeFlags.options()
	o.NBest = f.nbest
	if transcript.ForReading(f.format) && !slices.Contains(flags, "--punctuate") {
		o.Punctuate = true
	}
	rec := asr.NewRecognizer(m, o)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	res, err := rec.Transcribe(p)
	if err != nil {
		t.Fatal(err)
	}
	res.ProcessingTime = 0
	in := pathInput(path)
	fo := formatOptions{format: f.format, timestamps: f.timestamps, nbest: f.nbest}
	return string(formatHeader(f.format)) + string(formatResult(fo, &in, res))
}

// goldenPath is how goldens name an input: relative to the repository
// root, so the binary runs from there.
func rel(p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		panic(err)
	}
	return filepath.ToSlash(r)
}

func absRoot(t *testing.T) string {
	a, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestGoldenSmallModelFormats(t *testing.T) {
	m, err := asr.LoadFile(smallModel)
	if err != nil {
		t.Fatal(err)
	}
	for _, clip := range []string{helloWAV, filepath.Join(root, "testdata", "audio", "clip8k.wav")} {
		base := strings.TrimSuffix(filepath.Base(clip), filepath.Ext(clip))
		for _, c := range goldenCases {
			name := "small_" + base + "." + c.name
			args := append([]string{"--quiet", "--model", rel(smallModel)}, c.flags...)
			r := cli(t, absRoot(t), nil, append(args, rel(clip))...)
			if r.code != 0 {
				t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
			}
			checkGolden(t, name, stable(r.stdout))
			// The library gives the same bytes (the path is the id).
			lib := libraryOutput(t, m, clip, c.flags)
			lib = strings.ReplaceAll(lib, clip, rel(clip))
			if !*update && lib != stable(r.stdout) {
				t.Errorf("%s: library output differs from the binary's\n--- library\n%s\n--- binary\n%s", name, lib, r.stdout)
			}
		}
	}
}

// TestGoldenSmallModelClips transcribes every committed clip (every WAV
// encoding, FLAC, several rates and channel counts) in one batch: the
// golden also fixes the order of the results.
func TestGoldenSmallModelClips(t *testing.T) {
	var args []string
	for _, c := range clips(t) {
		args = append(args, rel(c))
	}
	for _, j := range []string{"1", "3"} {
		r := cli(t, absRoot(t), nil, append([]string{"--quiet", "-j", j, "--model", rel(smallModel), "--format", "tsv"}, args...)...)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("-j %s: exit %d: %s", j, r.code, r.stderr)
		}
		checkGolden(t, "small_clips.tsv", r.stdout)
	}
	// Each clip through the library matches its line.
	m, err := asr.LoadFile(smallModel)
	if err != nil {
		t.Fatal(err)
	}
	var lib strings.Builder
	for _, c := range clips(t) {
		lib.WriteString(strings.ReplaceAll(libraryOutput(t, m, c, []string{"--format", "tsv"}), c, rel(c)))
	}
	if !*update {
		want, _ := os.ReadFile(filepath.Join(goldenDir, "small_clips.tsv"))
		if lib.String() != string(want) {
			t.Errorf("library output differs from small_clips.tsv\n%s", lib.String())
		}
	}
}

// TestGoldenDefaultModel checks the embedded model on hello.wav. These
// goldens change whenever the default model is retrained.
func TestGoldenDefaultModel(t *testing.T) {
	m, err := asr.Default()
	if err != nil {
		t.Fatal("default model:", err) // go:embed makes a missing model a build error: this is a corrupt one
	}
	for _, c := range []struct {
		name  string
		flags []string
	}{{"txt", []string{"--format", "txt"}}, {"json", []string{"--format", "json", "--nbest", "2"}}, {"srt", []string{"--format", "srt"}}} {
		name := "default_hello." + c.name
		r := cli(t, absRoot(t), nil, append(append([]string{"--quiet"}, c.flags...), rel(helloWAV))...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
		}
		checkGolden(t, name, stable(r.stdout))
		lib := strings.ReplaceAll(libraryOutput(t, m, helloWAV, c.flags), helloWAV, rel(helloWAV))
		if !*update && lib != stable(r.stdout) {
			t.Errorf("%s: library output differs from the binary's\n--- library\n%s\n--- binary\n%s", name, lib, r.stdout)
		}
	}
}

// badInputs makes a folder with one good clip and each kind of bad input,
// and a list file naming them between blank lines and comments.
func badInputs(t *testing.T) (dir string, good []string, bad map[string]string) {
	dir = t.TempDir()
	hello, err := os.ReadFile(helloWAV)
	if err != nil {
		t.Fatal(err)
	}
	clip, err := os.ReadFile(filepath.Join(root, "testdata", "audio", "clip16k.flac"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.wav", hello)
	write("b.flac", clip)
	write("notes.txt", []byte("this is not audio\n"))
	write("empty.wav", nil)
	write("truncated.wav", hello[:30])
	write("headeronly.wav", hello[:44])
	os.Mkdir(filepath.Join(dir, "folder.wav"), 0o755)
	bad = map[string]string{
		"missing.wav":    "no such file",
		"folder.wav":     "is a directory",
		"notes.txt":      "not audio that can be decoded",
		"empty.wav":      "empty file",
		"truncated.wav":  "not audio that can be decoded",
		"headeronly.wav": "not audio that can be decoded",
	}
	if os.Geteuid() != 0 { // root reads any file
		write("secret.wav", hello)
		os.Chmod(filepath.Join(dir, "secret.wav"), 0)
		bad["secret.wav"] = "permission denied"
	}
	return dir, []string{"a.wav", "b.flac"}, bad
}

func TestBadInputs(t *testing.T) {
	dir, good, bad := badInputs(t)
	model, _ := filepath.Abs(smallModel)
	var list strings.Builder
	list.WriteString("# inputs for the test\n\n")
	order := []string{"missing.wav", good[0], "folder.wav", "notes.txt", "empty.wav", good[1], "truncated.wav", "headeronly.wav"}
	if _, ok := bad["secret.wav"]; ok {
		order = append(order, "secret.wav")
	}
	for _, n := range order {
		list.WriteString("  " + n + "  \n\n# comment\n")
	}
	os.WriteFile(filepath.Join(dir, "list.txt"), []byte(list.String()), 0o644)

	for _, mode := range []string{"args", "list"} {
		args := []string{"--model", model, "--format", "tsv", "-j", "2"}
		if mode == "args" {
			args = append(args, order...)
		} else {
			args = append(args, "--list", "list.txt")
		}
		r := cli(t, dir, nil, args...)
		if r.code != exitFailed {
			t.Errorf("%s: exit %d, want 1", mode, r.code)
		}
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != len(good) || !strings.HasPrefix(lines[0], good[0]+"\t") || !strings.HasPrefix(lines[1], good[1]+"\t") {
			t.Errorf("%s: stdout should hold the good inputs in order:\n%s", mode, r.stdout)
		}
		errLines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		// One line per bad input, then the summary.
		if len(errLines) != len(bad)+1 {
			t.Errorf("%s: want %d stderr lines, got:\n%s", mode, len(bad)+1, r.stderr)
		}
		for name, why := range bad {
			want := "transcribe: " + name + ": " + why
			n := 0
			for _, l := range errLines {
				if strings.HasPrefix(l, want) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s: want one stderr line starting %q, got:\n%s", mode, want, r.stderr)
			}
		}
		sum := errLines[len(errLines)-1]
		if !strings.Contains(sum, "2 files") || !strings.Contains(sum, fmt.Sprintf("%d failed", len(bad))) || !strings.Contains(sum, "real-time factor") {
			t.Errorf("%s: summary line %q", mode, sum)
		}
	}
	// --quiet drops the summary but not the errors.
	r := cli(t, dir, nil, "--model", model, "--quiet", "a.wav", "missing.wav")
	if r.code != exitFailed || strings.TrimSpace(r.stderr) != "transcribe: missing.wav: no such file" {
		t.Errorf("--quiet: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	model, _ := filepath.Abs(smallModel)
	hello, _ := filepath.Abs(helloWAV)
	for _, args := range [][]string{
		{},
		{"--no-such-flag", hello},
		{"--format", "docx", hello},
		{"-j", "0", hello},
		{"--beam", "0", hello},
		{"--format", "srt", hello, hello},
		{"-o", "x", "--output-dir", "y", hello},
		{"--hotword", "two words", hello},
		{"--hotword", "word:much", hello},
		{"--raw-rate", "16000", "--raw-format", "mp3", hello},
		{"-", "-"},
		{"--lm", "x.arpa", "--no-lm", hello},
	} {
		r := cli(t, "", nil, append([]string{"--model", model}, args...)...)
		if r.code != exitUsage {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", args, r.code, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("%q: wrote %d bytes to stdout", args, len(r.stdout))
		}
	}
	r := cli(t, "", nil, "--help")
	for _, want := range []string{"Examples:", "Exit status:", "--format", "eval --manifest"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("--help: exit %d, lacks %q", r.code, want)
		}
	}
	// A model or LM that cannot be loaded is a setup error (2), not "some
	// inputs failed" (1).
	r = cli(t, "", nil, "--model", "/no/such/model", hello)
	if r.code != exitUsage || !strings.Contains(r.stderr, "/no/such/model") {
		t.Errorf("missing model: exit %d, %q", r.code, r.stderr)
	}
	r = cli(t, "", nil, "--model", hello, hello)
	if r.code != exitUsage || !strings.Contains(r.stderr, "model file") {
		t.Errorf("a WAV as model: exit %d, %q", r.code, r.stderr)
	}
	for _, lmArg := range []string{"/no/such/lm.arpa", hello} {
		r = cli(t, "", nil, "--model", model, "--lm", lmArg, hello)
		if r.code != exitUsage || !strings.Contains(r.stderr, lmArg) || r.stdout != "" {
			t.Errorf("--lm %s: exit %d, %q", lmArg, r.code, r.stderr)
		}
	}
	man := filepath.Join(t.TempDir(), "m.tsv")
	os.WriteFile(man, []byte(hello+"\thello\n"), 0o644)
	r = cli(t, "", nil, "eval", "--manifest", man, "--model", "/no/such/model")
	if r.code != exitUsage || !strings.Contains(r.stderr, "/no/such/model") {
		t.Errorf("eval --manifest with a missing model: exit %d, %q", r.code, r.stderr)
	}
	// train --vtlp takes exactly three numbers, --dropout a probability
	// below 1, --inter-ctc a weight below 1 and --phone-ctc a weight and a
	// file; good values reach the options (the trainer checks the rest).
	for _, c := range [][2]string{{"--vtlp", "1,2"}, {"--vtlp", "0.5,0.85,1.15,9"}, {"--vtlp", "a,b,c"},
		{"--dropout", "1"}, {"--dropout", "-0.1"}, {"--dropout", "x"}, {"--inter-ctc", "1"}, {"--inter-ctc", "-0.2"},
		{"--phone-ctc", "0.3"}, {"--phone-ctc", "x,l.dict"}, {"--phone-ctc", "0.3, "}} {
		r = cli(t, "", nil, "train", c[0], c[1], "--print-config")
		if r.code != exitUsage || !strings.Contains(r.stderr, c[0][1:]) {
			t.Errorf("train %s %s: exit %d, %q", c[0], c[1], r.code, r.stderr)
		}
	}
	for _, c := range [][3]string{{"--vtlp", "0.5, 0.85,1.15", `"max": 1.15`}, {"--dropout", "0.2", `"dropout": 0.2`},
		{"--inter-ctc", "0.3", `"inter_ctc": 0.3`}, {"--phone-ctc", "0.25,l.dict", `"lexicon": "l.dict",
    "weight": 0.25`}} {
		r = cli(t, "", nil, "train", c[0], c[1], "--print-config")
		if r.code != 0 || !strings.Contains(r.stdout, c[2]) {
			t.Errorf("train %s %s: exit %d, %q", c[0], c[1], r.code, r.stdout)
		}
	}
}

func TestVersion(t *testing.T) {
	r := cli(t, "", nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "transcribe (ecoute) ") || !strings.Contains(r.stdout, "default model: ") {
		t.Errorf("--version: exit %d\n%s", r.code, r.stdout)
	}
	if m, err := asr.Default(); err == nil {
		want := fmt.Sprintf("%.2f M parameters", float64(m.NumParams())/1e6)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--version lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestOrderAndOutputs checks that -j does not change the output, that -o
// and --output-dir write the same records, and that stdin, raw PCM and a
// wav.scp with a command give the same transcripts as the files.
func TestOrderAndOutputs(t *testing.T) {
	dir := t.TempDir()
	model, _ := filepath.Abs(smallModel)
	var files []string
	for k, c := range clips(t) {
		// Copies under new names, several of each, in a shuffled order.
		b, _ := os.ReadFile(c)
		for rep := 0; rep < 2; rep++ {
			name := fmt.Sprintf("u%02d_%d%s", (k*7)%len(clips(t)), rep, filepath.Ext(c))
			os.WriteFile(filepath.Join(dir, name), b, 0o644)
			files = append(files, name)
		}
	}
	base := cli(t, dir, nil, append([]string{"--model", model, "--quiet", "--format", "json", "-j", "1"}, files...)...)
	if base.code != 0 {
		t.Fatal(base.stderr)
	}
	for _, j := range []string{"2", "5", "16"} {
		r := cli(t, dir, nil, append([]string{"--model", model, "--quiet", "--format", "json", "-j", j}, files...)...)
		if stable(r.stdout) != stable(base.stdout) {
			t.Errorf("-j %s changes the output", j)
		}
	}
	lines := strings.Split(strings.TrimSpace(base.stdout), "\n")
	if len(lines) != len(files) {
		t.Fatalf("%d json lines for %d files", len(lines), len(files))
	}
	for k, l := range lines {
		var rec struct {
			File     string
			Duration float64
			Words    []asr.Word
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("line %d: %v", k, err)
		}
		if rec.File != files[k] || rec.Duration <= 0 {
			t.Errorf("line %d: file %q duration %v, want %q", k, rec.File, rec.Duration, files[k])
		}
		if rec.Words == nil {
			t.Errorf("line %d: no words array", k)
		}
	}

	// -o writes what stdout got; the file is complete and nothing else is left.
	r := cli(t, dir, nil, append([]string{"--model", model, "--quiet", "--format", "json", "-o", "out.jsonl"}, files...)...)
	got, _ := os.ReadFile(filepath.Join(dir, "out.jsonl"))
	if r.code != 0 || r.stdout != "" || stable(string(got)) != stable(base.stdout) {
		t.Errorf("-o: exit %d, stdout %q, file differs", r.code, r.stdout)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}

	// --output-dir: one file per input.
	r = cli(t, dir, nil, "--model", model, "--quiet", "--format", "vtt", "--output-dir", "subs", files[0], files[1])
	for _, f := range files[:2] {
		b, err := os.ReadFile(filepath.Join(dir, "subs", strings.TrimSuffix(f, filepath.Ext(f))+".vtt"))
		if err != nil || !strings.HasPrefix(string(b), "WEBVTT\n\n") {
			t.Errorf("--output-dir: %v %q", err, b)
		}
	}

	// stdin, raw PCM, wav.scp.
	hello, _ := os.ReadFile(helloWAV)
	want := cli(t, "", nil, "--model", model, "--quiet", helloWAV).stdout
	if r := cli(t, "", hello, "--model", model, "--quiet", "-"); r.stdout != want {
		t.Errorf("stdin: %q, want %q (%s)", r.stdout, want, r.stderr)
	}
	p, err := audio.Decode(bytes.NewReader(hello))
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 2*len(p.Samples))
	for i, v := range p.Samples {
		binary.LittleEndian.PutUint16(raw[2*i:], uint16(int16(math.Round(float64(v)*32768))))
	}
	if r := cli(t, "", raw, "--model", model, "--quiet", "--raw-rate", "16000", "--raw-format", "s16le", "-"); r.stdout != want {
		t.Errorf("raw: %q, want %q (%s)", r.stdout, want, r.stderr)
	}
	helloAbs, _ := filepath.Abs(helloWAV)
	scp := fmt.Sprintf("utt1 %s\nutt2 cat %s |\n\nutt3 false |\n", helloAbs, helloAbs)
	os.WriteFile(filepath.Join(dir, "wav.scp"), []byte(scp), 0o644)
	r = cli(t, dir, nil, "--model", model, "--quiet", "--format", "tsv", "--scp", "wav.scp")
	text := strings.TrimSpace(want)
	if r.code != exitFailed || r.stdout != "utt1\t"+text+"\nutt2\t"+text+"\n" || !strings.Contains(r.stderr, `utt3 (wav.scp): command "false" failed`) {
		t.Errorf("wav.scp: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestLogits(t *testing.T) {
	dir := t.TempDir()
	model, _ := filepath.Abs(smallModel)
	hello, _ := filepath.Abs(helloWAV)
	out := filepath.Join(dir, "lp.npy")
	r := cli(t, "", nil, "--model", model, "--quiet", "--logits", out, hello)
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, cols := checkNPY(t, b)
	m, _ := asr.LoadFile(smallModel)
	p, _ := audio.Decode(bytes.NewReader(mustRead(t, hello)))
	lp, _, _ := asr.NewRecognizer(m, asr.DefaultOptions()).LogProbs(p)
	if rows != len(lp) || cols != m.Config.OutputSize {
		t.Fatalf("shape (%d, %d), want (%d, %d)", rows, cols, len(lp), m.Config.OutputSize)
	}
	data := b[len(b)-4*rows*cols:]
	for t0 := 0; t0 < rows; t0++ {
		var s float64
		for k := 0; k < cols; k++ {
			v := math.Float32frombits(binary.LittleEndian.Uint32(data[4*(t0*cols+k):]))
			if v != lp[t0][k] {
				t.Fatalf("frame %d token %d: %v, want %v", t0, k, v, lp[t0][k])
			}
			s += math.Exp(float64(v))
		}
		if math.Abs(s-1) > 1e-4 {
			t.Fatalf("frame %d: probabilities sum to %v", t0, s)
		}
	}
	// Several inputs: a folder of NAME.npy.
	r = cli(t, "", nil, "--model", model, "--quiet", "--logits", filepath.Join(dir, "lps"), hello, filepath.Join(absRoot(t), "testdata", "audio", "clip8k.wav"))
	for _, n := range []string{"hello.npy", "clip8k.npy"} {
		if _, err := os.Stat(filepath.Join(dir, "lps", n)); err != nil || r.code != 0 {
			t.Errorf("--logits folder: %v %s", err, r.stderr)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkNPY parses a version 1.0 float32 .npy header and returns the shape.
func checkNPY(t *testing.T, b []byte) (int, int) {
	t.Helper()
	if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("not an npy file: %q", b[:min(10, len(b))])
	}
	n := int(binary.LittleEndian.Uint16(b[8:]))
	if (10+n)%64 != 0 {
		t.Errorf("header not padded to 64 bytes: %d", 10+n)
	}
	var rows, cols int
	hdr := string(b[10 : 10+n])
	if _, err := fmt.Sscanf(hdr[strings.Index(hdr, "("):strings.Index(hdr, ")")+1], "(%d, %d)", &rows, &cols); err != nil || !strings.Contains(hdr, "'<f4'") {
		t.Fatalf("header %q: %v", hdr, err)
	}
	if len(b) != 10+n+4*rows*cols {
		t.Fatalf("%d bytes for shape (%d, %d)", len(b), rows, cols)
	}
	return rows, cols
}

// TestInterrupt sends SIGINT mid-batch: the run stops with status 130 and
// leaves neither the output file nor a temporary file behind.
func TestInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT")
	}
	dir := t.TempDir()
	model, _ := filepath.Abs(smallModel)
	hello, _ := filepath.Abs(helloWAV)
	var list strings.Builder
	for i := 0; i < 5000; i++ {
		list.WriteString(hello + "\n")
	}
	os.WriteFile(filepath.Join(dir, "list"), []byte(list.String()), 0o644)
	cmd := exec.Command(cliBinary, "--model", model, "-j", "1", "--list", "list", "-o", "out.txt")
	cmd.Dir = dir
	var e bytes.Buffer
	cmd.Stderr = &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the temporary output to appear: the run is under way.
	for {
		if m, _ := filepath.Glob(filepath.Join(dir, ".out.txt.*.tmp")); len(m) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("exit %v, want %d; stderr %s", err, exitInterrupted, e.String())
	}
	if !strings.Contains(e.String(), "interrupted after") {
		t.Errorf("stderr: %q", e.String())
	}
	left, _ := os.ReadDir(dir)
	for _, f := range left {
		if f.Name() != "list" {
			t.Errorf("left behind: %s", f.Name())
		}
	}
}

// "transcribe version" is the --version subcommand, not a file name; the
// model's provenance names no folder of the training machine and says
// which decoding its dev figures used.
func TestVersionCommand(t *testing.T) {
	v := cli(t, "", nil, "--version")
	r := cli(t, "", nil, "version")
	if r.code != 0 || r.stdout != v.stdout || r.stderr != "" {
		t.Errorf("version: exit %d, stdout %q (--version %q), stderr %q", r.code, r.stdout, v.stdout, r.stderr)
	}
	if r := cli(t, "", nil, "version", "extra"); r.code != exitUsage || !strings.Contains(r.stderr, "./version") {
		t.Errorf("version extra: exit %d, %q", r.code, r.stderr)
	}
	m, err := asr.Default()
	if err != nil {
		t.Skip("no default model:", err)
	}
	for _, c := range m.Config.Provenance.Corpus {
		if dir := filepath.Dir(c); dir != "." && strings.Contains(v.stdout, dir) {
			t.Errorf("--version names the training machine's folder %s:\n%s", dir, v.stdout)
		}
	}
	if strings.Contains(v.stdout, "dev: ") && !strings.Contains(v.stdout, "greedy decoding") {
		t.Errorf("--version does not say which decoding the dev figures used:\n%s", v.stdout)
	}
	// A model trained elsewhere, with absolute and Windows paths.
	c := *m
	c.Config.Provenance.Corpus = []string{"/home/someone/corpus/train.tsv", `C:\data\dev.tsv`, "rel.tsv"}
	got := describeModel("x", &c, 1)
	if !strings.Contains(got, "corpus: train.tsv, dev.tsv, rel.tsv\n") {
		t.Errorf("corpus line:\n%s", got)
	}
}

// -o into a folder that does not exist, or onto a folder, names the file
// asked for, not the temporary file written beside it.
func TestOutputFileErrors(t *testing.T) {
	model, _ := filepath.Abs(smallModel)
	hello, _ := filepath.Abs(helloWAV)
	dir := t.TempDir()
	for _, out := range []string{filepath.Join(dir, "nonexistent", "x.txt"), dir} {
		r := cli(t, "", nil, "--model", model, "-o", out, hello)
		if r.code != exitFailed || !strings.Contains(r.stderr, out+":") || strings.Contains(r.stderr, ".tmp") {
			t.Errorf("-o %s: exit %d, stderr %q", out, r.code, r.stderr)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A WAV cut inside its data is transcribed up to the cut, with a warning on
// stderr; a header claiming 1 Hz is refused (it would be 13 hours of audio).
func TestTruncatedAndLyingHeaders(t *testing.T) {
	model, _ := filepath.Abs(smallModel)
	dir := t.TempDir()
	hello := mustRead(t, helloWAV)
	whole, err := audio.Decode(bytes.NewReader(hello))
	if err != nil {
		t.Fatal(err)
	}
	cut := len(hello) * 2 / 3
	os.WriteFile(filepath.Join(dir, "cut.wav"), hello[:cut], 0o644)
	r := cli(t, dir, nil, "--model", model, "--format", "tsv", "cut.wav")
	want := fmt.Sprintf("transcribe: cut.wav: warning: audio: wav: truncated: decoded %.1f s of the %.1f s the header announces\n",
		float64((cut-44)/2)/float64(whole.Rate), whole.Duration().Seconds())
	if r.code != 0 || !strings.HasPrefix(r.stdout, "cut.wav\t") || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("truncated WAV: exit %d, stdout %q, stderr %q; want the warning %q", r.code, r.stdout, r.stderr, want)
	}
	// 93 KB of samples whose header claims 1 Hz.
	w := bytes.Clone(hello[:44])
	if string(w[36:40]) != "data" {
		t.Fatalf("hello.wav: data chunk not at byte 36")
	}
	data := make([]byte, 93*1000)
	binary.LittleEndian.PutUint32(w[24:], 1)
	binary.LittleEndian.PutUint32(w[28:], 2)
	binary.LittleEndian.PutUint32(w[40:], uint32(len(data)))
	os.WriteFile(filepath.Join(dir, "1hz.wav"), append(w, data...), 0o644)
	r = cli(t, dir, nil, "--model", model, "1hz.wav")
	if r.code != exitFailed || r.stdout != "" || !strings.Contains(r.stderr, "1hz.wav: ") || !strings.Contains(r.stderr, "sample rate 1 Hz") {
		t.Errorf("1 Hz WAV: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// lm build refuses a corpus without words (it used to write "NaN <unk>"),
// and writes no output file.
func TestLMBuildEmptyCorpus(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "empty.txt"), []byte("\n  \n"), 0o644)
	r := cli(t, dir, nil, "lm", "build", "--order", "3", "empty.txt", "-o", "lm.arpa")
	if r.code == 0 || !strings.Contains(r.stderr, "empty corpus") {
		t.Errorf("lm build on an empty corpus: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "lm.arpa")); err == nil {
		t.Error("lm build on an empty corpus wrote lm.arpa")
	}
}

// The recipe's training options hold no path of the machine that made the
// default model: data and output come from --train, --dev and -o (as
// scripts/recipe.sh passes them).
func TestTrainConfigPortable(t *testing.T) {
	cfg := filepath.Join(root, "asr", "default", "train.json")
	var v any
	if err := json.Unmarshal(mustRead(t, cfg), &v); err != nil {
		t.Fatal(err)
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case string:
			if strings.HasPrefix(x, "/") || filepath.IsAbs(x) {
				t.Errorf("%s: %s is an absolute path %q", cfg, key, x)
			}
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		}
	}
	walk("", v)
	// (Never run it without --print-config here: with data paths that exist
	// it would train.)
	r := cli(t, "", nil, "train", "--config", cfg, "--train", "a.tsv", "--dev", "b.tsv", "-o", "m.safetensors", "--print-config")
	for _, want := range []string{`"train": [
    "a.tsv"
  ]`, `"dev": [
    "b.tsv"
  ]`, `"out": "m.safetensors"`} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("train --print-config with the recipe's flags: exit %d, lacks %q", r.code, want)
		}
	}
}

// The README says how to install transcribe, with the module path and Go
// version of go.mod; its command examples name real subcommands; the
// arecord example sends raw PCM (arecord writes a WAV header by default,
// which --raw-rate would read as samples); and the browser demo's build
// step is there.
func TestReadme(t *testing.T) {
	readme := string(mustRead(t, filepath.Join(root, "README.md")))
	gomod := string(mustRead(t, filepath.Join(root, "go.mod")))
	module := regexp.MustCompile(`(?m)^module (\S+)`).FindStringSubmatch(gomod)
	goVer := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(gomod)
	if module == nil || goVer == nil {
		t.Fatal("go.mod: no module or go line")
	}
	for _, want := range []string{
		"go install " + module[1] + "/cmd/transcribe@latest",
		"go build -o transcribe ./cmd/transcribe",
		"Go " + goVer[1] + " or later",
		"scripts/build-wasm.sh",
		"./scripts/test.sh --full",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q", want)
		}
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("README: no sh blocks")
	}
	quick := strings.Split(strings.TrimSpace(blocks[0][1]), "\n")
	if len(quick) != 2 || !strings.HasPrefix(quick[0], "go run ./cmd/transcribe ") || !strings.HasPrefix(quick[1], "./scripts/test.sh ") {
		t.Errorf("README quick start is not the two commands:\n%s", blocks[0][1])
	}
	if st, err := os.Stat(filepath.Join(root, "scripts", "test.sh")); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("scripts/test.sh is not an executable file: %v", err)
	}
	n := 0
	for _, b := range blocks {
		for _, line := range strings.Split(b[1], "\n") {
			if strings.Contains(line, "arecord ") && !strings.Contains(line, "-t raw") {
				t.Errorf("README: arecord without -t raw: %s", line)
			}
			_, rest, ok := strings.Cut(line, "transcribe ")
			f := strings.Fields(rest)
			if !ok || len(f) == 0 || strings.HasPrefix(line, "go ") {
				continue
			}
			w := f[0]
			if strings.HasPrefix(w, "-") || strings.ContainsAny(w, "./") {
				continue // flags, or a file to transcribe
			}
			n++
			if commands[w] == nil {
				t.Errorf("README: %q is not a transcribe command: %s", w, line)
			}
		}
	}
	if n < 5 {
		t.Errorf("README: only %d subcommand examples found", n)
	}
}

// transcribe web without the WebAssembly module (a folder without it, as a
// binary built before scripts/build-wasm.sh has) still serves, and says on
// stderr what is missing and how to build it.
func TestWebWithoutModule(t *testing.T) {
	if cliBinary == "" {
		t.Fatal("the transcribe binary did not build")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>page</p>"), 0o644)
	cmd := exec.Command(cliBinary, "web", "--dir", dir, "--addr", "127.0.0.1:0")
	var e bytes.Buffer
	cmd.Stderr = &e
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	// The "serving" line comes after the warning.
	line := make([]byte, 200)
	n, _ := stdout.Read(line)
	if !strings.HasPrefix(string(line[:n]), "serving ") {
		t.Fatalf("stdout %q", line[:n])
	}
	cmd.Process.Kill()
	cmd.Wait()
	if s := e.String(); !strings.Contains(s, "warning: ") || !strings.Contains(s, "scripts/build-wasm.sh") || !strings.Contains(s, "rebuild transcribe") {
		t.Errorf("stderr %q: want a warning naming scripts/build-wasm.sh and the rebuild", s)
	}
}
