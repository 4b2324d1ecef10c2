package lstmlm

import (
	"bytes"
	"math"
	"slices"
	"testing"
)

// TestRunStopAndResume: Run over 3 epochs gives the same model as a Run
// stopped after 7 steps (its checkpoint written by SaveCheckpoint), resumed
// and run to the end; the best model is handed to SaveBest after improving
// epochs, and each epoch is reported.
func TestRunStopAndResume(t *testing.T) {
	v, ids, err := BuildVocab(tinyText+tinyText+tinyText, Char)
	if err != nil {
		t.Fatal(err)
	}
	valid := ids[:len(ids)/3]
	newTrainer := func() *Trainer {
		m := New(Config{Vocab: v, Embed: 8, Hidden: 12, Layers: 1}) // no dropout: a resumed run draws fresh masks
		m.Init(3)
		return NewTrainer(m, TrainConfig{BPTT: 8, Batch: 4, Optimizer: "adam", LR: 0.01, Clip: 1, Seed: 5})
	}
	full := newTrainer()
	var epochs []EpochStats
	best := 0
	r, err := full.Run(ids, valid, RunOptions{Epochs: 3, EvalBatch: 2,
		SaveBest: func(*Model) error { best++; return nil },
		Epoch:    func(e EpochStats) { epochs = append(epochs, e) }})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stopped || len(epochs) != 3 || best == 0 || r.Steps <= 7 || !math.IsNaN(r.StopValid) {
		t.Fatalf("result %+v, %d epochs reported, best saved %d times", r, len(epochs), best)
	}

	var ckpt bytes.Buffer
	half := newTrainer()
	r1, err := half.Run(ids, valid, RunOptions{Epochs: 3, EvalBatch: 2, MaxSteps: 7, EvalOnStop: true,
		SaveCheckpoint: func(t *Trainer) error { ckpt.Reset(); return t.SaveCheckpoint(&ckpt) }})
	if err != nil {
		t.Fatal(err)
	}
	if !r1.Stopped || r1.Steps != 7 || math.IsNaN(r1.StopValid) {
		t.Fatalf("stopped run: %+v", r1)
	}
	rest, err := Resume(ckpt.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r2, err := rest.Run(ids, valid, RunOptions{Epochs: 3, EvalBatch: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Steps+r2.Steps != r.Steps {
		t.Errorf("%d + %d steps, uninterrupted %d", r1.Steps, r2.Steps, r.Steps)
	}
	if !slices.Equal(rest.M.Data, full.M.Data) {
		t.Error("stopped and resumed run ended with other weights than an uninterrupted one")
	}
}
