package asr

import (
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/audio"
)

// joinedClips returns the committed test clips joined with gap seconds of
// faint noise (-100 dBFS, under the clips' own digital silence) between them (and before and after), at 16 kHz, and the
// sample spans of the clips.
func joinedClips(t *testing.T, gap float64) ([]float32, [][2]int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(27, 1))
	noise := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 1e-5)
		}
		return x
	}
	g := int(gap * 16000)
	x := noise(g)
	var spans [][2]int
	for _, name := range []string{"../testdata/asr/weather.wav", "../testdata/asr/digits.wav", "../testdata/hello.wav"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		p, err := audio.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if p.Rate != 16000 {
			t.Fatalf("%s: %d Hz", name, p.Rate)
		}
		spans = append(spans, [2]int{len(x), len(x) + len(p.Samples)})
		x = append(x, p.Samples...)
		x = append(x, noise(g)...)
	}
	return x, spans
}

// feed writes x to s in pieces of random sizes up to maxN samples (all at
// once when maxN is 0) and returns every event, Close's included.
func feed(s *Stream, x []float32, rng *rand.Rand, maxN int) []Event {
	var evs []Event
	for len(x) > 0 {
		n := len(x)
		if maxN > 0 {
			n = min(n, 1+rng.IntN(maxN))
		}
		evs = append(evs, s.Write(x[:n])...)
		x = x[n:]
	}
	return append(evs, s.Close()...)
}

func finals(evs []Event) []Segment {
	var out []Segment
	for _, e := range evs {
		if e.Final {
			out = append(out, e.Segment)
		}
	}
	return out
}

func segmentTexts(segs []Segment) string {
	var t []string
	for _, s := range segs {
		if s.Text != "" {
			t = append(t, s.Text)
		}
	}
	return strings.Join(t, " ")
}

// TestStreamMatchesOffline streams three clips separated by 0.8 s pauses
// with the default model, at 16 kHz and at 44.1 kHz, whole and in random
// write sizes. The finals must not depend on the write sizes, there must be
// one per clip, each must be what Recognizer.Transcribe gives on its stretch
// of audio (the same decode, times moved by the stretch's start), partial
// results must come before each final, and the finals' text must be within
// a word of the offline transcription of the whole recording cut at pauses.
func TestStreamMatchesOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 10 s of audio a few dozen times with the default model")
	}
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.NBest = 0
	rec := NewRecognizer(m, o)
	x16, _ := joinedClips(t, 0.8)
	for _, rate := range []int{16000, 44100} {
		x := audio.Resample(x16, 16000, rate)
		whole := feed(rec.NewStream(rate, StreamOptions{}), x, nil, 0)
		want := finals(whole)
		if len(want) != 3 {
			t.Fatalf("%d Hz: %d finals, want 3 (one per clip): %+v", rate, len(want), want)
		}
		for seed := range uint64(3) {
			rng := rand.New(rand.NewPCG(seed, 2))
			evs := feed(rec.NewStream(rate, StreamOptions{}), x, rng, []int{1, 100, 5000}[seed]*rate/16000+1)
			if got := finals(evs); !reflect.DeepEqual(got, want) {
				t.Errorf("%d Hz, writes up to %d samples: finals\n%+v\nwant (one write)\n%+v", rate, []int{1, 100, 5000}[seed], got, want)
			}
			// Partials before every final.
			partials := 0
			for _, e := range evs {
				if !e.Final && e.Text != "" {
					partials++
				}
				if e.Final && e.Text != "" {
					if partials == 0 {
						t.Errorf("%d Hz: final %q without a partial before it", rate, e.Text)
					}
					partials = 0
				}
			}
		}
		// Each final is the offline transcription of its own audio.
		for _, f := range want {
			a, b := int(math.Round(f.Start*float64(rate))), int(math.Round(f.End*float64(rate)))
			res, err := rec.Transcribe(&audio.PCM{Samples: x[a:min(b, len(x))], Rate: rate})
			if err != nil {
				t.Fatal(err)
			}
			if res.Text != f.Text {
				t.Errorf("%d Hz: final %q, offline on [%.2f, %.2f] %q", rate, f.Text, f.Start, f.End, res.Text)
			}
			for i, w := range res.Words {
				if i < len(f.Words) && math.Abs(w.Start+f.Start-f.Words[i].Start) > 1e-9 {
					t.Errorf("%d Hz: word %q at %.3f, offline %.3f", rate, w.Word, f.Words[i].Start, w.Start+f.Start)
				}
			}
		}
		// The whole recording offline, cut as long audio is cut (a recording
		// of up to VAD.MaxChunk seconds is one chunk, so MaxChunk is lowered
		// under its 9.6 s): the offline VAD finds the same two pauses.
		lo := o
		lo.VAD.MaxChunk = 6
		res, err := NewRecognizer(m, lo).Transcribe(&audio.PCM{Samples: x, Rate: rate})
		if err != nil {
			t.Fatal(err)
		}
		got, off := strings.Fields(segmentTexts(want)), strings.Fields(res.Text)
		diff := 0
		for i := range min(len(got), len(off)) {
			if got[i] != off[i] {
				diff++
			}
		}
		if len(got) != len(off) || diff > 1 {
			t.Errorf("%d Hz: finals %q, offline %q: more than one word apart", rate, got, off)
		}
		t.Logf("%d Hz: finals  %q\n            offline %q", rate, segmentTexts(want), res.Text)
	}
}

