package transcript

import (
	"errors"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
)

func TestFormat(t *testing.T) {
	res := &asr.Result{Text: "hello world", Duration: 2.5, ProcessingTime: 0.1234,
		Words: []asr.Word{{Word: "hello", Start: 0.31, End: 0.7, Confidence: 0.91234}, {Word: "world", Start: 1.6, End: 2.0, Confidence: 0.5}},
		NBest: []asr.Hypothesis{{Text: "hello world", Score: -3.25, AcousticScore: -2, LMScore: -0.5}, {Text: "yellow world", Score: -4}},
	}
	for _, c := range []struct {
		format string
		o      Options
		want   string
	}{
		{"txt", Options{}, "hello world\n"},
		{"txt", Options{Prefix: "a.wav: "}, "a.wav: hello world\n"},
		{"txt", Options{Timestamps: true}, "[00:00:00.310 --> 00:00:00.700] hello\n[00:00:01.600 --> 00:00:02.000] world\n"},
		{"txt", Options{Timestamps: true, Cues: CueOptions{MaxLineChars: 42, MaxLines: 2, MaxDuration: 7, MinPause: 1}}, "[00:00:00.310 --> 00:00:02.000] hello world\n"},
		{"txt", Options{NBest: 2}, "1\t-3.25\thello world\n2\t-4\tyellow world\n"},
		{"tsv", Options{Name: "a.wav"}, "a.wav\thello world\n"},
		{"tsv", Options{Name: "a.wav", Timestamps: true}, "a.wav\t0.31\t0.7\thello\t0.912\na.wav\t1.6\t2\tworld\t0.5\n"},
		{"trn", Options{Name: "a.wav"}, "hello world (a.wav)\n"},
		{"srt", Options{}, "1\n00:00:00,310 --> 00:00:00,700\nhello\n\n2\n00:00:01,600 --> 00:00:02,000\nworld\n\n"},
		{"vtt", Options{}, "WEBVTT\n\n00:00:00.310 --> 00:00:00.700\nhello\n\n00:00:01.600 --> 00:00:02.000\nworld\n\n"},
		{"json", Options{Name: "a.wav"}, `{"file":"a.wav","text":"hello world","words":[{"word":"hello","start":0.31,"end":0.7,"confidence":0.912},{"word":"world","start":1.6,"end":2,"confidence":0.5}],"nbest":[{"text":"hello world","score":-3.25,"acoustic_score":-2,"lm_score":-0.5},{"text":"yellow world","score":-4,"acoustic_score":0,"lm_score":0}],"duration":2.5,"processing_time":0.123}` + "\n"},
	} {
		got, err := Format(c.format, res, c.o)
		if err != nil || string(got) != c.want {
			t.Errorf("%s %+v:\ngot  %q, %v\nwant %q", c.format, c.o, got, err, c.want)
		}
	}
	// Several records share a file after one header.
	b := Header("vtt")
	b, _ = AppendRecord(b, "vtt", res, Options{})
	b, _ = AppendRecord(b, "vtt", &asr.Result{Words: []asr.Word{{Word: "x", Start: 1, End: 1}}}, Options{})
	if want := "WEBVTT\n\n00:00:00.310 --> 00:00:00.700\nhello\n\n00:00:01.600 --> 00:00:02.000\nworld\n\n00:00:01.000 --> 00:00:01.001\nx\n\n"; string(b) != want {
		t.Errorf("two vtt records:\n%q\nwant %q", b, want)
	}
	// Silence: JSON still has a words array, subtitles have no cue, an
	// n-best list without hypotheses is one line of the text.
	empty := &asr.Result{Duration: 1}
	for format, want := range map[string]string{
		"json": `{"file":"","text":"","words":[],"duration":1,"processing_time":0}` + "\n",
		"srt":  "", "vtt": "WEBVTT\n\n", "txt": "\n",
	} {
		if got, _ := Format(format, empty, Options{}); string(got) != want {
			t.Errorf("silence %s: %q, want %q", format, got, want)
		}
	}
	if got, _ := Format("txt", empty, Options{NBest: 3}); string(got) != "1\t0\t\n" {
		t.Errorf("empty n-best: %q", got)
	}
}

func TestFormatUnknown(t *testing.T) {
	got, err := AppendRecord([]byte("keep"), "docx", &asr.Result{Text: "x"}, Options{})
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Format != "docx" || string(got) != "keep" {
		t.Fatalf("AppendRecord(docx) = %q, %v", got, err)
	}
	if !strings.Contains(err.Error(), "srt") {
		t.Errorf("the error does not list the formats: %v", err)
	}
	for _, f := range Formats {
		if !Known(f) {
			t.Errorf("Known(%q) = false", f)
		}
	}
}
