package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/audio"
)

// streamWAV joins the committed clips with 0.8 s pauses into a 16-bit WAV
// and returns its bytes, its path and its samples.
func streamWAV(t *testing.T) ([]byte, string, []float32) {
	t.Helper()
	gap := make([]float32, 12800)
	x := append([]float32(nil), gap...)
	for _, name := range []string{"weather.wav", "digits.wav"} {
		f, err := os.Open(filepath.Join(root, "testdata", "asr", name))
		if err != nil {
			t.Fatal(err)
		}
		p, err := audio.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		x = append(append(x, p.Samples...), gap...)
	}
	var b bytes.Buffer
	if err := audio.EncodeWAV(&b, x, 16000); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "joined.wav")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), path, p.Samples
}

// TestStreamCLI runs "transcribe --stream" on a file, on WAV from stdin and
// on raw s16le from stdin (an odd number of bytes): each prints the finals
// of asr.Stream on the same samples, one per line; --format jsonl adds
// partials, which come before each final; bad uses are usage errors and
// input that is neither WAV nor --raw fails.
func TestStreamCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 7 s of audio several times with the default model")
	}
	wav, path, x := streamWAV(t)
	m, err := asr.Default()
	if err != nil {
		t.Fatal(err)
	}
	s := asr.NewRecognizer(m, asr.DefaultOptions()).NewStream(16000, asr.StreamOptions{})
	var want strings.Builder
	for _, e := range append(s.Write(x), s.Close()...) {
		if e.Final && e.Text != "" {
			want.WriteString(e.Text + "\n")
		}
	}
	if strings.Count(want.String(), "\n") != 2 {
		t.Fatalf("asr.Stream finals %q: want one per clip", want.String())
	}
	raw := make([]byte, 0, 2*len(x)+1)
	for _, v := range x {
		i := int16(max(-32768, min(32767, v*32768)))
		raw = append(raw, byte(i), byte(uint16(i)>>8))
	}
	raw = append(raw, 0x7f) // half a sample at the end
	for _, tc := range []struct {
		name  string
		stdin []byte
		args  []string
	}{
		{"file", nil, []string{"--stream", path}},
		{"WAV on stdin", wav, []string{"--stream", "-"}},
		{"raw on stdin", raw, []string{"--stream", "--raw", "--rate", "16000", "-"}},
	} {
		r := cli(t, "", tc.stdin, tc.args...)
		if r.code != 0 || r.stdout != want.String() {
			t.Errorf("%s: exit %d, stdout %q, want %q\n%s", tc.name, r.code, r.stdout, want.String(), r.stderr)
		}
	}

	r := cli(t, "", wav, "--stream", "--format", "jsonl", "-")
	var finals strings.Builder
	partials := 0
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	for sc.Scan() {
		var rec streamRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("jsonl line %q: %v", sc.Text(), err)
		}
		switch rec.Type {
		case "partial":
			partials++
		case "final":
			if partials == 0 {
				t.Errorf("final %q without a partial before it", rec.Text)
			}
			partials = 0
			finals.WriteString(rec.Text + "\n")
			if len(rec.Words) == 0 || float64(rec.Words[0].Start) < float64(rec.Start) {
				t.Errorf("final %+v: words missing or before the segment", rec)
			}
		default:
			t.Errorf("jsonl line %q: type %q", sc.Text(), rec.Type)
		}
	}
	if r.code != 0 || finals.String() != want.String() {
		t.Errorf("jsonl: exit %d, finals %q, want %q", r.code, finals.String(), want.String())
	}

	for _, args := range [][]string{
		{"--stream", path, path},
		{"--stream", "--format", "srt", path},
		{"--stream", "--realtime", "-"},
		{"--stream", "-o", "out.txt", path},
	} {
		if r := cli(t, "", nil, args...); r.code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, r.code, exitUsage, r.stderr)
		}
	}
	if r := cli(t, "", []byte("this is not audio at all"), "--stream", "-"); r.code != exitFailed || !strings.Contains(r.stderr, "WAV") {
		t.Errorf("text on stdin: exit %d, %q", r.code, r.stderr)
	}
}

// TestStreamCLIBadInput feeds "transcribe --stream" what a broken or idle
// source sends: random bytes as s16le (an odd count) and as f32le, three
// minutes of digital silence before and after a clip, a WAV header cut
// short, a WAV whose data stops mid-sample, nothing at all, and a --rate
// out of range. Each ends in exit 0 with sensible output or in a clear
// error, never a panic.
func TestStreamCLIBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 10 s of random bytes with the default model")
	}
	rng := rand.New(rand.NewPCG(27, 2))
	garbage := make([]byte, 2*16000*5+1)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	wav, _, x := streamWAV(t)
	// The first clip alone (0.8 s of zeros, weather.wav's 1.885 s, 0.75 s of
	// the next pause), after and before 3 minutes of zeros.
	clip := x[:12800+30160+12000]
	m, err := asr.Default()
	if err != nil {
		t.Fatal(err)
	}
	s := asr.NewRecognizer(m, asr.DefaultOptions()).NewStream(16000, asr.StreamOptions{})
	var clipText string
	for _, e := range append(s.Write(clip), s.Close()...) {
		if e.Final && e.Text != "" {
			clipText += e.Text + "\n"
		}
	}
	silent := make([]byte, 2*16000*180)
	var padded []byte
	padded = append(padded, silent...)
	for _, v := range clip {
		i := int16(max(-32768, min(32767, v*32768)))
		padded = append(padded, byte(i), byte(uint16(i)>>8))
	}
	padded = append(padded, silent...)

	raw := []string{"--stream", "--raw", "--rate", "16000", "-"}
	for _, tc := range []struct {
		name   string
		stdin  []byte
		args   []string
		code   int
		stdout string // "*": any
		stderr string // a substring of stderr
	}{
		{"random s16le", garbage, raw, exitOK, "*", ""},
		{"random f32le", garbage, []string{"--stream", "--raw", "--raw-format", "f32le", "--rate", "8000", "-"}, exitOK, "*", ""},
		{"silence", silent, raw, exitOK, "", ""},
		{"silence, a clip, silence", padded, raw, exitOK, clipText, ""},
		{"nothing as raw", []byte{}, raw, exitOK, "", ""},
		{"one byte as raw", []byte{1}, raw, exitOK, "", ""},
		{"nothing as WAV", []byte{}, []string{"--stream", "-"}, exitFailed, "", "stdin: unexpected EOF"},
		{"WAV header cut short", wav[:30], []string{"--stream", "-"}, exitFailed, "", "stdin: unexpected EOF"},
		{"WAV cut mid-sample", wav[:44+2*16000+1], []string{"--stream", "-"}, exitOK, "*", ""},
		{"a rate no decoder takes", garbage[:1000], []string{"--stream", "--raw", "--rate", "2000000000", "-"}, exitFailed, "", "sample rate 2000000000 Hz is outside"},
	} {
		r := cli(t, "", tc.stdin, tc.args...)
		if r.code != tc.code || (tc.stdout != "*" && r.stdout != tc.stdout) || !strings.Contains(r.stderr, tc.stderr) ||
			(tc.stderr == "" && r.stderr != "") || strings.Contains(r.stderr, "panic") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr with %q", tc.name, r.code, r.stdout, r.stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
	if clipText == "" {
		t.Error("the clip alone gave no final")
	}
}
