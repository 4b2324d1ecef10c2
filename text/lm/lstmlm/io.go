package lstmlm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/ecoute/ecoute/internal/safetensors"
	"github.com/ecoute/ecoute/lstm"
)

// FormatVersion is the version of the "lstmlm" metadata written by Save.
const FormatVersion = 1

// fileConfig is the JSON of the "lstmlm" metadata entry.
type fileConfig struct {
	Format  int      `json:"format"`
	Level   Level    `json:"level"`
	Tokens  []string `json:"tokens"`
	Embed   int      `json:"embed"`
	Hidden  int      `json:"hidden"`
	Layers  int      `json:"layers"`
	Dropout float32  `json:"dropout"`
	Tied    bool     `json:"tied"`
}

// trainState is the JSON of the "lstmlm.train" metadata entry.
type trainState struct {
	Cfg         TrainConfig  `json:"config"`
	LR          float64      `json:"lr"`
	Epochs      int          `json:"epochs"`
	Pos         int          `json:"pos"`
	Steps       int          `json:"steps"`
	BestValid   *float64     `json:"best_valid,omitempty"` // nil for +Inf
	EpochLoss   float64      `json:"epoch_loss"`
	EpochTokens int          `json:"epoch_tokens"`
	History     []EpochStats `json:"history"`
	// AdamSteps is Adam's step count; its moments are the tensors
	// optim.adam.m and optim.adam.v (absent before Adam's first step).
	AdamSteps int `json:"adam_steps,omitempty"`
}

// FileError reports a model or checkpoint file that cannot be used.
type FileError struct{ Msg string }

func (e *FileError) Error() string { return "lstmlm: " + e.Msg }

func (m *Model) tensors() []safetensors.Tensor {
	ts := []safetensors.Tensor{{Name: "encoder.weight", Shape: []int{m.V, m.Embed}, F32: m.Enc()}}
	for _, t := range m.Stack.Params.Tensors {
		ts = append(ts, safetensors.Tensor{Name: stackName(t.Name), Shape: t.Shape, F32: t.W()})
	}
	if !m.Tied {
		ts = append(ts, safetensors.Tensor{Name: "decoder.weight", Shape: []int{m.V, m.Hidden}, F32: m.Dec()})
	}
	return append(ts, safetensors.Tensor{Name: "decoder.bias", Shape: []int{m.V}, F32: m.Bias()})
}

// stackName maps package lstm's "lstm.*" names to word_language_model's "rnn.*".
func stackName(n string) string { return "rnn." + strings.TrimPrefix(n, "lstm.") }

func (m *Model) meta() map[string]string {
	b, _ := json.Marshal(fileConfig{Format: FormatVersion, Level: m.Vocab.Level, Tokens: m.Vocab.Tokens,
		Embed: m.Embed, Hidden: m.Hidden, Layers: m.Layers, Dropout: m.Dropout, Tied: m.Tied})
	return map[string]string{"lstmlm": string(b)}
}

// Save writes the model (parameters, configuration and vocabulary) as a
// safetensors file.
func (m *Model) Save(w io.Writer) error {
	return safetensors.Write(w, m.tensors(), m.meta())
}

// Load reads a model written by Save (or a checkpoint). Malformed files
// return a *safetensors.FormatError; files that do not describe a valid
// model (missing "lstmlm" metadata, a vocabulary whose size differs from
// the embedding, missing or misshaped tensors) return a *FileError.
func Load(b []byte) (*Model, error) {
	m, _, err := load(b)
	return m, err
}

func load(b []byte) (*Model, *safetensors.File, error) {
	f, err := safetensors.Parse(b)
	if err != nil {
		return nil, nil, err
	}
	js, ok := f.Metadata["lstmlm"]
	if !ok {
		return nil, nil, &FileError{"no \"lstmlm\" metadata: not an LSTM language model file"}
	}
	var fc fileConfig
	if err := json.Unmarshal([]byte(js), &fc); err != nil {
		return nil, nil, &FileError{"bad \"lstmlm\" metadata: " + err.Error()}
	}
	if fc.Format != FormatVersion {
		return nil, nil, &FileError{fmt.Sprintf("format version %d, want %d", fc.Format, FormatVersion)}
	}
	if fc.Level != Word && fc.Level != Char || len(fc.Tokens) == 0 || fc.Embed <= 0 || fc.Hidden <= 0 || fc.Layers <= 0 || fc.Layers > 64 ||
		fc.Dropout < 0 || fc.Dropout >= 1 || fc.Tied && fc.Embed != fc.Hidden || fc.Embed > 1<<16 || fc.Hidden > 1<<16 {
		return nil, nil, &FileError{fmt.Sprintf("bad configuration level=%q tokens=%d embed=%d hidden=%d layers=%d dropout=%g tied=%v",
			fc.Level, len(fc.Tokens), fc.Embed, fc.Hidden, fc.Layers, fc.Dropout, fc.Tied)}
	}
	seen := map[string]bool{}
	for _, t := range fc.Tokens {
		if seen[t] {
			return nil, nil, &FileError{fmt.Sprintf("vocabulary repeats token %q", t)}
		}
		seen[t] = true
	}
	// Every tensor the configuration implies must be in the file with its
	// shape before anything is allocated, so a header cannot ask for more
	// memory than the file holds.
	V, E, H := len(fc.Tokens), fc.Embed, fc.Hidden
	specs := []lstm.Spec{{Name: "encoder.weight", Shape: []int{V, E}}}
	for _, s := range stackConfig(E, H, fc.Layers, fc.Dropout).Specs() {
		specs = append(specs, lstm.Spec{Name: stackName(s.Name), Shape: s.Shape})
	}
	if !fc.Tied {
		specs = append(specs, lstm.Spec{Name: "decoder.weight", Shape: []int{V, H}})
	}
	specs = append(specs, lstm.Spec{Name: "decoder.bias", Shape: []int{V}})
	if enc, ok := f.Lookup("encoder.weight"); ok && !slices.Equal(enc.Shape, specs[0].Shape) {
		return nil, nil, &FileError{fmt.Sprintf("encoder.weight has shape %v; the vocabulary has %d tokens and embed is %d", enc.Shape, V, E)}
	}
	if err := lstm.CheckSpecs(f, specs); err != nil {
		return nil, nil, &FileError{err.Error()}
	}
	m := New(Config{Vocab: NewVocab(fc.Level, fc.Tokens), Embed: fc.Embed, Hidden: fc.Hidden, Layers: fc.Layers, Dropout: fc.Dropout, Tied: fc.Tied})
	for _, t := range m.tensors() {
		v, err := f.Float32(t.Name)
		if err != nil {
			return nil, nil, err
		}
		copy(t.F32, v)
	}
	return m, f, nil
}

