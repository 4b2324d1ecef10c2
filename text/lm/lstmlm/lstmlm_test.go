package lstmlm

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/internal/safetensors"
	"github.com/ecoute/ecoute/lstm"
)

const tinyText = "the cat sat on the mat.\nthe dog sat on the log.\na cat and a dog sat on a mat.\n"

// TestTrainCharLossFallsAndSamples trains a small character model for a
// few seconds and checks that its loss falls well below the uniform
// baseline, that evaluation agrees, and that sampling gives text from the
// vocabulary.
func TestTrainCharLossFallsAndSamples(t *testing.T) {
	text := strings.Repeat(tinyText, 40)
	v, ids, err := BuildVocab(text, Char)
	if err != nil {
		t.Fatal(err)
	}
	m := New(Config{Vocab: v, Embed: 16, Hidden: 32, Layers: 2, Dropout: 0.1})
	m.Init(1)
	before := m.Evaluate(ids, 4, 20)
	if d := math.Abs(before.Loss - math.Log(float64(v.Size()))); d > 0.2 {
		t.Errorf("untrained loss %.3f, want near log V = %.3f", before.Loss, math.Log(float64(v.Size())))
	}
	tr := NewTrainer(m, TrainConfig{BPTT: 20, Batch: 8, Optimizer: "adam", LR: 0.01, Clip: 1, Seed: 2})
	var first, last float64
	for e := 0; e < 6; e++ {
		tr.Epoch(ids, func(s StepInfo) bool {
			if first == 0 {
				first = s.Loss
			}
			last = s.Loss
			return true
		})
		tr.EndEpoch(m.Evaluate(ids, 4, 20).Loss)
	}
	after := m.Evaluate(ids, 4, 20)
	t.Logf("loss: untrained %.3f, first step %.3f, last step %.3f, eval %.3f (%.3f bits/char)", before.Loss, first, last, after.Loss, after.BitsPerToken())
	if after.Loss > 0.6*before.Loss || last > 0.7*first {
		t.Errorf("loss did not fall: eval %.3f -> %.3f, steps %.3f -> %.3f", before.Loss, after.Loss, first, last)
	}
	if len(tr.History) != 6 || tr.Epochs != 6 {
		t.Errorf("history %d epochs, trainer says %d", len(tr.History), tr.Epochs)
	}
	r := rand.New(rand.NewPCG(5, 6))
	s, err := m.Sample(r, "the ", 60, SampleOptions{Temperature: 0.5, TopK: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sample: %q", s)
	if n := len([]rune(s)); n != 60 {
		t.Errorf("sample has %d characters, want 60", n)
	}
	for _, c := range s {
		if _, ok := v.ID(string(c)); !ok {
			t.Errorf("sampled %q outside the vocabulary", c)
		}
	}
	// A trained model continues "the " with a word of the text most of the time.
	words := 0
	for _, w := range strings.Fields(s) {
		if strings.Contains(tinyText, strings.Trim(w, ".")) {
			words++
		}
	}
	if words*2 < len(strings.Fields(s)) {
		t.Errorf("sample %q: only %d of %d words from the text", s, words, len(strings.Fields(s)))
	}
	// Same seed, same sample.
	s2, _ := m.Sample(rand.New(rand.NewPCG(5, 6)), "the ", 60, SampleOptions{Temperature: 0.5, TopK: 5})
	if s2 != s {
		t.Errorf("sampling is not deterministic: %q vs %q", s, s2)
	}
	// Unknown prompt characters are an error for a character model.
	var ue *UnknownError
	if _, err := m.Sample(r, "the zebra", 5, SampleOptions{}); !errors.As(err, &ue) || ue.Token != "z" {
		t.Errorf("prompt with unknown character: err %v, want UnknownError for z", err)
	}
}

// TestWordSGDAnnealAndCheckpoint trains a word model with SGD, checks the
// plateau annealing, and that a checkpoint resumes exactly the same state.
func TestWordSGDAnnealAndCheckpoint(t *testing.T) {
	text := strings.Repeat(tinyText, 20)
	v, ids, err := BuildVocab(text, Word)
	if err != nil {
		t.Fatal(err)
	}
	if v.Tokens[0] != EOS || v.Tokens[1] != UNK {
		t.Fatalf("word vocabulary starts %q", v.Tokens[:2])
	}
	m := New(Config{Vocab: v, Embed: 16, Hidden: 16, Layers: 2, Dropout: 0.2, Tied: true})
	m.Init(3)
	tr := NewTrainer(m, TrainConfig{BPTT: 10, Batch: 4, LR: 5, Clip: 0.25, Seed: 1})
	before := m.Evaluate(ids, 2, 10).Loss
	tr.Epoch(ids, nil)
	after := m.Evaluate(ids, 2, 10).Loss
	if !(after < before) {
		t.Errorf("SGD epoch: loss %.3f -> %.3f", before, after)
	}
	if !tr.EndEpoch(after) || tr.LR != 5 {
		t.Errorf("first epoch should improve and keep LR 5 (LR %g)", tr.LR)
	}
	if tr.EndEpoch(after+1) || tr.LR != 1.25 {
		t.Errorf("a worse epoch should divide LR by 4: LR %g", tr.LR)
	}
	// Stop mid-epoch, checkpoint, resume: same parameters, state and position.
	steps := 0
	tr.Epoch(ids, func(StepInfo) bool { steps++; return steps < 3 })
	var buf bytes.Buffer
	if err := tr.SaveCheckpoint(&buf); err != nil {
		t.Fatal(err)
	}
	tr2, err := Resume(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if tr2.Pos != tr.Pos || tr2.LR != tr.LR || tr2.Epochs != tr.Epochs || tr2.Steps != tr.Steps || len(tr2.History) != 2 || tr2.BestValid != tr.BestValid {
		t.Errorf("resumed trainer %+v differs from %+v", tr2.History, tr.History)
	}
	if !equal(tr2.M.Data, m.Data) || !equal(tr2.State().H, tr.State().H) || !equal(tr2.State().C, tr.State().C) {
		t.Error("resumed parameters or state differ")
	}
	if !tr2.M.Tied || tr2.M.Vocab.Size() != v.Size() {
		t.Error("resumed config differs")
	}
	// Without dropout both continue identically.
	tr.M.Dropout, tr2.M.Dropout = 0, 0
	tr.M.Stack.Dropout, tr2.M.Stack.Dropout = 0, 0
	tr.Epoch(ids, nil)
	tr2.Epoch(ids, nil)
	if !equal(tr2.M.Data, m.Data) {
		t.Error("resumed training diverged")
	}
	// A model file loads back; a checkpoint is not needed for Load.
	buf.Reset()
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if a, b := m.Evaluate(ids, 2, 10).Loss, m2.Evaluate(ids, 2, 10).Loss; a != b {
		t.Errorf("loaded model loss %g, saved %g", b, a)
	}
	if _, err := Resume(buf.Bytes()); err == nil {
		t.Error("Resume of a model file without training state succeeded")
	}
	// Unknown words map to <unk>.
	got, err := v.Encode("the zebra\n")
	if err != nil || len(got) != 3 || got[1] != 1 {
		t.Errorf("Encode with unknown word: %v %v", got, err)
	}
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBadInput(t *testing.T) {
	for _, s := range []string{"", "\x00\x01\x02", "ab\xff\xfe", "\n\n  \n"} {
		if _, _, err := BuildVocab(s, Word); err == nil {
			t.Errorf("BuildVocab(%q, word) succeeded", s)
		}
	}
	if _, _, err := BuildVocab("", Char); err == nil {
		t.Error("BuildVocab of empty text succeeded")
	}
	v, _, _ := BuildVocab(tinyText, Char)
	m := New(Config{Vocab: v, Embed: 4, Hidden: 4, Layers: 1})
	m.Init(1)
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for n := 0; n < len(good); n += 1 + n/4 {
		if _, err := Load(good[:n]); err == nil {
			t.Errorf("Load of %d of %d bytes succeeded", n, len(good))
		}
	}
	// A vocabulary that does not match the embedding.
	meta := m.meta()
	meta["lstmlm"] = strings.Replace(meta["lstmlm"], `"tokens":["\n",`, `"tokens":[`, 1)
	if meta["lstmlm"] == m.meta()["lstmlm"] {
		t.Fatal("test metadata not edited")
	}
	buf.Reset()
	if err := safetensors.Write(&buf, m.tensors(), meta); err != nil {
		t.Fatal(err)
	}
	bad := buf.Bytes()
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "vocabulary") {
		t.Errorf("Load with a vocabulary of the wrong size: %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	v, _, _ := BuildVocab(tinyText, Char)
	m := New(Config{Vocab: v, Embed: 4, Hidden: 4, Layers: 1})
	m.Init(1)
	var buf bytes.Buffer
	m.Save(&buf)
	f.Add(buf.Bytes())
	for _, name := range []string{"golden", "golden_tied"} {
		if b, err := os.ReadFile("../../../testdata/lstmlm/" + name + ".safetensors"); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(b)
		if err == nil {
			m.Evaluate([]int{0, 1, 0, 1}, 1, 2)
		}
	})
}

// TestScorerLogProb checks sentence scores against Evaluate's loss on the
// same tokens and that a trained model prefers a sentence of its text.
func TestScorerLogProb(t *testing.T) {
	text := strings.Repeat(tinyText, 20)
	v, ids, _ := BuildVocab(text, Word)
	m := New(Config{Vocab: v, Embed: 16, Hidden: 16, Layers: 1})
	m.Init(3)
	tr := NewTrainer(m, TrainConfig{BPTT: 10, Batch: 4, Optimizer: "adam", LR: 0.01})
	for range 5 {
		tr.Epoch(ids, nil)
	}
	sc := m.NewScorer()
	good, n, err := sc.LogProb("the cat sat on the mat.")
	if err != nil || n != 7 {
		t.Fatalf("LogProb: %v, %d tokens", err, n)
	}
	bad, _, _ := sc.LogProb("mat the on sat cat the.")
	if !(good > bad) {
		t.Errorf("log-prob of a training sentence %.3f not above its shuffle %.3f", good, bad)
	}
	// Same as a batch-1 evaluation of <eos> + sentence + <eos>.
	seq, _ := v.Encode("\nthe cat sat on the mat.\n")
	seq = seq[1:] // Encode gives <eos> for the empty first line
	r := m.Evaluate(append([]int{0}, seq...), 1, 100)
	if d := -r.Loss*float64(r.Tokens) - good; d > 1e-4 || d < -1e-4 {
		t.Errorf("LogProb %.6f, Evaluate gives %.6f", good, -r.Loss*float64(r.Tokens))
	}
	// A batch gives the same scores as one sentence at a time.
	sents := []string{"the cat sat on the mat.", "a dog", "", "the zebra and a cat sat on a log."}
	lps, ns, err := sc.LogProbs(sents)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sents {
		lp, n, _ := sc.LogProb(s)
		if math.Abs(lp-lps[i]) > 1e-4 || n != ns[i] {
			t.Errorf("%q: batch %.6f (%d tokens), alone %.6f (%d)", s, lps[i], ns[i], lp, n)
		}
	}
	if _, _, err := sc.LogProb("two\nlines"); err == nil {
		t.Error("LogProb accepted two lines")
	}
}

// TestAdamCheckpointResumesExactly stops an Adam run mid-epoch, resumes it
// from the checkpoint, and checks that it ends bit for bit where the
// uninterrupted run ends: the moments and step count travel with the
// checkpoint (without them the resumed run would take full-size steps).
func TestAdamCheckpointResumesExactly(t *testing.T) {
	text := strings.Repeat(tinyText, 10)
	v, ids, err := BuildVocab(text, Char)
	if err != nil {
		t.Fatal(err)
	}
	newRun := func() *Trainer {
		m := New(Config{Vocab: v, Embed: 8, Hidden: 16, Layers: 2})
		m.Init(4)
		return NewTrainer(m, TrainConfig{BPTT: 12, Batch: 4, Optimizer: "adam", LR: 0.01, Clip: 1, Seed: 5})
	}
	whole := newRun()
	whole.Epoch(ids, nil)

	part := newRun()
	steps := 0
	part.Epoch(ids, func(StepInfo) bool { steps++; return steps < 4 })
	var buf bytes.Buffer
	if err := part.SaveCheckpoint(&buf); err != nil {
		t.Fatal(err)
	}
	resumed, err := Resume(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := resumed.opt.(*lstm.Adam); !ok || a.Steps() != 4 {
		t.Fatalf("resumed optimizer %T, want Adam after 4 steps", resumed.opt)
	}
	resumed.Epoch(ids, nil)
	if !equal(resumed.M.Data, whole.M.Data) {
		t.Error("resumed Adam run differs from the uninterrupted one")
	}
	// A checkpoint whose moments do not fit the model is refused.
	f, err := safetensors.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var tensors []safetensors.Tensor
	for _, info := range f.Tensors {
		x, err := f.Float32(info.Name)
		if err != nil {
			t.Fatal(err)
		}
		shape := info.Shape
		if info.Name == "optim.adam.v" {
			x = x[:len(x)-1]
			shape = []int{len(x)}
		}
		tensors = append(tensors, safetensors.Tensor{Name: info.Name, Shape: shape, F32: x})
	}
	buf.Reset()
	if err := safetensors.Write(&buf, tensors, f.Metadata); err != nil {
		t.Fatal(err)
	}
	var fe *FileError
	if _, err := Resume(buf.Bytes()); !errors.As(err, &fe) {
		t.Errorf("checkpoint with a short Adam state: err %v, want a FileError", err)
	}
}
