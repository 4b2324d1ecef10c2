package wasm

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
)

// helloText is cmd/transcribe's (align_test.go): what hello.wav says, with
// two words it does not say and a symbol the model cannot spell.
const helloText = "The quick brown fox, you know, jumps over the lazy dog. §\n"

// alignGoldens are the files `transcribe align` wrote for hello.wav and
// helloText with the embedded model (testdata/cli/default_align_hello.*,
// made by cmd/transcribe's TestGoldenAlign), with the options that test
// passed, as AlignOptions.
var alignGoldens = []struct{ format, options string }{
	{"srt", `{}`},
	{"vtt", `{"format": "vtt", "maxChars": 16, "maxLines": 1}`},
	{"json", `{"format": "json", "name": "testdata/hello.wav"}`},
	{"textgrid", `{"format": "textgrid"}`},
}

// dropProcessingTime blanks the json format's "processing_time", the one
// field that is not a function of the input.
func dropProcessingTime(t *testing.T, b []byte) string {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	m["processing_time"] = 0
	out, _ := json.Marshal(m)
	return string(out)
}

// TestAlignMatchesCLI: the engine's alignment files of hello.wav are the
// bytes `transcribe align --format F` wrote, from the WAV file and from its
// samples at another rate given as the page gives decodeAudioData's.
func TestAlignMatchesCLI(t *testing.T) {
	if _, err := asr.Default(); err != nil {
		t.Skip(err)
	}
	file, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine()
	if _, err := e.LoadDefault(); err != nil {
		t.Fatal(err)
	}
	for _, g := range alignGoldens {
		want, err := os.ReadFile("../testdata/cli/default_align_hello." + g.format)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.AlignFile(Audio{File: file}, helloText, g.options)
		if err != nil {
			t.Fatalf("%s: %v", g.format, err)
		}
		if g.format == "json" {
			got, want = []byte(dropProcessingTime(t, got)), []byte(dropProcessingTime(t, want))
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", g.format, got, want)
		}
	}
	// Samples (mono, at the file's rate) align as the file does.
	p, _, err := e.Decode(Audio{File: file}, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.AlignFile(Audio{Samples: p.Samples, Rate: p.Rate}, helloText, "")
	want, _ := os.ReadFile("../testdata/cli/default_align_hello.srt")
	if err != nil || string(got) != string(want) {
		t.Errorf("samples: %q, %v; want %q", got, err, want)
	}
}

func TestAlignErrors(t *testing.T) {
	e := NewEngine()
	hello := wavBytes(t, chirp(16000, 16000), 16000)
	if _, err := e.AlignFile(Audio{File: hello}, "hello", ""); code(err) != CodeNoModel {
		t.Errorf("no model: %v (code %q)", err, code(err))
	}
	if _, err := e.LoadModel(tinyModel(t)); err != nil {
		t.Fatal(err)
	}
	if file, err := os.ReadFile("../testdata/hello.wav"); err == nil {
		hello = file
	}
	silence := wavBytes(t, make([]float32, 16000), 16000)
	for _, c := range []struct {
		what    string
		a       Audio
		text    string
		options string
		code    string
	}{
		{"a text with no spellable word", Audio{File: hello}, "  § \n", "", CodeEmptyText},
		{"an empty text", Audio{File: hello}, "", "", CodeEmptyText},
		{"silence", Audio{File: silence}, helloText, "", CodeNoSpeech},
		{"a text too long for the audio", Audio{File: hello}, strings.Repeat("extraordinary ", 300), "", CodeTextTooLong},
		{"a text over the size limit", Audio{File: hello}, strings.Repeat("a ", AlignMaxTextBytes/2+1), "", CodeTextTooLong},
		{"not audio", Audio{File: []byte("hello")}, helloText, "", CodeFormat},
		{"no samples", Audio{Samples: []float32{}, Rate: 16000}, helloText, "", CodeEmpty},
		{"an unknown format", Audio{File: hello}, helloText, `{"format": "ass"}`, CodeOptions},
		{"an unknown key", Audio{File: hello}, helloText, `{"maxWidth": 3}`, CodeOptions},
		{"maxChars 0", Audio{File: hello}, helloText, `{"maxChars": 0}`, CodeOptions},
		{"maxLines 1001", Audio{File: hello}, helloText, `{"maxLines": 1001}`, CodeOptions},
		{"maxSeconds 0", Audio{File: hello}, helloText, `{"maxSeconds": 0}`, CodeOptions},
		{"minPause -1", Audio{File: hello}, helloText, `{"minPause": -1}`, CodeOptions},
		{"options that are not JSON", Audio{File: hello}, helloText, `{`, CodeOptions},
	} {
		out, err := e.AlignFile(c.a, c.text, c.options)
		if code(err) != c.code {
			t.Errorf("%s: %q, %v (code %q); want code %q", c.what, out, err, code(err), c.code)
		}
	}
	// The limits the page passes reach the writer.
	_, cues, err := ParseAlignOptions(`{"maxChars": 20, "maxLines": 3, "maxSeconds": 4.5, "minPause": 0.25}`)
	if err != nil || cues.MaxLineChars != 20 || cues.MaxLines != 3 || cues.MaxDuration != 4.5 || cues.MinPause != 0.25 {
		t.Errorf("ParseAlignOptions: %+v, %v", cues, err)
	}
}
