package features

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestPipelineGolden: NewPipeline's MFCC, first-order deltas, then CMVN,
// against torchaudio's kaldi.mfcc and compute_deltas normalised with numpy
// (testdata/gen/features_golden.py, set "pipeline").
func TestPipelineGolden(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(goldenDir, "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Pipeline struct {
			Name          string `json:"name"`
			Order, Window int
			CMVN          string `json:"cmvn"`
		} `json:"pipeline"`
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	g := manifest.Pipeline
	if g.Name == "" || g.CMVN != "after deltas" {
		t.Fatalf("golden.json: pipeline set %+v", g)
	}
	c := Config{Type: "mfcc", MFCC: DefaultMFCCOptions(), DeltaOrder: g.Order, DeltaWindow: g.Window, CMVN: true}
	p, err := NewPipeline(c)
	if err != nil {
		t.Fatal(err)
	}
	samples := loadClip(t, "audio/clip16k.wav")
	got := p.Compute(samples)
	if len(got) != p.NumFrames(len(samples)) || len(got[0]) != p.Dim() || p.Dim() != 26 {
		t.Fatalf("%dx%d, NumFrames %d Dim %d", len(got), len(got[0]), p.NumFrames(len(samples)), p.Dim())
	}
	e := compareFeatures(t, g.Name, got, readMatrix(t, filepath.Join(goldenDir, g.Name+".txt")), 1e-4, false)
	t.Logf("max error vs torchaudio + numpy CMVN: %.3g", e)
}

// TestPipelineIsItsParts: a Pipeline gives, bit for bit, the extractor's
// features with AddDeltas then CMVN applied, for both extractor types; this
// is the order the default model was trained with.
func TestPipelineIsItsParts(t *testing.T) {
	samples := loadClip(t, "hello.wav")
	fb := DefaultFbankOptions()
	fb.Mel.NumBins, fb.UseEnergy = 40, true
	for _, c := range []Config{
		{Type: "mfcc", MFCC: DefaultMFCCOptions(), DeltaOrder: 2, DeltaWindow: 2, CMVN: true},
		{Type: "mfcc", MFCC: DefaultMFCCOptions()},
		{Type: "fbank", Fbank: fb, DeltaOrder: 1, DeltaWindow: 3, CMVN: true},
		{Type: "fbank", Fbank: fb, CMVN: true},
	} {
		p, err := NewPipeline(c)
		if err != nil {
			t.Fatal(err)
		}
		var want [][]float32
		if c.Type == "mfcc" {
			m, _ := NewMFCC(c.MFCC)
			want = m.Compute(samples)
		} else {
			f, _ := NewFbank(c.Fbank)
			want = f.Compute(samples)
		}
		if c.DeltaOrder > 0 {
			want = AddDeltas(want, c.DeltaOrder, c.DeltaWindow)
		}
		if c.CMVN {
			CMVN(want, true)
		}
		got := p.Compute(samples)
		if len(got) != len(want) || len(got[0]) != p.Dim() || c.Dim() != p.Dim() {
			t.Fatalf("%s order %d: %dx%d, want %dx%d (Dim %d)", c.Type, c.DeltaOrder, len(got), len(got[0]), len(want), len(want[0]), p.Dim())
		}
		compareFeatures(t, c.Type, got, toFloat64(want), 0, false)
	}
}

func toFloat64(m [][]float32) [][]float64 {
	out := make([][]float64, len(m))
	for i, row := range m {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = float64(v)
		}
	}
	return out
}

func TestPipelineErrors(t *testing.T) {
	bad := DefaultMFCCOptions()
	bad.NumCeps = 99
	for _, c := range []Config{
		{Type: "plp", MFCC: DefaultMFCCOptions()},
		{Type: "mfcc", MFCC: bad},
		{Type: "mfcc", MFCC: DefaultMFCCOptions(), DeltaOrder: -1},
		{Type: "mfcc", MFCC: DefaultMFCCOptions(), DeltaOrder: 2, DeltaWindow: 0},
		{Type: "fbank"}, // zero FbankOptions: no sample rate
	} {
		if _, err := NewPipeline(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	p, err := NewPipeline(Config{Type: "fbank", Fbank: DefaultFbankOptions(), DeltaOrder: 2, DeltaWindow: 2, CMVN: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Compute(make([]float32, 100)); len(got) != 0 {
		t.Errorf("under one frame: %d rows", len(got))
	}
	if p.Dim() != 69 {
		t.Errorf("fbank 23 bins with 2 delta orders: Dim %d, want 69", p.Dim())
	}
}
