package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/transcript"
	"github.com/ecoute/ecoute/audio"
)

// longWAV writes hello.wav ten times with a second of silence between the
// copies (about 39 s, cut into several chunks) and returns its path.
func longWAV(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(helloWAV)
	if err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var x []float32
	for range 10 {
		x = append(x, p.Samples...)
		x = append(x, make([]float32, p.Rate)...)
	}
	var w bytes.Buffer
	if err := audio.EncodeWAV(&w, x, p.Rate); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "long.wav")
	if err := os.WriteFile(path, w.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBatchLiveOutput: with a live writer, one long input's srt, vtt and
// txt records reach emit in parts while it is decoded, before its outcome,
// and the parts and the rest are the record written at the end; progress
// inside the file is reported and cleared.
func TestBatchLiveOutput(t *testing.T) {
	m, err := asr.LoadFile(smallModel)
	if err != nil {
		t.Fatal(err)
	}
	o := asr.DefaultOptions()
	o.NBest = 0
	rec := asr.NewRecognizer(m, o)
	path := longWAV(t)
	for _, format := range []string{"srt", "vtt", "txt"} {
		fo := formatOptions{format: format}
		in := []input{pathInput(path)}
		var seen []float64 // audio seconds in flight at each part
		b := &batch{rec: rec, jobs: 1, stderr: &bytes.Buffer{},
			format: func(i int, in *input, res *asr.Result) []byte { return formatResult(fo, in, res) },
		}
		b.live = func(i int, in *input) *transcript.Writer {
			w, err := transcript.NewWriter(format, fo.transcriptOptions(in))
			if err != nil {
				t.Fatal(err)
			}
			return w
		}
		var out []byte
		parts := 0
		var final *asr.Result
		st := b.run(in, func(i int, oc *outcome) error {
			if oc.res == nil {
				parts++
				a, _ := b.inflightDone()
				seen = append(seen, a)
			} else {
				final = oc.res
			}
			out = append(out, oc.record...)
			return nil
		})
		if st.done != 1 || st.failed != 0 || final == nil {
			t.Fatalf("%s: %+v", format, st)
		}
		if parts < 2 {
			t.Errorf("%s: %d parts before the end", format, parts)
		}
		if len(seen) > 0 && !(seen[0] > 0 && seen[0] < final.Duration) {
			t.Errorf("%s: progress at the first part %.1f s of %.1f", format, seen[0], final.Duration)
		}
		if want := formatResult(fo, &in[0], final); string(out) != string(want) {
			t.Errorf("%s: live output\n%s\nwant\n%s", format, out, want)
		}
		if a, _ := b.inflightDone(); a != 0 {
			t.Errorf("%s: %.1f s still in flight after the run", format, a)
		}
	}
}

// TestProgressBarInsideFile: the bar counts audio transcribed inside the
// file in flight, in time and in its share of the bytes.
func TestProgressBarInsideFile(t *testing.T) {
	var w bytes.Buffer
	p := &progressBar{w: &w, enabled: true, total: 1, totalBytes: 1000,
		inflight: func() (float64, float64) { return 754.5, 500 }}
	p.draw()
	got := w.String()
	if !strings.Contains(got, "0/1 files  12:34.5 of audio") || !strings.Contains(got, "[============>") {
		t.Errorf("bar %q", got)
	}
}
