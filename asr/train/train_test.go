package train

import (
	"fmt"
	"github.com/ecoute/ecoute/asr"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/audio"
	"github.com/ecoute/ecoute/text/lm"
)

// toyCorpus writes utterances spelling words of the letters a, b, c, each
// letter a 120 ms tone of its own pitch (a 400 Hz, b 1300 Hz, c 2900 Hz) and
// a short gap, with a space as a longer gap (250 ms). It returns the manifest path.
func toyCorpus(t testing.TB, dir string, texts []string) string {
	t.Helper()
	const rate = 16000
	freq := map[rune]float64{'a': 400, 'b': 1300, 'c': 2900}
	var lines []string
	for n, s := range texts {
		var x []float32
		gap := func(sec float64) { x = append(x, make([]float32, int(sec*rate))...) }
		gap(0.1)
		for _, r := range s {
			if r == ' ' {
				gap(0.25)
				continue
			}
			f := freq[r]
			for i := 0; i < int(0.12*rate); i++ {
				env := math.Sin(math.Pi * float64(i) / (0.12 * rate))
				x = append(x, float32(0.4*env*math.Sin(2*math.Pi*f*float64(i)/rate)))
			}
			gap(0.05)
		}
		gap(0.1)
		// A little noise so silence is not digital zero.
		for i := range x {
			x[i] += float32(0.002 * math.Sin(float64(i)*1.7+float64(n)))
		}
		p := filepath.Join(dir, fmt.Sprintf("u%02d.wav", n))
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := audio.EncodeWAV(f, x, rate); err != nil {
			t.Fatal(err)
		}
		f.Close()
		lines = append(lines, fmt.Sprintf("u%02d.wav\t%s\ttoy", n, strings.ToUpper(s)))
	}
	m := filepath.Join(dir, "train.tsv")
	if err := os.WriteFile(m, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return m
}

var toyTexts = []string{"abc", "cab", "bca", "ac b", "ba", "cc a", "abba", "cb", "a c", "bac", "ca", "b a c"}

func toyOptions(dir, manifest string) Options {
	o := DefaultOptions()
	c := asr.DefaultConfig()
	c.HiddenSize, c.NumLayers = 24, 1
	c.Fill()
	o.Model = c
	o.Train = []string{manifest}
	o.Dev = []string{manifest}
	o.Out = filepath.Join(dir, "toy.safetensors")
	o.Epochs = 60
	o.BatchFrames = 600 // about 4 utterances per batch
	o.LR, o.MinLR, o.Warmup = 0.02, 0.002, 10
	o.Augment = false
	o.SpecAugment = SpecAugment{}
	o.Threads = 2
	return o
}

func TestTrainLearnsToyCorpus(t *testing.T) {
	dir := t.TempDir()
	man := toyCorpus(t, dir, toyTexts)
	var log strings.Builder
	o := toyOptions(dir, man)
	o.Log = &log
	m, st, err := Run(o, false)
	if err != nil {
		t.Fatal(err)
	}
	h := st.History
	if len(h) < 10 {
		t.Fatalf("%d epochs recorded", len(h))
	}
	first, last := h[0], h[len(h)-1]
	t.Logf("loss %.3f -> %.3f, CER %.1f%% -> %.1f%%", first.Loss, last.Loss, 100*first.CER, 100*last.CER)
	if !(last.Loss < first.Loss/4) {
		t.Errorf("train loss went from %.3f to %.3f; want it to fall by 4x\n%s", first.Loss, last.Loss, log.String())
	}
	if last.CER > 0.05 {
		t.Errorf("dev CER %.1f%% after training, want about 0\n%s", 100*last.CER, log.String())
	}
	// The saved model decodes the training utterances with the Recognizer.
	m2, err := asr.LoadFile(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	if m2.Config.Provenance.Steps != m.Config.Provenance.Steps {
		t.Errorf("saved model has %d steps, trained %d", m2.Config.Provenance.Steps, m.Config.Provenance.Steps)
	}
	lmod, err := lm.Build(strings.NewReader(strings.Join(toyTexts, "\n")), lm.BuildOptions{Order: 2})
	if err != nil {
		t.Fatal(err)
	}
	if m2.LM, err = asr.NewLanguageModel(lmod); err != nil {
		t.Fatal(err)
	}
	for _, o := range []asr.Options{{Timestamps: true}, {Beam: 8, Timestamps: true, NBest: 2}, {Beam: 8, UseLM: true, Alpha: 0.5, Beta: 1, Timestamps: true}} {
		checkToyRecognizer(t, dir, m2, o)
	}
}

// transcribeToy transcribes toy utterance n of dir with r.
func transcribeToy(t *testing.T, r *asr.Recognizer, dir string, n int) *asr.Result {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, fmt.Sprintf("u%02d.wav", n)))
	if err != nil {
		t.Fatal(err)
	}
	p, err := audio.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Transcribe(p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func checkToyRecognizer(t *testing.T, dir string, m *asr.Model, o asr.Options) {
	r := asr.NewRecognizer(m, o)
	right := 0
	for n, want := range toyTexts {
		res := transcribeToy(t, r, dir, n)
		if res.Text == want {
			right++
		} else {
			t.Logf("%+v: utterance %d: got %q, want %q", o, n, res.Text, want)
		}
		if len(res.Words) != len(strings.Fields(res.Text)) {
			t.Errorf("%+v: %d words for %q", o, len(res.Words), res.Text)
		}
		for i, w := range res.Words {
			if w.Start < 0 || w.End <= w.Start || w.End > res.Duration+0.05 || (i > 0 && w.Start < res.Words[i-1].End) || w.Confidence <= 0 || w.Confidence > 1 {
				t.Errorf("%+v: utterance %d: bad word %+v (duration %.2f)", o, n, w, res.Duration)
			}
		}
		if o.NBest > 1 && len(res.NBest) == 0 {
			t.Errorf("no n-best list")
		}
	}
	if right < len(toyTexts)-1 {
		t.Errorf("%+v: recognizer got %d of %d utterances right", o, right, len(toyTexts))
	}
}

// trainAs trains with o, writing the model to out, and fails the test on error.
func trainAs(t *testing.T, out string, o Options, resume bool) *asr.Model {
	t.Helper()
	o.Out = out
	m, _, err := Run(o, resume)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sameWeights reports whether two models of one config have identical weights.
func sameWeights(x, y *asr.Model) bool {
	for _, s := range asr.TensorSpecs(&x.Config) {
		p, q := x.Tensor(s.Name), y.Tensor(s.Name)
		for i := range p {
			if p[i] != q[i] {
				return false
			}
		}
	}
	return true
}

// toyRun makes a toy corpus of 8 utterances in a new temporary folder and
// returns the folder and options that train on it for epochs with no dev set.
func toyRun(t *testing.T, epochs float64) (string, Options) {
	t.Helper()
	dir := t.TempDir()
	o := toyOptions(dir, toyCorpus(t, dir, toyTexts[:8]))
	o.Epochs = epochs
	o.Dev = nil
	return dir, o
}

// seedAndResume trains with base twice, and once stopped after stop steps
// and resumed, in dir under names starting with prefix. It fails the test
// unless the three models are identical (what says which options they had)
// and returns the first.
func seedAndResume(t *testing.T, dir, prefix string, base Options, stop int, what string) *asr.Model {
	t.Helper()
	run := func(name string, o Options, resume bool) *asr.Model {
		o.Checkpoint = filepath.Join(dir, prefix+name+".ckpt")
		return trainAs(t, filepath.Join(dir, prefix+name+".safetensors"), o, resume)
	}
	a := run("a", base, false)
	b := run("b", base, false)
	half := base
	half.MaxSteps = stop
	run("c", half, false)
	c := run("c", base, true)
	if a.Config.Provenance.Steps < stop+3 {
		t.Fatalf("only %d steps", a.Config.Provenance.Steps)
	}
	if !sameWeights(a, b) {
		t.Errorf("same seed %sgave different models", what)
	}
	if !sameWeights(a, c) {
		t.Errorf("%sstopping after %d steps and resuming gave a different model than an uninterrupted run", what, stop)
	}
	return a
}

func TestTrainResumeAndSeed(t *testing.T) {
	dir, base := toyRun(t, 6)
	base.Augment = true
	base.AugmentProb = 1
	base.SpecAugment = DefaultSpecAugment()

	a := seedAndResume(t, dir, "", base, 5, "")
	other := base
	other.Seed = 99
	if d := trainAs(t, filepath.Join(dir, "d.safetensors"), other, false); sameWeights(a, d) {
		t.Error("different seeds gave the same model")
	}
	// Resuming with different options is refused.
	bad := base
	bad.LR = 0.5
	bad.Checkpoint = filepath.Join(dir, "a.ckpt")
	if _, _, err := Run(bad, true); err == nil || !strings.Contains(err.Error(), "other options") {
		t.Errorf("resume with other options: %v", err)
	}
}

// TestTrainSkipsNaNBatch feeds a batch whose features hold a NaN: the step
// must be reported as skipped and leave the weights and optimizer alone.
func TestTrainSkipsNaNBatch(t *testing.T) {
	dir := t.TempDir()
	man := toyCorpus(t, dir, toyTexts[:4])
	o := fillDefaults(toyOptions(dir, man))
	tr, err := newTrainer(o, false)
	if err != nil {
		t.Fatal(err)
	}
	p := tr.prepare(0, []int{0, 1}, false)
	if p.err != nil {
		t.Fatal(p.err)
	}
	before := append([]float32(nil), tr.net.Params.Data...)
	p.inputs[1][3][5] = float32(math.NaN())
	_, _, ok, msg := tr.step(p, 0.01)
	if ok {
		t.Fatal("a batch with NaN input was not skipped")
	}
	t.Logf("skipped: %s", msg)
	for i, v := range tr.net.Params.Data {
		if v != before[i] {
			t.Fatalf("weight %d changed from %v to %v", i, before[i], v)
		}
	}
	if n := tr.adam.Steps(); n != 0 {
		t.Errorf("optimizer stepped %d times", n)
	}
	// A clean batch trains.
	p = tr.prepare(0, []int{0, 1}, false)
	if _, _, ok, msg := tr.step(p, 0.01); !ok {
		t.Fatalf("clean batch skipped: %s", msg)
	}
}

// TestTrainVTLP: warped filterbanks are drawn from the seed like the other
// augmentations (two runs agree), they change the model, a checkpoint made
// with other VTLP options is not resumed, and bad factors are refused.
func TestTrainVTLP(t *testing.T) {
	dir, base := toyRun(t, 2)
	base.VTLP = VTLP{Prob: 1, Min: 0.85, Max: 1.15}
	run := func(name string, o Options) *asr.Model { return trainAs(t, filepath.Join(dir, name), o, false) }
	a, b := run("a.safetensors", base), run("b.safetensors", base)
	plain := base
	plain.VTLP = VTLP{}
	c := run("c.safetensors", plain)
	if !sameWeights(a, b) {
		t.Error("same seed with VTLP gave different models")
	}
	if sameWeights(a, c) {
		t.Error("VTLP did not change the model")
	}
	other := base
	other.VTLP.Max = 1.1
	other.Checkpoint = filepath.Join(dir, "a.safetensors.ckpt")
	if _, _, err := Run(other, true); err == nil || !strings.Contains(err.Error(), "other options") {
		t.Errorf("resume with other VTLP options: %v", err)
	}
	for _, v := range []VTLP{{Prob: 1.5, Min: 0.9, Max: 1.1}, {Prob: 0.5, Min: 1.1, Max: 0.9}, {Prob: 0.5}, {Prob: 0.5, Min: 0.3, Max: 1}} {
		o := base
		o.VTLP = v
		if _, _, err := Run(o, false); err == nil || !strings.Contains(err.Error(), "vtlp") {
			t.Errorf("VTLP %+v: %v", v, err)
		}
	}
}

// TestTrainDropout: dropout masks come from the seed and the step (two runs
// agree, and a run stopped and resumed matches one that was not), dropout
// changes the model, a checkpoint made without it is not resumed with it,
// and a probability outside [0, 1) is refused.
func TestTrainDropout(t *testing.T) {
	dir, base := toyRun(t, 4)
	base.Model.NumLayers = 2
	base.Dropout = 0.3
	plain := base
	plain.Dropout = 0
	checkOption(t, dir, "dropout", base, plain)
	for _, p := range []float32{-0.1, 1, float32(math.NaN())} {
		o := base
		o.Dropout = p
		if _, _, err := Run(o, false); err == nil || !strings.Contains(err.Error(), "dropout") {
			t.Errorf("dropout %v: %v", p, err)
		}
	}
}

// checkOption checks a training option that on sets and off does not:
// with it, two runs of one seed agree and a run stopped and resumed matches
// an uninterrupted one (seedAndResume); it changes the model; and a
// checkpoint made without it is not resumed with it. It trains in dir under
// names starting with name.
func checkOption(t *testing.T, dir, name string, on, off Options) {
	t.Helper()
	a := seedAndResume(t, dir, name+"-", on, 3, "with "+name+" ")
	off.Checkpoint = filepath.Join(dir, name+"-off.ckpt")
	if d := trainAs(t, filepath.Join(dir, name+"-off.safetensors"), off, false); sameWeights(a, d) {
		t.Errorf("%s did not change the model", name)
	}
	resumed := on
	resumed.Checkpoint = off.Checkpoint
	if _, _, err := Run(resumed, true); err == nil || !strings.Contains(err.Error(), "other options") {
		t.Errorf("resume of a run without %s with it: %v", name, err)
	}
}

// TestTrainSentencePiece trains the toy corpus on the labels of a tiny
// SentencePiece model (testdata/asr/toy_spm.model, made by
// testdata/gen/asr_spm_toy.py with python3-sentencepiece) and decodes the
// saved model with the Recognizer: the model file carries the tokenizer,
// the blank comes after SentencePiece's pieces, and the transcripts come
// back through text.SentencePiece's decoding.
func TestTrainSentencePiece(t *testing.T) {
	dir := t.TempDir()
	o := toyOptions(dir, toyCorpus(t, dir, toyTexts))
	o.TokenizerModel = filepath.Join("..", "..", "testdata", "asr", "toy_spm.model")
	o.Epochs = 40
	var log strings.Builder
	o.Log = &log
	if _, _, err := Run(o, false); err != nil {
		t.Fatal(err)
	}
	m, err := asr.LoadFile(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	tc := m.Config.Tokenizer
	if tc.Type != asr.TokenizerSentencePiece || tc.Blank != 12 || len(tc.Vocab) != 13 || tc.Vocab[6] != "\u2581ab" {
		t.Fatalf("tokenizer %s, blank %d, vocabulary %q", tc.Type, tc.Blank, tc.Vocab)
	}
	tok, err := tc.Tokenizer()
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := tok.Encode("abc ac b"); fmt.Sprint(ids) != "[6 10 3 10 5]" {
		t.Errorf("abc ac b = %v, want SentencePiece's ▁ab c ▁a c ▁b = [6 10 3 10 5]", ids)
	}
	r := asr.NewRecognizer(m, asr.Options{})
	right := 0
	for n, want := range toyTexts {
		res := transcribeToy(t, r, dir, n)
		if got := strings.Join(strings.Fields(res.Text), " "); got == want {
			right++
		} else {
			t.Logf("utterance %d: got %q, want %q", n, res.Text, want)
		}
	}
	if right < len(toyTexts)-1 {
		t.Errorf("recognizer got %d of %d utterances right\n%s", right, len(toyTexts), log.String())
	}
}
