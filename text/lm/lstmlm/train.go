package lstmlm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ecoute/ecoute/lstm"
)

// TrainConfig sets the training recipe.
type TrainConfig struct {
	BPTT  int // steps per truncated-backpropagation chunk (default 35)
	Batch int // parallel streams the training text is cut into (default 20)
	// Optimizer is "sgd" (plain SGD as word_language_model, the default) or
	// "adam" (torch.optim.Adam's defaults).
	Optimizer string
	LR        float64 // learning rate (default 20 for SGD, 0.002 for Adam)
	// Anneal divides the learning rate when the validation loss of an
	// epoch does not improve on the best so far (default 4; 1 disables).
	Anneal float64
	Clip   float64 // maximum global gradient norm (0: no clipping)
	Seed   uint64  // dropout masks
}

func (c *TrainConfig) defaults() {
	if c.BPTT <= 0 {
		c.BPTT = 35
	}
	if c.Batch <= 0 {
		c.Batch = 20
	}
	if c.Optimizer == "" {
		c.Optimizer = "sgd"
	}
	if c.LR <= 0 {
		c.LR = 20
		if c.Optimizer == "adam" {
			c.LR = 0.002
		}
	}
	if c.Anneal <= 0 {
		c.Anneal = 4
	}
}

// EpochStats records one finished epoch.
type EpochStats struct {
	Epoch      int     `json:"epoch"`
	LR         float64 `json:"lr"`
	TrainLoss  float64 `json:"train_loss"`
	ValidLoss  float64 `json:"valid_loss"`
	Improved   bool    `json:"improved"`
	TrainSteps int     `json:"steps"`
}

// Trainer trains a Model with truncated BPTT over a token stream.
type Trainer struct {
	M   *Model
	Cfg TrainConfig

	LR        float64      // current learning rate
	Epochs    int          // completed epochs
	Pos       int          // next chunk's row in the current epoch's batched stream
	Steps     int          // optimizer steps taken
	BestValid float64      // best validation loss so far (+Inf before any)
	History   []EpochStats // finished epochs

	// Running sums of the current epoch (for its mean training loss).
	EpochLoss   float64
	EpochTokens int

	state *State
	ws    *lstm.Workspace
	opt   lstm.Optimizer
	rng   *rand.Rand
	h     head
	x     []float32 // [N][E] embedded (and dropped-out) inputs
	maskE []float32
	maskO []float32
	yd    []float32 // [N][H] top output after dropout
	dy    []float32
	in    []int
	tgt   []int
}

// NewTrainer returns a trainer at the start of training. It panics on an
// unknown optimizer.
func NewTrainer(m *Model, c TrainConfig) *Trainer {
	c.defaults()
	t := &Trainer{M: m, Cfg: c, LR: c.LR, BestValid: math.Inf(1)}
	t.init()
	return t
}

func (t *Trainer) init() {
	c := t.Cfg
	switch c.Optimizer {
	case "sgd":
		t.opt = &lstm.SGD{}
	case "adam":
		t.opt = lstm.NewAdam()
	default:
		panic("lstmlm: unknown optimizer " + c.Optimizer)
	}
	// A resumed run draws fresh dropout masks (not those of the start).
	t.rng = rand.New(rand.NewPCG(c.Seed, 3+uint64(t.Steps)))
	t.ws = lstm.NewWorkspace(c.Seed + uint64(t.Steps))
	t.ws.InputGrad = true
	if t.state == nil {
		t.state = t.M.NewState(c.Batch)
	}
}

// Batchify cuts a stream into B columns as word_language_model's batchify:
// the first ⌊len/B⌋·B tokens, column b holding the b-th consecutive piece;
// the result is row-major [rows][B].
func Batchify(stream []int, B int) (data []int, rows int) {
	rows = len(stream) / B
	data = make([]int, rows*B)
	for b := 0; b < B; b++ {
		for i := 0; i < rows; i++ {
			data[i*B+b] = stream[b*rows+i]
		}
	}
	return data, rows
}

// StepInfo reports one training step.
type StepInfo struct {
	Epoch, Step, Chunk, Chunks int
	Loss                       float64 // mean loss of the chunk (nats/token)
	GradNorm                   float64 // before clipping
	LR                         float64
}

// Epoch trains over one pass of the stream (resuming at t.Pos when an
// epoch was interrupted), calling each after every step; each returning
// false stops the epoch early (t.Pos then says where to resume). It returns
// whether the epoch ran to its end. It panics if the stream is shorter than
// Batch*2 tokens or holds an id out of range.
func (t *Trainer) Epoch(stream []int, each func(StepInfo) bool) bool {
	c := t.Cfg
	data, rows := Batchify(stream, c.Batch)
	if rows < 2 {
		panic(fmt.Sprintf("lstmlm: stream of %d tokens too short for %d streams", len(stream), c.Batch))
	}
	if t.Pos == 0 {
		t.state.Reset()
		t.EpochLoss, t.EpochTokens = 0, 0
	}
	chunks := (rows - 1 + c.BPTT - 1) / c.BPTT
	for t.Pos < rows-1 {
		T := min(c.BPTT, rows-1-t.Pos)
		in := data[t.Pos*c.Batch : (t.Pos+T)*c.Batch]
		tgt := data[(t.Pos+1)*c.Batch : (t.Pos+T+1)*c.Batch]
		loss, norm := t.Step(in, tgt, T)
		t.Pos += T
		t.EpochLoss += loss * float64(T*c.Batch)
		t.EpochTokens += T * c.Batch
		if each != nil && !each(StepInfo{Epoch: t.Epochs, Step: t.Steps, Chunk: (t.Pos + c.BPTT - 1) / c.BPTT, Chunks: chunks, Loss: loss, GradNorm: norm, LR: t.LR}) {
			return t.Pos >= rows-1
		}
	}
	return true
}

