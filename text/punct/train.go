package punct

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ecoute/ecoute/lstm"
)

// TrainConfig sets the training recipe.
type TrainConfig struct {
	Window int     // words per training window (default 64)
	Batch  int     // windows per step (default 32)
	LR     float64 // Adam's learning rate (default 0.002)
	Clip   float64 // maximum global gradient norm (default 5)
	Seed   uint64  // window sampling
	// Steps, when positive, decays the learning rate from LR to LR/20
	// along a cosine over that many steps (after Warmup steps of linear
	// warm-up), then keeps LR/20; 0 keeps LR constant.
	Steps, Warmup int
}

func (c *TrainConfig) defaults() {
	if c.Window <= 0 {
		c.Window = 64
	}
	if c.Batch <= 0 {
		c.Batch = 32
	}
	if c.LR <= 0 {
		c.LR = 0.002
	}
	if c.Clip <= 0 {
		c.Clip = 5
	}
}

// Trainer trains a Model with Adam on windows of words drawn at random
// offsets of the training streams (so a window may start mid-sentence, as
// a recognizer's segment may).
type Trainer struct {
	M     *Model
	Cfg   TrainConfig
	Opt   *lstm.Adam
	Steps int // optimizer steps taken
	Words int // words trained on

	docs  [][]Token
	cum   []int // cumulative stream lengths, for sampling by length
	rng   *rand.Rand
	ws    *lstm.Workspace
	in    []int
	dy    []float32
	tgtP  []Punct
	tgtC  []Case
	lens  []int
	total int
}

// NewTrainer returns a trainer over docs. It panics if docs hold no word.
func NewTrainer(m *Model, docs [][]Token, c TrainConfig) *Trainer {
	c.defaults()
	t := &Trainer{M: m, Cfg: c, Opt: lstm.NewAdam(), docs: docs, ws: lstm.NewWorkspace(c.Seed)}
	for _, d := range docs {
		t.total += len(d)
		t.cum = append(t.cum, t.total)
	}
	if t.total == 0 {
		panic("punct: no training words")
	}
	t.rng = rand.New(rand.NewPCG(c.Seed, 11))
	return t
}

// Resume sets the step count so that sampling continues with fresh
// windows after a checkpoint (the windows drawn are not those an
// uninterrupted run would draw).
func (t *Trainer) Resume(steps, words int) {
	t.Steps, t.Words = steps, words
	t.rng = rand.New(rand.NewPCG(t.Cfg.Seed, 11+uint64(steps)))
}

// Epochs returns the number of passes over the training words so far.
func (t *Trainer) Epochs() float64 { return float64(t.Words) / float64(t.total) }

// sample fills the next batch with windows drawn by length-weighted
// document and uniform offset.
func (t *Trainer) sample() (T, B int) {
	c := t.Cfg
	B = c.Batch
	T = c.Window
	t.lens = t.lens[:0]
	wins := make([][]Token, B)
	for b := range B {
		k := t.rng.IntN(t.total)
		d := 0
		for t.cum[d] <= k {
			d++
		}
		doc := t.docs[d]
		n := min(T, len(doc))
		st := 0
		if len(doc) > n {
			st = t.rng.IntN(len(doc) - n + 1)
		}
		wins[b] = doc[st : st+n]
		t.lens = append(t.lens, n)
	}
	T = 0
	for _, l := range t.lens {
		T = max(T, l)
	}
	t.in = growT(t.in, T*B)
	t.tgtP = growT(t.tgtP, T*B)
	t.tgtC = growT(t.tgtC, T*B)
	for b, w := range wins {
		for i := range T {
			r := i*B + b
			if i >= len(w) {
				t.in[r], t.tgtP[r], t.tgtC[r] = 0, numPunct, noCase
				continue
			}
			t.in[r], t.tgtP[r], t.tgtC[r] = t.M.Vocab.ID(w[i].Word), w[i].Punct, w[i].Case
		}
	}
	return T, B
}

