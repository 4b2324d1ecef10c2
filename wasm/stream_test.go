package wasm

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/audio"
)

// streamClip is hello.wav, a second of silence, hello.wav again and half a
// second of silence, at 16 kHz: two segments for a stream.
func streamClip(t *testing.T) []float32 {
	t.Helper()
	b, err := os.ReadFile("../testdata/hello.wav")
	if err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if p.Rate != 16000 {
		t.Fatalf("hello.wav at %d Hz", p.Rate)
	}
	x := append([]float32(nil), p.Samples...)
	x = append(x, make([]float32, 16000)...)
	x = append(x, p.Samples...)
	return append(x, make([]float32, 8000)...)
}

// TestStreamFinalsAreOfflineTranscriptions feeds a clip in 100 ms pieces,
// as the page's microphone does, and checks that partial text comes before
// the end, and that each final is the offline transcription (Transcribe on
// the same samples, the same options) of its own stretch of the stream, the
// definition the browser test applies to the microphone.
func TestStreamFinalsAreOfflineTranscriptions(t *testing.T) {
	if testing.Short() {
		t.Skip("the default model: slow")
	}
	e := NewEngine()
	if _, err := e.LoadDefault(); err != nil {
		t.Fatal(err)
	}
	x := streamClip(t)
	const opts = `{"punctuate": true, "timestamps": true}`
	id, err := e.OpenStream(16000, opts)
	if err != nil {
		t.Fatal(err)
	}
	var finals []StreamEvent
	partialAt := -1.0
	for i := 0; i < len(x); i += 1600 {
		u, err := e.WriteStream(id, x[i:min(i+1600, len(x))])
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(u.Duration-float64(min(i+1600, len(x)))/16000) > 1e-9 {
			t.Fatalf("duration %v after %d samples", u.Duration, min(i+1600, len(x)))
		}
		for _, ev := range u.Events {
			if !ev.Final && ev.Text != "" && partialAt < 0 {
				partialAt = u.Duration
			}
			if ev.Final {
				finals = append(finals, ev)
			}
		}
	}
	u, err := e.CloseStream(id, "live")
	if err != nil {
		t.Fatal(err)
	}
	finals = append(finals, u.Events...)
	if partialAt < 0 || partialAt > 2.5 {
		t.Errorf("first partial text after %.1f s of audio, want one within hello.wav (2.9 s)", partialAt)
	}
	if len(finals) != 2 {
		t.Fatalf("%d finals, want 2: %+v", len(finals), finals)
	}
	var texts []string
	for _, f := range finals {
		a, b := int(math.Round(f.Start*16000)), min(len(x), int(math.Round(f.End*16000)))
		off, err := e.TranscribeJSON(Audio{Samples: x[a:b], Rate: 16000}, opts, "")
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Text string }
		if err := json.Unmarshal(off, &r); err != nil {
			t.Fatal(err)
		}
		if f.Text != r.Text || f.Text == "" {
			t.Errorf("final %.2f-%.2f s: %q; offline on its samples: %q", f.Start, f.End, f.Text, r.Text)
		}
		texts = append(texts, f.Text)
	}
	var res struct {
		File     string
		Text     string
		Words    []struct{ Word string }
		Duration float64
	}
	if err := json.Unmarshal(u.Result, &res); err != nil {
		t.Fatalf("%v: %s", err, u.Result)
	}
	if res.Text != strings.Join(texts, " ") || res.File != "live" || math.Abs(res.Duration-float64(len(x))/16000) > 1e-9 {
		t.Errorf("result %s; finals %q", u.Result, texts)
	}
	if n := len(finals[0].Words) + len(finals[1].Words); len(res.Words) != n || n == 0 {
		t.Errorf("result has %d words, the finals %d", len(res.Words), n)
	}
	// The stream is gone.
	if _, err := e.WriteStream(id, x[:10]); code(err) != CodeOptions {
		t.Errorf("write after close: %v", err)
	}
}

func TestStreamErrors(t *testing.T) {
	e := NewEngine()
	if _, err := e.OpenStream(16000, ""); code(err) != CodeNoModel {
		t.Errorf("no model: %v", err)
	}
	if _, err := e.LoadModel(tinyModel(t)); err != nil {
		t.Fatal(err)
	}
	for _, rate := range []int{0, -8000, MaxStreamRate + 1} {
		if _, err := e.OpenStream(rate, ""); code(err) != CodeOptions {
			t.Errorf("rate %d: %v", rate, err)
		}
	}
	if _, err := e.OpenStream(16000, `{"beam": 0}`); code(err) != CodeOptions {
		t.Errorf("beam 0: %v", err)
	}
	if _, err := e.OpenStream(16000, `{"bogus": 1}`); code(err) != CodeOptions {
		t.Errorf("unknown option: %v", err)
	}
	if _, err := e.WriteStream(42, nil); code(err) != CodeOptions {
		t.Errorf("write to no stream: %v", err)
	}
	if _, err := e.CloseStream(42, ""); code(err) != CodeOptions {
		t.Errorf("close no stream: %v", err)
	}
	// Over the length limit: refused, the stream stays open and closes.
	e.Limits.MaxSeconds = 1
	id, err := e.OpenStream(8000, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.WriteStream(id, chirp(6000, 8000)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.WriteStream(id, chirp(4000, 8000)); code(err) != CodeTooLong {
		t.Errorf("past MaxSeconds: %v", err)
	}
	u, err := e.CloseStream(id, "")
	if err != nil || u.Duration != 0.75 || len(u.Result) == 0 {
		t.Errorf("close after too long: %+v, %v", u, err)
	}
	// Two streams at once do not mix.
	a, _ := e.OpenStream(16000, "")
	b, _ := e.OpenStream(16000, "")
	if a == b {
		t.Fatalf("two streams got id %d", a)
	}
	e.WriteStream(a, chirp(1600, 16000))
	if u, _ := e.CloseStream(b, ""); u.Duration != 0 {
		t.Errorf("stream b has %v s of stream a's audio", u.Duration)
	}
	if u, _ := e.CloseStream(a, ""); u.Duration != 0.1 {
		t.Errorf("stream a: %v s", u.Duration)
	}
}
