package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
	"github.com/ecoute/ecoute/audio"
)

// helloText is what hello.wav says, as a script would write it, with two
// words it does not say ("you know,") and a symbol the model cannot spell.
const helloText = "The quick brown fox, you know, jumps over the lazy dog. §\n"

// TestGoldenAlign checks `transcribe align` in every format against the
// goldens testdata/cli/default_align_hello.* (embedded default model;
// regenerate with -update), through the built binary and through
// asr.Recognizer.Align and transcript.FormatAlignment.
func TestGoldenAlign(t *testing.T) {
	m, err := asr.Default()
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	txt := filepath.Join(dir, "hello.txt")
	if err := os.WriteFile(txt, []byte(helloText), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(helloWAV)
	if err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := asr.NewRecognizer(m, asr.DefaultOptions()).Align(p, helloText, asr.AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		format string
		flags  []string
	}{
		{"srt", nil}, {"vtt", []string{"--max-chars", "16", "--max-lines", "1"}}, {"json", nil}, {"textgrid", nil},
	} {
		args := append([]string{"align", "--format", c.format}, c.flags...)
		r := cli(t, absRoot(t), nil, append(args, rel(helloWAV), txt)...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", c.format, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, `3 of 12 word(s) scored low`) || !strings.Contains(r.stderr, `"you"`) || !strings.Contains(r.stderr, `1 word(s) the model cannot spell`) {
			t.Errorf("%s: warnings %q", c.format, r.stderr)
		}
		got := stable(r.stdout)
		checkGolden(t, "default_align_hello."+c.format, got)
		o := transcript.DefaultCueOptions
		if c.flags != nil {
			o.MaxLineChars, o.MaxLines = 16, 1
		}
		lrec, err := transcript.FormatAlignment(c.format, rel(helloWAV), lib, o)
		if err != nil {
			t.Fatal(err)
		}
		if want := stable(string(lrec)); got != want {
			t.Errorf("%s: the binary and the library differ\n--- binary\n%s\n--- library\n%s", c.format, got, want)
		}
		switch c.format {
		case "json":
			var rec struct {
				Words []struct {
					Word       string
					Start, End float64
					Found, Low bool
				}
				Segments []struct {
					Text        string
					First, Last int
				}
			}
			if err := json.Unmarshal([]byte(got), &rec); err != nil {
				t.Fatal(err)
			}
			if len(rec.Words) != 12 || rec.Words[11].Word != "§" || rec.Words[11].Found || !rec.Words[4].Low || rec.Words[0].Low {
				t.Errorf("json words: %+v", rec.Words)
			}
			if len(rec.Segments) == 0 || rec.Segments[len(rec.Segments)-1].Last != 10 {
				t.Errorf("json segments: %+v", rec.Segments)
			}
		case "textgrid":
			checkTextGrid(t, got, 2)
		}
	}
}

// checkTextGrid parses a long-format TextGrid as Praat reads it: each tier's
// intervals must be contiguous, of positive length, and cover [0, xmax].
func checkTextGrid(t *testing.T, s string, tiers int) {
	t.Helper()
	if !strings.HasPrefix(s, "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n") {
		t.Fatalf("TextGrid header: %q", s[:min(len(s), 60)])
	}
	num := regexp.MustCompile(`(?m)^\s*(xmin|xmax) = ([0-9.]+) $`)
	size := regexp.MustCompile(`(?m)^\s*intervals: size = (\d+) $`)
	sizes := size.FindAllStringSubmatch(s, -1)
	if len(sizes) != tiers {
		t.Fatalf("%d tiers, want %d", len(sizes), tiers)
	}
	vals := num.FindAllStringSubmatch(s, -1)
	// File xmin, xmax; then per tier xmin, xmax and each interval's pair.
	pos := 2
	xmax, _ := strconv.ParseFloat(vals[1][2], 64)
	for k := range tiers {
		n, _ := strconv.Atoi(sizes[k][1])
		pos += 2
		prev := 0.0
		for i := range n {
			a, _ := strconv.ParseFloat(vals[pos][2], 64)
			b, _ := strconv.ParseFloat(vals[pos+1][2], 64)
			pos += 2
			if a != prev || b <= a {
				t.Fatalf("tier %d interval %d: [%g, %g] after %g", k+1, i+1, a, b, prev)
			}
			prev = b
		}
		if prev != xmax {
			t.Fatalf("tier %d ends at %g, xmax %g", k+1, prev, xmax)
		}
	}
}

// TestAlignBadInput: usage errors exit 2, inputs that cannot be aligned
// exit 1 with the reason, and nothing panics.
func TestAlignBadInput(t *testing.T) {
	if _, err := asr.Default(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.txt", "  \n")
	long := write("long.txt", strings.Repeat("extraordinary ", 300))
	good := write("good.txt", helloText)
	silence := filepath.Join(dir, "silence.wav")
	sf, _ := os.Create(silence)
	audio.EncodeWAV(sf, make([]float32, 16000), 16000)
	sf.Close()
	notAudio := write("not.wav", "hello")
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"align", rel(helloWAV)}, 2, "want AUDIO and TEXT"},
		{[]string{"align", "--format", "ass", rel(helloWAV), good}, 2, "unknown --format"},
		{[]string{"align", "--max-chars", "0", rel(helloWAV), good}, 2, "--max-chars"},
		{[]string{"align", "-", "-"}, 2, "both be stdin"},
		{[]string{"align", rel(helloWAV), empty}, 1, "no words the model can spell"},
		{[]string{"align", rel(helloWAV), long}, 1, "text needs at least"},
		{[]string{"align", silence, good}, 1, "no speech"},
		{[]string{"align", notAudio, good}, 1, "not.wav"},
		{[]string{"align", rel(helloWAV), filepath.Join(dir, "missing.txt")}, 1, "missing.txt"},
	} {
		r := cli(t, absRoot(t), nil, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) || strings.Contains(r.stderr, "panic") {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args[1:], r.code, r.stderr, c.code, c.msg)
		}
	}
}