// Step draws a batch, runs forward and backward, clips and updates, and
// returns the batch's mean loss per word (punctuation plus case, in nats)
// and the gradient norm before clipping. A step whose gradient is not
// finite makes no update.
func (t *Trainer) Step() (loss, norm float64) {
	T, B := t.sample()
	m := t.M
	m.Net.Params.ZeroGrad()
	loss, words := t.forwardBackward(T, B)
	norm = lstm.ClipGlobalNorm(m.Net.Params.Grad, t.Cfg.Clip)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return loss, norm
	}
	t.Opt.Step(m.Net.Params.Data, m.Net.Params.Grad, t.LR())
	t.Steps++
	t.Words += words
	return loss, norm
}

// forwardBackward runs the network on the sampled batch [T][B] and adds
// the gradient of its mean loss per word to Params.Grad; it returns that
// loss and the number of words.
func (t *Trainer) forwardBackward(T, B int) (loss float64, words int) {
	m := t.M
	lens := append([]int(nil), t.lens...)
	out := m.Net.Forward(t.ws, lstm.Batch{IDs: t.in[:T*B], T: T, B: B, Lengths: lens}, true)
	t.dy = growT(t.dy, len(out))
	for _, l := range lens {
		words += l
	}
	sum := lossGrad(out, t.dy, t.tgtP[:T*B], t.tgtC[:T*B], 1/float32(words))
	m.Net.Backward(t.ws, t.dy)
	return sum / float64(words), words
}

// lossGrad returns the summed cross-entropy of both heads over the rows of
// out [N][outputs] and writes its gradient times scale into dy
// (softmax minus one-hot per head). Rows with case noCase contribute only
// their punctuation; padding rows (punctuation numPunct) contribute
// nothing and are zero in dy.
func lossGrad(out, dy []float32, tp []Punct, tc []Case, scale float32) float64 {
	var sum float64
	for r := range tp {
		row, d := out[r*outputs:(r+1)*outputs], dy[r*outputs:(r+1)*outputs]
		if tp[r] == numPunct {
			clear(d)
			continue
		}
		sum += softmaxCE(row[:outPunct], d[:outPunct], int(tp[r]), scale)
		if tc[r] == noCase {
			clear(d[outPunct:])
			continue
		}
		sum += softmaxCE(row[outPunct:], d[outPunct:], int(tc[r]), scale)
	}
	return sum
}

// softmaxCE returns -log softmax(z)[k] and writes scale·(softmax(z) - onehot(k))
// into d.
func softmaxCE(z, d []float32, k int, scale float32) float64 {
	mx := z[0]
	for _, v := range z {
		mx = max(mx, v)
	}
	var s float64
	for i, v := range z {
		e := math.Exp(float64(v - mx))
		d[i] = float32(e)
		s += e
	}
	for i := range d {
		d[i] = float32(float64(d[i])/s) * scale
	}
	d[k] -= scale
	return -(float64(z[k]-mx) - math.Log(s))
}

func growT[E any](s []E, n int) []E {
	if cap(s) < n {
		return make([]E, n)
	}
	return s[:n]
}

// LR returns the learning rate of the next step.
func (t *Trainer) LR() float32 {
	c := t.Cfg
	if c.Steps <= 0 {
		return lstm.Schedule{Base: c.LR, Warmup: c.Warmup}.LR(t.Steps)
	}
	return lstm.Schedule{Base: c.LR, Warmup: c.Warmup, Kind: lstm.Cosine, Total: c.Steps, Min: c.LR / 20}.LR(t.Steps)
}

// String describes the recipe.
func (c TrainConfig) String() string {
	return fmt.Sprintf("window %d, batch %d, adam lr %g (warm-up %d, cosine over %d steps), clip %g, seed %d", c.Window, c.Batch, c.LR, c.Warmup, c.Steps, c.Clip, c.Seed)
}

// StepInfo reports one training step.
type StepInfo struct {
	Step     int     // steps taken, this one included
	Words    int     // words trained on so far
	Epochs   float64 // passes over the training words so far
	Loss     float64 // mean loss per word of the step's batch (nats)
	GradNorm float64 // before clipping
}

// Train takes steps until each, called after every step, returns false.
func (t *Trainer) Train(each func(StepInfo) bool) {
	for {
		loss, norm := t.Step()
		if !each(StepInfo{Step: t.Steps, Words: t.Words, Epochs: t.Epochs(), Loss: loss, GradNorm: norm}) {
			return
		}
	}
}
