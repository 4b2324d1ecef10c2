package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/asrtest"
)

func TestAverage(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var ms []*asr.Model
	for i := range 3 {
		m, err := asrtest.Model(asrtest.Options{Hidden: 8, Layers: 1, Seed: [2]uint64{uint64(i), 7}})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, string(rune('a'+i))+".safetensors")
		if err := m.SaveFile(p); err != nil {
			t.Fatal(err)
		}
		paths, ms = append(paths, p), append(ms, m)
	}
	avg, err := load(paths)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range asr.TensorSpecs(&avg.Config) {
		got := avg.Tensor(s.Name)
		for i := range got {
			want := (float64(ms[0].Tensor(s.Name)[i]) + float64(ms[1].Tensor(s.Name)[i]) + float64(ms[2].Tensor(s.Name)[i])) / 3
			if d := float64(got[i]) - want; d > 1e-6 || d < -1e-6 {
				t.Fatalf("%s[%d] = %v, want %v", s.Name, i, got[i], want)
			}
		}
	}
	if !strings.Contains(avg.Config.Provenance.Notes, "averaged over 3") {
		t.Errorf("notes %q do not record the averaging", avg.Config.Provenance.Notes)
	}

	// A model of another size is refused.
	other, err := asrtest.Model(asrtest.Options{Hidden: 12, Layers: 1})
	if err != nil {
		t.Fatal(err)
	}
	op := filepath.Join(dir, "other.safetensors")
	if err := other.SaveFile(op); err != nil {
		t.Fatal(err)
	}
	if _, err := load([]string{paths[0], op}); err == nil || !strings.Contains(err.Error(), "sizes differ") {
		t.Errorf("averaging models of different sizes: err = %v", err)
	}
}
