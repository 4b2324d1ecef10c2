package wasm

import (
	"bytes"
	"os"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/asrtest"
	"github.com/ecoute/ecoute/audio"
)

// benchModel is the embedded default model, or an untrained one of the
// default architecture when this build has none: the cost is the same.
func benchModel(b *testing.B) *asr.Model {
	if m, err := asr.Default(); err == nil {
		return m
	}
	m, err := asrtest.Model(asrtest.Options{Std: 0.1, Seed: [2]uint64{1, 2}})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// benchAudio is testdata/hello.wav repeated to 10 s (a chirp if absent).
func benchAudio(b *testing.B) *audio.PCM {
	x := chirp(16000*3, 16000)
	if f, err := os.ReadFile("../testdata/hello.wav"); err == nil {
		if p, err := audio.Decode(bytes.NewReader(f)); err == nil && p.Rate == 16000 {
			x = p.Samples
		}
	}
	var y []float32
	for len(y) < 16000*10 {
		y = append(append(y, x...), make([]float32, 4000)...)
	}
	return &audio.PCM{Samples: y[:16000*10], Rate: 16000, Channels: 1}
}

// BenchmarkPipeline times each stage of transcription on 10 s of speech.
// scripts/bench/wasm_vs_native.sh runs it natively and under node (V8, as
// in Chromium) and prints the ratios.
func BenchmarkPipeline(b *testing.B) {
	m := benchModel(b)
	p := benchAudio(b)
	fe, err := asr.NewFrontEnd(m.Config.FrontEnd)
	if err != nil {
		b.Fatal(err)
	}
	in := fe.Input(p.Samples)
	o := asr.DefaultOptions()
	b.Run("stage=features/audio=10s", func(b *testing.B) {
		for b.Loop() {
			fe.Input(p.Samples)
		}
	})
	b.Run("stage=network/audio=10s", func(b *testing.B) {
		for b.Loop() {
			m.LogProbsOf(in)
		}
	})
	b.Run("stage=transcribe/audio=10s", func(b *testing.B) {
		r := asr.NewRecognizer(m, o)
		for b.Loop() {
			if _, err := r.Transcribe(p); err != nil {
				b.Fatal(err)
			}
		}
	})
	o.Beam = 1
	b.Run("stage=transcribe-greedy/audio=10s", func(b *testing.B) {
		r := asr.NewRecognizer(m, o)
		for b.Loop() {
			if _, err := r.Transcribe(p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
