package wasm

import (
	"errors"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
)

// TestFormat: the page's downloads (Format of the result's JSON) equal the
// CLI's writers on the result itself, in every format.
func TestFormat(t *testing.T) {
	res := &asr.Result{Text: "hello big world", Duration: 9.87654, ProcessingTime: 0.123456,
		Words: []asr.Word{
			{Word: "hello", Start: 0.3104, End: 0.7, Confidence: 0.91234},
			{Word: "big", Start: 0.8, End: 1.10049, Confidence: 0.5},
			{Word: "world", Start: 1.90051, End: 2.2, Confidence: 0.25},
		},
		NBest: []asr.Hypothesis{{Text: "hello big world", Score: -3.25, AcousticScore: -2.0004, LMScore: -0.5}},
	}
	js := string(asr.AppendJSON(nil, res, "a.wav"))
	for _, f := range transcript.Formats {
		for _, o := range []FormatOptions{{}, {Timestamps: true}, {NBest: 1}, {Name: "b.wav"}} {
			name := o.Name
			if name == "" {
				name = "a.wav"
			}
			want, err := transcript.Format(f, res, transcript.Options{Name: name, Timestamps: o.Timestamps, NBest: o.NBest})
			if err != nil {
				t.Fatal(err)
			}
			opts := ""
			if o != (FormatOptions{}) {
				opts = `{"name":"` + o.Name + `","timestamps":` + map[bool]string{true: "true", false: "false"}[o.Timestamps] + `,"nbest":` + string(rune('0'+o.NBest)) + `}`
			}
			got, err := Format(js, f, opts)
			if err != nil || string(got) != string(want) {
				t.Errorf("Format(%s, %s):\ngot  %q, %v\nwant %q", f, opts, got, err, want)
			}
		}
	}
	for _, c := range []struct{ result, format, opts string }{
		{js, "docx", ""},
		{"not json", "srt", ""},
		{js, "srt", `{"color":"red"}`},
	} {
		var e *Error
		if _, err := Format(c.result, c.format, c.opts); !errors.As(err, &e) || e.Code != CodeOptions {
			t.Errorf("Format(%.20q, %s, %s) = %v, want a %q error", c.result, c.format, c.opts, err, CodeOptions)
		}
	}
}