// TestStreamMinSegment streams the three clips (0.8 s pauses) with
// MinSegment 4: the pause after the first clip comes too early to close a
// segment, so the first final holds the first two clips and lasts at least
// 4 s, the third clip is the second final, and the finals do not depend on
// the write sizes. (Without MinSegment there is one final per clip:
// TestStreamMatchesOffline.)
func TestStreamMinSegment(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 10 s of audio a few times with the default model")
	}
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	rec := NewRecognizer(m, DefaultOptions())
	x, spans := joinedClips(t, 0.8)
	so := StreamOptions{MinSegment: 4}
	want := finals(feed(rec.NewStream(16000, so), x, nil, 0))
	if len(want) != 2 {
		t.Fatalf("%d finals, want 2: %+v", len(want), want)
	}
	// (A clip's own quiet tail may end a segment before the clip does.)
	sec := func(i, j int) float64 { return float64(spans[i][j]) / 16000 }
	if f := want[0]; f.End-f.Start < 4 || f.Start > sec(0, 0) || f.End < sec(1, 0)+1 || f.End > sec(2, 0) {
		t.Errorf("first final [%.2f, %.2f] %q: want the first two clips, at least 4 s", f.Start, f.End, f.Text)
	}
	if f := want[1]; f.Start > sec(2, 0) || f.End < sec(2, 0)+1 {
		t.Errorf("second final [%.2f, %.2f] %q: want the third clip", f.Start, f.End, f.Text)
	}
	rng := rand.New(rand.NewPCG(4, 2))
	if got := finals(feed(rec.NewStream(16000, so), x, rng, 700)); !reflect.DeepEqual(got, want) {
		t.Errorf("writes up to 700 samples: finals\n%+v\nwant (one write)\n%+v", got, want)
	}
}

