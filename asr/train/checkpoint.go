package train

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/ecoute/ecoute/asr"
	"github.com/ecoute/ecoute/internal/safetensors"
)

// model returns the current weights as a Model (a copy).
func (t *trainer) model() *asr.Model {
	c := t.cfg
	c.Provenance = asr.Provenance{
		Created:    time.Now().UTC().Format(time.RFC3339),
		Trainer:    "ecoute transcribe train",
		Command:    t.o.Command,
		Corpus:     t.o.Train,
		Utterances: len(t.utts),
		Hours:      math.Round(t.hours*100) / 100,
		Epochs:     float64(t.st.Epoch) + float64(t.st.Batch)/float64(max(1, len(t.batches(t.st.Epoch)))),
		Steps:      t.st.Step,
		Seed:       t.o.Seed,
		TrainSecs:  math.Round(t.st.Elapsed),
	}
	if n := len(t.st.History); n > 0 && len(t.dev) > 0 {
		h := t.st.History[n-1]
		c.Provenance.Dev = map[string]float64{"cer": h.CER, "wer": h.WER}
	}
	ts := map[string][]float32{}
	for _, s := range asr.TensorSpecs(&c) {
		ts[s.Name] = t.net.Params.Tensor(s.Name).W() // NewModel copies
	}
	m, err := asr.NewModel(c, ts)
	if err != nil {
		panic("train: trainer built an inconsistent model: " + err.Error())
	}
	return m
}

// Checkpoints are model files with two more tensors (the Adam moments) and a
// second metadata entry holding the State.
const ckptStateKey = "ecoute.train_state"

func (t *trainer) saveCheckpoint() error {
	if t.o.Checkpoint == "" {
		return nil
	}
	m := t.model()
	cfg, _ := json.Marshal(&m.Config)
	st, _ := json.Marshal(&t.st)
	var ts []safetensors.Tensor
	for _, s := range asr.TensorSpecs(&m.Config) {
		ts = append(ts, safetensors.Tensor{Name: s.Name, Shape: s.Shape, F32: m.Tensor(s.Name)})
	}
	// The step count is in the State; before the first step the
	// moments are zero.
	am, av, _ := t.adam.State()
	if am == nil {
		am, av = make([]float32, t.net.Params.Len()), make([]float32, t.net.Params.Len())
	}
	// The moments of the heads' parameters (at the end of the flat buffer)
	// are stored apart, beside each head, so that the network's part has
	// the size of the model file's network.
	n := t.netLen()
	ts = append(ts,
		safetensors.Tensor{Name: "adam.m", Shape: []int{n}, F32: am[:n]},
		safetensors.Tensor{Name: "adam.v", Shape: []int{n}, F32: av[:n]})
	for i, h := range t.net.Heads {
		name := t.net.Config.Heads[i].Name
		lo, hi := h.W.Off, h.B.Off+h.B.Len
		ts = append(ts,
			safetensors.Tensor{Name: name + ".weight", Shape: h.W.Shape, F32: h.W.W()},
			safetensors.Tensor{Name: name + ".bias", Shape: h.B.Shape, F32: h.B.W()},
			safetensors.Tensor{Name: name + ".adam.m", Shape: []int{hi - lo}, F32: am[lo:hi]},
			safetensors.Tensor{Name: name + ".adam.v", Shape: []int{hi - lo}, F32: av[lo:hi]})
	}
	var buf bytes.Buffer
	if err := safetensors.Write(&buf, ts, map[string]string{asr.MetadataKey: string(cfg), ckptStateKey: string(st)}); err != nil {
		return err
	}
	tmp := t.o.Checkpoint + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, t.o.Checkpoint); err != nil {
		return err
	}
	if t.o.Out != "" {
		return m.SaveFile(t.o.Out)
	}
	return nil
}

// netLen is the number of parameters of the network proper: those before
// the first extra head in the flat buffer.
func (t *trainer) netLen() int {
	if len(t.net.Heads) > 0 {
		return t.net.Heads[0].W.Off
	}
	return t.net.Params.Len()
}

func (t *trainer) loadCheckpoint() error {
	b, err := os.ReadFile(t.o.Checkpoint)
	if err != nil {
		return fmt.Errorf("train: resume: %w", err)
	}
	m, err := asr.Load(b)
	if err != nil {
		return fmt.Errorf("train: resume %s: %w", t.o.Checkpoint, err)
	}
	f, _ := safetensors.Parse(b)
	var st State
	if err := json.Unmarshal([]byte(f.Metadata[ckptStateKey]), &st); err != nil {
		return fmt.Errorf("train: resume %s: no training state: %v", t.o.Checkpoint, err)
	}
	if st.OptionsID != t.st.OptionsID {
		return fmt.Errorf("train: resume %s: the checkpoint was made with other options or data (id %s, now %s)", t.o.Checkpoint, st.OptionsID, t.st.OptionsID)
	}
	for _, s := range asr.TensorSpecs(&t.cfg) {
		w := m.Tensor(s.Name)
		if w == nil || len(w) != t.net.Params.Tensor(s.Name).Len {
			return fmt.Errorf("train: resume %s: tensor %s does not match the model", t.o.Checkpoint, s.Name)
		}
		copy(t.net.Params.Tensor(s.Name).W(), w)
	}
	n := t.netLen()
	moments := [2][]float32{make([]float32, t.net.Params.Len()), make([]float32, t.net.Params.Len())}
	for i, name := range []string{"adam.m", "adam.v"} {
		v, err := f.Float32(name)
		if err != nil || len(v) != n {
			return fmt.Errorf("train: resume %s: optimizer state %s missing or wrong size", t.o.Checkpoint, name)
		}
		copy(moments[i], v)
	}
	for i, h := range t.net.Heads {
		name := t.net.Config.Heads[i].Name
		lo, hi := h.W.Off, h.B.Off+h.B.Len
		dst := [4][]float32{h.W.W(), h.B.W(), moments[0][lo:hi], moments[1][lo:hi]}
		for j, suffix := range []string{".weight", ".bias", ".adam.m", ".adam.v"} {
			v, err := f.Float32(name + suffix)
			if err != nil {
				return fmt.Errorf("train: resume %s: output layer %s: %v", t.o.Checkpoint, name, err)
			}
			if len(v) != len(dst[j]) {
				return fmt.Errorf("train: resume %s: output layer %s has %d values in %s%s, the model being trained %d (another lexicon?)", t.o.Checkpoint, name, len(v), name, suffix, len(dst[j]))
			}
			copy(dst[j], v)
		}
	}
	// Skipped batches took no optimizer step.
	t.adam.SetState(moments[0], moments[1], st.Step-st.Skipped)
	t.st = st
	t.startStep = st.Step
	t.logf("resumed from %s at step %d (epoch %d, batch %d)", t.o.Checkpoint, st.Step, st.Epoch+1, st.Batch)
	return nil
}