// EndEpoch closes an epoch with its validation loss: it records the
// epoch, keeps the best loss, and divides the learning rate by Anneal when
// the loss did not improve. It returns whether it improved.
func (t *Trainer) EndEpoch(validLoss float64) bool {
	improved := validLoss < t.BestValid
	st := EpochStats{Epoch: t.Epochs + 1, LR: t.LR, ValidLoss: validLoss, Improved: improved, TrainSteps: t.Steps}
	if t.EpochTokens > 0 {
		st.TrainLoss = t.EpochLoss / float64(t.EpochTokens)
	}
	t.History = append(t.History, st)
	if improved {
		t.BestValid = validLoss
	} else {
		t.LR /= t.Cfg.Anneal
	}
	t.Epochs++
	t.Pos = 0
	return improved
}

// Step runs one training step on the chunk in [T][B] with targets tgt
// [T][B], carrying the hidden state from the previous chunk, and returns
// the chunk's mean loss and the gradient norm before clipping. A step whose
// gradient is NaN or infinite is skipped (no update). It panics on ids out
// of range or shape mismatches.
func (t *Trainer) Step(in, tgt []int, T int) (loss, norm float64) {
	m, c := t.M, t.Cfg
	loss = t.lossGrad(in, tgt, T)
	copy(t.state.H, t.ws.HN())
	copy(t.state.C, t.ws.CN())
	if c.Clip > 0 {
		norm = lstm.ClipGlobalNorm(m.Grad, c.Clip)
	} else {
		norm = lstm.ClipGlobalNorm(m.Grad, math.Inf(1))
	}
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return loss, norm
	}
	t.opt.Step(m.Data, m.Grad, float32(t.LR))
	t.Steps++
	return loss, norm
}

// lossGrad runs forward and backward on one chunk from the carried state
// (left unchanged) and returns the mean loss; Grad holds its gradient.
func (t *Trainer) lossGrad(in, tgt []int, T int) float64 {
	m, c := t.M, t.Cfg
	B, E, H := c.Batch, m.Embed, m.Hidden
	N := T * B
	if len(in) != N || len(tgt) != N {
		panic(fmt.Sprintf("lstmlm: step with %d inputs and %d targets for [T=%d][B=%d]", len(in), len(tgt), T, B))
	}
	p := m.Dropout
	keep, scale := 1-p, 1/(1-p)
	drop := func(mask []float32) {
		for i := range mask {
			if t.rng.Float32() < keep {
				mask[i] = scale
			} else {
				mask[i] = 0
			}
		}
	}
	// Embedding and its dropout: x[r] = E[in[r]] ⊙ maskE[r].
	enc := m.Enc()
	t.x = grow(t.x, N*E)
	if p > 0 {
		t.maskE = grow(t.maskE, N*E)
		drop(t.maskE)
	}
	for r, id := range in {
		if id < 0 || id >= m.V {
			panic(fmt.Sprintf("lstmlm: token id %d outside vocabulary of %d", id, m.V))
		}
		row := t.x[r*E : (r+1)*E]
		copy(row, enc[id*E:(id+1)*E])
		if p > 0 {
			for j, mk := range t.maskE[r*E : (r+1)*E] {
				row[j] *= mk
			}
		}
	}
	y := m.Stack.Forward(t.ws, lstm.Batch{X: t.x, T: T, B: B, H0: t.state.H, C0: t.state.C}, true)
	// Output dropout: yd = y ⊙ maskO.
	yd := y
	if p > 0 {
		t.maskO = grow(t.maskO, N*H)
		drop(t.maskO)
		t.yd = grow(t.yd, N*H)
		for i, v := range y {
			t.yd[i] = v * t.maskO[i]
		}
		yd = t.yd
	}
	clear(m.Grad)
	t.dy = grow(t.dy, N*H)
	sum := m.run(&t.h, yd, N, tgt, t.dy, 1/float32(N))
	if p > 0 {
		for i, mk := range t.maskO {
			t.dy[i] *= mk
		}
	}
	m.Stack.Backward(t.ws, t.dy)
	// dE[in[r]] += dx[r] ⊙ maskE[r].
	dx, denc := t.ws.DX(), m.dEnc()
	for r, id := range in {
		g, d := denc[id*E:(id+1)*E], dx[r*E:(r+1)*E]
		if p > 0 {
			for j, mk := range t.maskE[r*E : (r+1)*E] {
				g[j] += d[j] * mk
			}
		} else {
			for j, v := range d {
				g[j] += v
			}
		}
	}
	return sum / float64(N)
}

// State returns the hidden state carried between chunks.
func (t *Trainer) State() *State { return t.state }