// TestStreamBoundedMemory streams ten minutes of faint noise, then two
// minutes of a tone whose loudness swings by 20 dB four times a second (a
// talker who never pauses), in 100 ms writes: the noise gives no events and
// the buffer stays under 2 × EndPause of audio; the tone is cut into finals
// of at most MaxChunk, and the buffer stays under MaxChunk plus a write.
func TestStreamBoundedMemory(t *testing.T) {
	m := randomModel(t, smallConfig(), 27)
	rec := NewRecognizer(m, Options{Timestamps: true})
	s := rec.NewStream(16000, StreamOptions{Step: -1})
	rng := rand.New(rand.NewPCG(27, 3))
	chunk := make([]float32, 1600)
	peak := 0
	for range 6000 {
		for i := range chunk {
			chunk[i] = float32(rng.NormFloat64() * 1e-3)
		}
		if evs := s.Write(chunk); len(evs) != 0 {
			t.Fatalf("noise gave events %+v", evs)
		}
		peak = max(peak, s.Buffered())
	}
	if lim := 2*4800 + 1600; peak > lim {
		t.Errorf("10 min of noise: %d samples buffered, want at most %d", peak, lim)
	}
	peak = 0
	var fin []Segment
	for i := range 1200 {
		for j := range chunk {
			tt := float64(i*1600+j) / 16000
			chunk[j] = float32(0.3 * (0.55 + 0.45*math.Sin(2*math.Pi*4*tt)) * math.Sin(2*math.Pi*300*tt))
		}
		fin = append(fin, finals(s.Write(chunk))...)
		peak = max(peak, s.Buffered())
	}
	fin = append(fin, finals(s.Close())...)
	if lim := 30*16000 + 2*1600; peak > lim {
		t.Errorf("2 min of talk: %d samples buffered, want at most %d", peak, lim)
	}
	if len(fin) < 4 {
		t.Errorf("2 min of talk: %d finals, want at least 4 (cuts at 30 s)", len(fin))
	}
	for _, f := range fin {
		if f.End-f.Start > 30.02 || f.Start < 600-1 {
			t.Errorf("final [%.2f, %.2f] outside the tone or longer than 30 s", f.Start, f.End)
		}
	}
}

// TestStreamPCM16 checks that WritePCM16 in pieces of odd sizes gives the
// finals of Write on the decoded samples, and that garbage, single bytes
// and an odd byte at the end neither panic nor fail.
func TestStreamPCM16(t *testing.T) {
	m := randomModel(t, smallConfig(), 28)
	rec := NewRecognizer(m, Options{Timestamps: true})
	rng := rand.New(rand.NewPCG(28, 1))
	var x []float32
	var b []byte
	for i := range 3 * 16000 {
		v := int16(0)
		if i > 8000 && i < 30000 {
			v = int16(8000 * math.Sin(float64(i)*0.12))
		}
		x = append(x, float32(v)/32768)
		b = append(b, byte(v), byte(uint16(v)>>8))
	}
	want := finals(feed(rec.NewStream(16000, StreamOptions{}), x, nil, 0))
	if len(want) == 0 {
		t.Fatal("no finals from a tone burst")
	}
	s := rec.NewStream(16000, StreamOptions{})
	var evs []Event
	for len(b) > 0 {
		n := min(len(b), 1+2*rng.IntN(700)) // odd sizes
		evs = append(evs, s.WritePCM16(b[:n])...)
		b = b[n:]
	}
	evs = append(evs, s.Close()...)
	if got := finals(evs); !reflect.DeepEqual(got, want) {
		t.Errorf("WritePCM16 in odd pieces: %+v\nwant %+v", got, want)
	}

	// Garbage, one byte at a time and in a block, ending mid-sample.
	s = rec.NewStream(8000, StreamOptions{Step: 0.1})
	g := make([]byte, 20001)
	for i := range g {
		g[i] = byte(rng.Uint32())
	}
	for _, c := range g[:101] {
		s.WritePCM16([]byte{c})
	}
	s.WritePCM16(g[101:])
	s.WritePCM16(nil)
	s.Close()
	if s.Close() != nil {
		t.Error("second Close returned events")
	}
	if d := s.Duration(); d != 10000.0/8000 {
		t.Errorf("duration %g s after 20001 bytes at 8 kHz, want 1.25", d)
	}
}

// TestStreamMisuse checks the panics the doc comments promise.
func TestStreamMisuse(t *testing.T) {
	rec := NewRecognizer(randomModel(t, smallConfig(), 29), Options{})
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s did not panic", name)
			}
		}()
		f()
	}
	mustPanic("NewStream(0)", func() { rec.NewStream(0, StreamOptions{}) })
	s := rec.NewStream(16000, StreamOptions{})
	s.Close()
	mustPanic("Write after Close", func() { s.Write([]float32{0}) })
	// NaN and Inf count as silence.
	s = rec.NewStream(16000, StreamOptions{})
	x := make([]float32, 16000)
	for i := range x {
		x[i] = float32(math.NaN())
		if i%2 == 1 {
			x[i] = float32(math.Inf(1))
		}
	}
	if evs := append(s.Write(x), s.Close()...); len(evs) != 0 {
		t.Errorf("NaN and Inf gave events %+v", evs)
	}
}
