package asr

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/internal/safetensors"
	"github.com/ecoute/ecoute/lstm"
)

// TestInterCTCGoldenPyTorch compares the trainer's loss and gradient with an
// intermediate CTC loss against PyTorch's (F.ctc_loss on nn.LSTM layers and
// one nn.Linear head, testdata/gen/asr_interctc_golden.py): a 3-layer
// BiLSTM, three utterances of different lengths, weight 0.3.
func TestInterCTCGoldenPyTorch(t *testing.T) {
	b, err := os.ReadFile("../testdata/asr/interctc.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		T, B, Input, Hidden, Layers, Output int
		Weight                              float64
		MidLayer                            int `json:"mid_layer"`
	}
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &cfg); err != nil {
		t.Fatal(err)
	}
	get := func(name string) []float32 {
		v, err := f.Float32(name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if (cfg.Layers-1)/2 != cfg.MidLayer {
		t.Fatalf("golden file reads layer %d, the trainer reads layer %d", cfg.MidLayer, (cfg.Layers-1)/2)
	}
	var lengths []int
	for _, v := range get("lengths") {
		lengths = append(lengths, int(v))
	}
	tg := get("targets")
	L := len(tg) / cfg.B
	targets := make([][]int, cfg.B)
	for i := range targets {
		for _, v := range tg[i*L : (i+1)*L] {
			if v >= 0 {
				targets[i] = append(targets[i], int(v))
			}
		}
	}
	for _, threads := range []int{1, 3} {
		net := lstm.New(lstm.Config{Input: cfg.Input, Hidden: cfg.Hidden, Layers: cfg.Layers, Bidirectional: true, Output: cfg.Output})
		if _, err := net.LoadBytes(b, "grad.", "x", "lengths", "targets", "loss."); err != nil {
			t.Fatal(err)
		}
		net.Threads = threads
		bl := batchLoss{net: net, ws: lstm.NewWorkspace(1), threads: threads, inter: cfg.Weight}
		final, mid, err := bl.lossGrad(lstm.Batch{X: get("x"), T: cfg.T, B: cfg.B, Lengths: lengths}, targets)
		if err != nil {
			t.Fatal(err)
		}
		if w := float64(get("loss.final")[0]); math.Abs(final-w) > 1e-4 {
			t.Errorf("threads %d: final loss %g, PyTorch %g", threads, final, w)
		}
		if w := float64(get("loss.mid")[0]); math.Abs(mid-w) > 1e-4 {
			t.Errorf("threads %d: intermediate loss %g, PyTorch %g", threads, mid, w)
		}
		for _, p := range net.Params.Tensors {
			want := get("grad." + p.Name)
			worst := 0.0
			for i, g := range p.G() {
				worst = max(worst, math.Abs(float64(g)-float64(want[i])))
			}
			if !(worst <= 1e-4) {
				t.Errorf("threads %d: gradient of %s: max abs error %g", threads, p.Name, worst)
			}
		}
	}
}

// TestTrainInterCTC: the intermediate loss changes the model, two runs with
// the same seed agree, a checkpoint made without it is not resumed with it,
// and a bad weight or a one-layer model is refused.
func TestTrainInterCTC(t *testing.T) {
	dir, base := toyRun(t, 2)
	base.Model.NumLayers = 2
	base.InterCTC = 0.3
	run := func(name string, o TrainOptions) *Model { return trainAs(t, filepath.Join(dir, name), o, false) }
	a, b := run("a.safetensors", base), run("b.safetensors", base)
	plain := base
	plain.InterCTC = 0
	c := run("c.safetensors", plain)
	if !sameWeights(a, b) {
		t.Error("same seed with inter_ctc gave different models")
	}
	if sameWeights(a, c) {
		t.Error("inter_ctc did not change the model")
	}
	other := base
	other.Checkpoint = filepath.Join(dir, "c.safetensors.ckpt")
	if _, _, err := Train(other, true); err == nil || !strings.Contains(err.Error(), "other options") {
		t.Errorf("resume of a run without inter_ctc with it: %v", err)
	}
	for _, w := range []float64{-0.1, 1, math.NaN()} {
		o := base
		o.InterCTC = w
		if _, _, err := Train(o, false); err == nil || !strings.Contains(err.Error(), "inter_ctc") {
			t.Errorf("inter_ctc %v: %v", w, err)
		}
	}
	one := base
	one.Model.NumLayers = 1
	if _, _, err := Train(one, false); err == nil || !strings.Contains(err.Error(), "2 LSTM layers") {
		t.Errorf("inter_ctc with one layer: %v", err)
	}
}
