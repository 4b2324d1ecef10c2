package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/asr/asrtest"
	"github.com/ecoute/ecoute/asr/train"
)

// TestTrainDevCERMatchesEval trains one step from a random model (whose
// greedy output is many wrong letters) with a dev set, then scores the same
// set with "transcribe eval --beam 1": the dev CER and WER the trainer
// recorded in the model's provenance are the ones eval reports. The
// references include "a b c d e f", whose character count depends on
// whether spaces are characters (text/wer follows sclite -c: they are not).
func TestTrainDevCERMatchesEval(t *testing.T) {
	dir := t.TempDir()
	ao := asrtest.Options{Hidden: 16, Layers: 1, Seed: [2]uint64{3, 4}}
	init, err := asrtest.ModelFile(ao)
	if err != nil {
		t.Fatal(err)
	}
	initPath := filepath.Join(dir, "init.safetensors")
	if err := os.WriteFile(initPath, init, 0o644); err != nil {
		t.Fatal(err)
	}
	refs := []string{"hello world", "a b c d e f", "The weather is nice today.", "It cost $5."}
	var man strings.Builder
	for i, c := range []string{helloWAV, "clip16k.wav", "clip8k.wav", "clip_stereo.wav"} {
		if i > 0 {
			c = filepath.Join(root, "testdata", "audio", c)
		}
		abs, err := filepath.Abs(c)
		if err != nil {
			t.Fatal(err)
		}
		man.WriteString(abs + "\t" + refs[i] + "\n")
	}
	manPath := filepath.Join(dir, "dev.tsv")
	if err := os.WriteFile(manPath, []byte(man.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	o := train.DefaultOptions()
	o.Model = asrtest.Config(ao)
	cfg, _ := json.Marshal(&o)
	cfgPath := filepath.Join(dir, "train.json")
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "m.safetensors")
	var so, se bytes.Buffer
	args := []string{"train", "--config", cfgPath, "--train", manPath, "--dev", manPath, "--init", initPath,
		"--max-steps", "1", "--lr", "1e-9", "--warmup", "1", "--augment=false", "--specaugment=false", "--threads", "1", "--quiet", "-o", out}
	if rc := run(args, nil, &so, &se); rc != exitOK {
		t.Fatalf("train: rc %d\n%s", rc, se.String())
	}
	m, err := asr.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	dev := m.Config.Provenance.Dev
	if dev == nil {
		t.Fatal("no dev scores in the provenance")
	}
	so.Reset()
	se.Reset()
	if rc := run([]string{"eval", "--manifest", manPath, "--model", out, "--beam", "1", "--format", "json", "--quiet"}, nil, &so, &se); rc != exitOK {
		t.Fatalf("eval: rc %d\n%s", rc, se.String())
	}
	var rep struct {
		WER, CER struct {
			Total struct {
				ErrorRate float64 `json:"error_rate"`
			} `json:"total"`
		}
	}
	if err := json.Unmarshal(so.Bytes(), &rep); err != nil {
		t.Fatalf("%v\n%s", err, so.String())
	}
	t.Logf("provenance dev %v; eval CER %g WER %g", dev, rep.CER.Total.ErrorRate, rep.WER.Total.ErrorRate)
	if rep.CER.Total.ErrorRate == 0 || rep.WER.Total.ErrorRate == 0 {
		t.Fatalf("a random model scored CER %g WER %g: the test needs errors to compare", rep.CER.Total.ErrorRate, rep.WER.Total.ErrorRate)
	}
	if dev["cer"] != rep.CER.Total.ErrorRate || dev["wer"] != rep.WER.Total.ErrorRate {
		t.Errorf("model file records dev CER %v WER %v; transcribe eval prints CER %v WER %v",
			dev["cer"], dev["wer"], rep.CER.Total.ErrorRate, rep.WER.Total.ErrorRate)
	}
}
