package asr

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/audio"
)

// TestRecognizerOddAudioNoPanic feeds audio that is silent, empty, shorter
// than a frame, at an odd rate or clipped noise: Transcribe must neither
// panic nor fail on any of it (it has no error for such audio), and silence
// must give no words.
func TestRecognizerOddAudioNoPanic(t *testing.T) {
	m := randomModel(t, smallConfig(), 5)
	rng := rand.New(rand.NewPCG(5, 5))
	for _, o := range []Options{{Timestamps: true}, {Beam: 4, Timestamps: true, NBest: 3}} {
		r := NewRecognizer(m, o)
		// Silence: no speech chunk, empty text.
		res, err := r.Transcribe(&audio.PCM{Samples: make([]float32, 32000), Rate: 16000})
		if err != nil || res.Text != "" || len(res.Words) != 0 || res.Duration != 2 {
			t.Errorf("silence: %+v, %v", res, err)
		}
		// Empty, one sample, 0.1 s: no panic.
		for _, n := range []int{0, 1, 1600} {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * 0.1)
			}
			if _, err := r.Transcribe(&audio.PCM{Samples: x, Rate: 16000}); err != nil {
				t.Errorf("%d samples: %v", n, err)
			}
		}
		// Odd rate and loud noise.
		x := make([]float32, 44100)
		for i := range x {
			x[i] = float32(rng.Float64()*2 - 1)
		}
		if _, err := r.Transcribe(&audio.PCM{Samples: x, Rate: 44100}); err != nil {
			t.Errorf("noise: %v", err)
		}
	}
}

// TestRecognizerLongAudioTimes transcribes 100 s of tone bursts with a random
// model: the audio is cut into chunks, and word times must stay inside the
// audio and increase, as they are offset by each chunk's start.
func TestRecognizerLongAudioTimes(t *testing.T) {
	m := randomModel(t, smallConfig(), 6)
	rng := rand.New(rand.NewPCG(6, 6))
	bursts := randomBursts(rng, 20, 3, 3)
	x, _ := speechLike(rng, 16000, bursts, 0.6)
	r := NewRecognizer(m, Options{Timestamps: true})
	res, err := r.Transcribe(&audio.PCM{Samples: x, Rate: 16000})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Duration-float64(len(x))/16000) > 1e-9 {
		t.Errorf("duration %v", res.Duration)
	}
	if len(res.Words) == 0 {
		// Seeds 6 (model) and 6 (audio) are known to give words; a change
		// that makes this model silent loses what the test checks.
		t.Fatal("the random model (seed 6) emitted no words")
	}
	late := 0
	for i, w := range res.Words {
		if w.Start < 0 || w.End > res.Duration+0.1 || w.End < w.Start || (i > 0 && w.Start < res.Words[i-1].Start) {
			t.Fatalf("word %d %+v out of order or outside the audio", i, w)
		}
		if w.Start > 35 {
			late++
		}
	}
	if late == 0 {
		t.Errorf("no word after 35 s in %.0f s of audio: chunk offsets lost? %v", res.Duration, res.Words)
	}
	lp, fs, err := r.LogProbs(&audio.PCM{Samples: x, Rate: 16000})
	if err != nil || fs != 0.03 {
		t.Fatalf("LogProbs: frame %v, %v", fs, err)
	}
	if want := res.Duration / fs; math.Abs(float64(len(lp))-want) > 10 {
		t.Errorf("LogProbs gave %d frames for %.1f s, want about %.0f", len(lp), res.Duration, want)
	}
}

// TestTranscribeEach checks the segment callback on 100 s of tone bursts:
// the segments' texts and words, in order, make up Transcribe's result; done
// increases to the duration; and an error from the callback stops the work
// and is returned.
func TestTranscribeEach(t *testing.T) {
	m := randomModel(t, smallConfig(), 6)
	rng := rand.New(rand.NewPCG(6, 6))
	bursts := randomBursts(rng, 20, 3, 3)
	x, _ := speechLike(rng, 16000, bursts, 0.6)
	p := &audio.PCM{Samples: x, Rate: 16000}
	r := NewRecognizer(m, Options{Timestamps: true, Beam: 4, NBest: 2})
	want, err := r.Transcribe(p)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	var words []Word
	last, calls, withText := 0.0, 0, 0
	got, err := r.TranscribeEach(p, func(seg Segment, done float64) error {
		calls++
		if done <= last {
			t.Errorf("done went from %v to %v", last, done)
		}
		last = done
		if seg.Text == "" {
			if len(seg.Words) != 0 || seg.Start != 0 || seg.End != 0 {
				t.Errorf("empty segment with content: %+v", seg)
			}
			return nil
		}
		withText++
		if seg.Start < 0 || seg.End > done+0.1 || seg.End <= seg.Start {
			t.Errorf("segment [%v, %v] outside [0, %v] (+ a frame)", seg.Start, seg.End, done)
		}
		for _, w := range seg.Words {
			if w.Start < seg.Start-1e-9 || w.End > seg.End+1e-9 {
				t.Errorf("word %+v outside its segment [%v, %v]", w, seg.Start, seg.End)
			}
		}
		texts = append(texts, seg.Text)
		words = append(words, seg.Words...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if withText < 2 {
		t.Fatalf("%d segments with text (of %d calls): the test needs several", withText, calls)
	}
	if math.Abs(last-want.Duration) > 1e-9 {
		t.Errorf("last done %v, duration %v", last, want.Duration)
	}
	if j := strings.Join(texts, " "); j != want.Text || got.Text != want.Text {
		t.Errorf("segments %q\nTranscribeEach %q\nTranscribe %q", j, got.Text, want.Text)
	}
	if !reflect.DeepEqual(words, want.Words) || !reflect.DeepEqual(got.NBest, want.NBest) {
		t.Errorf("words or n-best differ between the segments, TranscribeEach and Transcribe")
	}

	stop := errors.New("stop")
	n := 0
	res, err := r.TranscribeEach(p, func(Segment, float64) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 || res == nil || len(res.Text) >= len(want.Text) {
		t.Errorf("stopping at the second call: err %v, %d calls, text %q", err, n, res.Text)
	}
}
