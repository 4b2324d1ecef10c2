package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestSplitSentences(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"He ran. She walked! Did they stop? No.",
			[]string{"He ran.", "She walked!", "Did they stop?", "No."}},
		{"Mr. Babbitt met Dr. Howard Littlefield at St. Paul. They talked.",
			[]string{"Mr. Babbitt met Dr. Howard Littlefield at St. Paul.", "They talked."}},
		{"F. Scott Fitzgerald wrote it. H. L. Mencken did not.",
			[]string{"F. Scott Fitzgerald wrote it.", "H. L. Mencken did not."}},
		{"\"Come here,\" she said. \"Now!\" He came.",
			[]string{"Come here, she said.", "Now!", "He came."}},
		{"We spent 3.5 billion dollars. In 1980 we spent more.",
			[]string{"We spent 3.5 billion dollars.", "In 1980 we spent more."}},
		{"It was late--too late. I'm sure.",
			[]string{"It was late, too late.", "I'm sure."}},
	}
	for _, c := range cases {
		if got := splitSentences(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("splitSentences(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestDecode(t *testing.T) {
	// BOM and CRLF (Gutenberg), Latin-1 (six State of the Union files).
	if got := decode([]byte("\xef\xbb\xbfOne\r\ntwo\r\n")); got != "One\ntwo\n" {
		t.Errorf("BOM/CRLF: got %q", got)
	}
	if got := decode([]byte("caf\xe9 na\xefve")); got != "café naïve" {
		t.Errorf("Latin-1: got %q", got)
	}
}

func TestSpeechSentences(t *testing.T) {
	in := "PRESIDENT SMITH'S ADDRESS\n \nJanuary 4, 1965\n" +
		"Thank you very much. (Applause.) We will win.\nEconomic Growth\nOur goals are clear.\n"
	want := []string{"Thank you very much.", "We will win.", "Our goals are clear."}
	if got := speechSentences(in); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestGutenbergSentences(t *testing.T) {
	in := "header licence\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\n\nProduced by Someone\n\nCHAPTER I\n\n" +
		"The town was\nquiet. [Illustration] Nobody came.\n\nEnd of the Project Gutenberg EBook of X.\n\n" +
		"*** END OF THIS PROJECT GUTENBERG EBOOK X ***\nlicence text here.\n"
	want := []string{"The town was quiet.", "Nobody came."}
	if got := gutenbergSentences(in); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestNormalizeAndTTSText(t *testing.T) {
	cases := []struct {
		raw, norm, tts string
		ok             bool
	}{
		// Words match: the synthesizer reads the punctuated sentence.
		{"The birch canoe slid on the smooth planks.", "the birch canoe slid on the smooth planks", "The birch canoe slid on the smooth planks.", true},
		{"It's a well-known fact, I'm sure.", "it's a well known fact i'm sure", "It's a well-known fact, I'm sure.", true},
		// Numbers and abbreviations: it reads the normalized words.
		{"In 1980 we spent $5.", "in nineteen eighty we spent five dollars", "in nineteen eighty we spent five dollars", true},
		{"Mr. Gunch laughed.", "mister gunch laughed", "mister gunch laughed", true},
		{"...", "", "", false},
	}
	for _, c := range cases {
		n, ok := normalize(cleanSentence(c.raw))
		if ok != c.ok || n != c.norm {
			t.Errorf("normalize(%q) = %q, %v; want %q, %v", c.raw, n, ok, c.norm, c.ok)
			continue
		}
		if !ok {
			continue
		}
		if got := ttsText(sentence{raw: cleanSentence(c.raw), norm: n}); got != c.tts {
			t.Errorf("ttsText(%q) = %q, want %q", c.raw, got, c.tts)
		}
	}
}

func TestPickVoice(t *testing.T) {
	all := map[string]bool{"espeak-ng": true, "flite": true, "festival": true}
	counts := map[string]int{}
	for i := range 3000 {
		a := pickVoice(rand.New(rand.NewPCG(1, uint64(i))), all)
		b := pickVoice(rand.New(rand.NewPCG(1, uint64(i))), all)
		if a != b {
			t.Fatalf("utterance %d: voice not reproducible: %+v vs %+v", i, a, b)
		}
		if a.Group() == heldOutVoice.Group() {
			t.Fatalf("utterance %d: held-out voice %s drawn for training", i, a.Label())
		}
		if a.Engine == "espeak-ng" && (a.Speed < 130 || a.Speed > 190 || a.Pitch < 25 || a.Pitch > 75) {
			t.Errorf("espeak-ng speed/pitch out of range: %+v", a)
		}
		if a.Engine != "espeak-ng" && (a.Stretch < 0.85 || a.Stretch > 1.2) {
			t.Errorf("stretch out of range: %+v", a)
		}
		counts[a.Engine]++
	}
	// Shares 45/40/15 %, with generous sampling slack.
	for e, want := range map[string]int{"espeak-ng": 1350, "flite": 1200, "festival": 450} {
		if c := counts[e]; c < want*8/10 || c > want*12/10 {
			t.Errorf("%s drawn %d times in 3000, want about %d", e, c, want)
		}
	}
	only := pickVoice(rand.New(rand.NewPCG(1, 2)), map[string]bool{"flite": true})
	if only.Engine != "flite" {
		t.Errorf("-engines flite gave %s", only.Engine)
	}
}

func TestWavSeconds(t *testing.T) {
	// 44-byte canonical header, 16 kHz mono 16-bit, 8000 samples = 0.5 s.
	dir := t.TempDir()
	p := filepath.Join(dir, "a.wav")
	data := make([]byte, 16000)
	h := wavHeader(16000, 1, 16, len(data))
	if err := os.WriteFile(p, append(h, data...), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := wavSeconds(p)
	if err != nil || d != 0.5 {
		t.Fatalf("wavSeconds = %v, %v; want 0.5", d, err)
	}
	// Truncated: the data chunk claims more than the file holds.
	if err := os.WriteFile(p, append(h, data[:8000]...), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err := wavSeconds(p); err != nil || d != 0.25 {
		t.Fatalf("truncated: wavSeconds = %v, %v; want 0.25", d, err)
	}
	if err := os.WriteFile(p, []byte("RIFF"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := wavSeconds(p); err == nil {
		t.Fatal("short file: no error")
	}
}

func wavHeader(rate, ch, bits, n int) []byte {
	le32 := func(v int) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	le16 := func(v int) []byte { return []byte{byte(v), byte(v >> 8)} }
	var b []byte
	b = append(b, "RIFF"...)
	b = append(b, le32(36+n)...)
	b = append(b, "WAVEfmt "...)
	b = append(b, le32(16)...)
	b = append(b, le16(1)...)
	b = append(b, le16(ch)...)
	b = append(b, le32(rate)...)
	b = append(b, le32(rate*ch*bits/8)...)
	b = append(b, le16(ch*bits/8)...)
	b = append(b, le16(bits)...)
	b = append(b, "data"...)
	b = append(b, le32(n)...)
	return b
}

// TestSharedData checks the real-speech manifests and prompt extraction
// against ../shared (skipped when it is absent): FSDD split by speaker,
// transcripts normalized, FLAC durations read from STREAMINFO.
func TestSharedData(t *testing.T) {
	speech := "../../../shared/data/speech"
	textDir := "../../../shared/data/text"
	if _, err := os.Stat(speech); err != nil {
		t.Skip("shared speech data absent")
	}
	c := &config{speechDir: speech}
	real, err := c.realManifests()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"so762-train": 2000, "so762-dev": 200, "so762-dev500": 500, "sc-train": 3396, "sc-dev": 1086, "fsdd-train3": 1500, "fsdd-test": 500}
	for k, n := range want {
		if len(real[k]) != n {
			t.Errorf("%s: %d lines, want %d", k, len(real[k]), n)
		}
	}
	for _, l := range real["fsdd-test"] {
		if !strings.HasSuffix(l.voice, ":nicolas") {
			t.Fatalf("fsdd-test holds %s", l.voice)
		}
	}
	// No development speaker trains.
	trainSpk := map[string]bool{}
	for _, k := range []string{"so762-train", "sc-train"} {
		for _, l := range real[k] {
			trainSpk[l.voice] = true
		}
	}
	for _, k := range []string{"so762-dev500", "sc-dev"} {
		for _, l := range real[k] {
			if trainSpk[l.voice] {
				t.Fatalf("%s speaker %s is also a training speaker", k, l.voice)
			}
		}
	}
	for _, l := range real["so762-train"] {
		if l.transcript != strings.ToLower(l.transcript) {
			t.Fatalf("transcript not normalized: %q", l.transcript)
		}
	}
	d, err := audioSeconds(real["so762-dev"][0].path)
	if err != nil || d < 0.5 || d > 30 {
		t.Errorf("FLAC duration %v, %v", d, err)
	}
	// soxi (from sox) reads the same header independently.
	if soxi, err := exec.LookPath("soxi"); err == nil {
		p := real["so762-dev"][0].path
		ns, err1 := exec.Command(soxi, "-s", p).Output()
		rs, err2 := exec.Command(soxi, "-r", p).Output()
		if err1 == nil && err2 == nil {
			n, _ := strconv.ParseFloat(strings.TrimSpace(string(ns)), 64)
			r, _ := strconv.ParseFloat(strings.TrimSpace(string(rs)), 64)
			if d != n/r {
				t.Errorf("FLAC duration %v s, soxi says %v samples at %v Hz", d, n, r)
			}
		}
	}

	sents, err := readSources(textDir)
	if err != nil {
		t.Fatal(err)
	}
	src := map[string]int{}
	for _, s := range sents {
		src[s.source]++
		if strings.Contains(s.norm, "gutenberg") || strings.ContainsAny(s.raw, "()[]") || strings.Contains(s.raw, "photo by") {
			t.Errorf("licence text, remark or caption in prompt: %q", s.raw)
		}
	}
	if src["harvard"] != 720 || src["gutenberg"] < 10000 || src["sotu"] < 10000 || src["inaugural"] < 1000 {
		t.Errorf("sentences per source: %v", src)
	}
}

func TestRealText(t *testing.T) {
	real := map[string][]line{
		"so762-train": {{transcript: "we speak out"}, {transcript: "so you want"}, {transcript: "we speak out"}, {transcript: "a dev sentence"}},
		"fsdd-train3": {{transcript: "zero"}, {transcript: "zero"}, {transcript: "one"}},
		"so762-dev":   {{transcript: "not training text"}},
	}
	excluded := map[string]bool{"a dev sentence": true}
	once := []string{"we speak out", "so you want", "zero", "one"}
	if got := realText(real, excluded, 1); !reflect.DeepEqual(got, once) {
		t.Errorf("realText(1) = %q, want %q", got, once)
	}
	if got, want := realText(real, excluded, 3), append(append(append([]string(nil), once...), once...), once...); !reflect.DeepEqual(got, want) {
		t.Errorf("realText(3) = %q, want %q", got, want)
	}
	if got := realText(real, excluded, 0); len(got) != 0 {
		t.Errorf("realText(0) = %q, want nothing", got)
	}
}