// SaveCheckpoint writes the model with the trainer's state (learning rate,
// position, history, carried hidden state) so that Resume continues the run.
func (t *Trainer) SaveCheckpoint(w io.Writer) error {
	ts := trainState{Cfg: t.Cfg, LR: t.LR, Epochs: t.Epochs, Pos: t.Pos, Steps: t.Steps,
		EpochLoss: t.EpochLoss, EpochTokens: t.EpochTokens, History: t.History}
	if !math.IsInf(t.BestValid, 1) {
		b := t.BestValid
		ts.BestValid = &b
	}
	shape := []int{t.M.Layers, t.Cfg.Batch, t.M.Hidden}
	tensors := append(t.M.tensors(),
		safetensors.Tensor{Name: "state.h", Shape: shape, F32: t.state.H},
		safetensors.Tensor{Name: "state.c", Shape: shape, F32: t.state.C})
	if a, ok := t.opt.(*lstm.Adam); ok {
		if am, av, steps := a.State(); am != nil {
			ts.AdamSteps = steps
			tensors = append(tensors,
				safetensors.Tensor{Name: "optim.adam.m", Shape: []int{len(am)}, F32: am},
				safetensors.Tensor{Name: "optim.adam.v", Shape: []int{len(av)}, F32: av})
		}
	}
	js, err := json.Marshal(ts)
	if err != nil {
		return err
	}
	meta := t.M.meta()
	meta["lstmlm.train"] = string(js)
	return safetensors.Write(w, tensors, meta)
}

// Resume reads a checkpoint written by SaveCheckpoint and returns the model
// and a trainer positioned where it stopped.
func Resume(b []byte) (*Trainer, error) {
	m, f, err := load(b)
	if err != nil {
		return nil, err
	}
	js, ok := f.Metadata["lstmlm.train"]
	if !ok {
		return nil, &FileError{"no \"lstmlm.train\" metadata: a model file, not a checkpoint"}
	}
	var ts trainState
	if err := json.Unmarshal([]byte(js), &ts); err != nil {
		return nil, &FileError{"bad \"lstmlm.train\" metadata: " + err.Error()}
	}
	if ts.Cfg.Optimizer != "sgd" && ts.Cfg.Optimizer != "adam" || ts.Cfg.Batch <= 0 || ts.Cfg.BPTT <= 0 || ts.Cfg.Batch > 1<<20 || ts.Pos < 0 {
		return nil, &FileError{fmt.Sprintf("bad training state %+v", ts.Cfg)}
	}
	t := &Trainer{M: m, Cfg: ts.Cfg, LR: ts.LR, Epochs: ts.Epochs, Pos: ts.Pos, Steps: ts.Steps,
		EpochLoss: ts.EpochLoss, EpochTokens: ts.EpochTokens, History: ts.History, BestValid: math.Inf(1)}
	if ts.BestValid != nil {
		t.BestValid = *ts.BestValid
	}
	for _, name := range []string{"state.h", "state.c"} {
		if info, ok := f.Lookup(name); !ok || info.Len() != m.Layers*ts.Cfg.Batch*m.Hidden {
			return nil, &FileError{"missing tensor " + name + " or its size does not match the batch"}
		}
	}
	t.state = m.NewState(ts.Cfg.Batch)
	for _, s := range []struct {
		name string
		dst  []float32
	}{{"state.h", t.state.H}, {"state.c", t.state.C}} {
		info, ok := f.Lookup(s.name)
		if !ok || info.Len() != len(s.dst) {
			return nil, &FileError{"missing or misshaped tensor " + s.name}
		}
		v, err := f.Float32(s.name)
		if err != nil {
			return nil, err
		}
		copy(s.dst, v)
	}
	t.init()
	// Adam's moments, when the checkpoint has them (older checkpoints and
	// those written before the first step do not: Adam then starts afresh).
	if a, ok := t.opt.(*lstm.Adam); ok {
		if _, has := f.Lookup("optim.adam.m"); has {
			am, err1 := f.Float32("optim.adam.m")
			av, err2 := f.Float32("optim.adam.v")
			if err := errors.Join(err1, err2); err != nil {
				return nil, &FileError{"Adam state: " + err.Error()}
			}
			if len(am) != len(m.Data) || len(av) != len(m.Data) || ts.AdamSteps <= 0 {
				return nil, &FileError{fmt.Sprintf("Adam state of %d and %d values after %d steps for %d parameters", len(am), len(av), ts.AdamSteps, len(m.Data))}
			}
			a.SetState(am, av, ts.AdamSteps)
		}
	}
	return t, nil
}
