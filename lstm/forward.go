package lstm

import (
	"fmt"
	"github.com/ecoute/ecoute/internal/par"
	"math/rand/v2"

	"github.com/ecoute/ecoute/internal/kernel"
)

// Batch is a time-major batch of variable-length sequences.
type Batch struct {
	// X holds the inputs [T][B][Input], time-major like PyTorch's default
	// (seq, batch, feature) layout. Frames at t >= Lengths[b] are padding:
	// they are never read into any result (they may even be NaN).
	X []float32
	// IDs replaces X for a model with an embedding: token ids [T][B].
	IDs  []int
	T, B int
	// Lengths gives each sequence's length (0..T); nil means all are T.
	// The reverse direction starts at each sequence's own last frame, as
	// with pack_padded_sequence.
	Lengths []int
	// H0 and C0 are optional initial states [Layers*Dirs][B][Hidden]
	// (PyTorch's h_0, c_0 layout); nil means zeros.
	H0, C0 []float32
}

type dirWS struct {
	g     []float32 // [T*B][4H] gate activations; dz after Backward
	c     []float32 // [T*B][H] cell states (training)
	hp    []float32 // [T*B][H] previous hidden state at each step (training)
	h, cc []float32 // [B][H] running hidden and cell state
	dh    []float32 // [B][H] scratch for the summed dh of a step
	dhn   []float32 // [B][H] new recurrent gradient
	pT, p kernel.PackedB
}

type layerWS struct {
	x    []float32 // [T*B][in] input of the layer (after dropout)
	mask []float32 // [T*B][in] dropout multipliers
	y    []float32 // [T*B][Dirs*H] output
	dy   []float32 // [T*B][Dirs*H] gradient of the output
	dirs [2]dirWS
}

// Workspace holds the activations of one Forward and the buffers of the
// matching Backward. It grows to the largest batch seen and is reused
// without allocation for batches no larger. A Workspace belongs to one
// model shape and must not be used by two goroutines at once.
type Workspace struct {
	// InputGrad asks Backward to compute the gradient with respect to the
	// inputs (DX); it costs one extra matrix product per batch.
	InputGrad bool
	// DHN and DCN, when set before Backward, are gradients of the loss with
	// respect to the final states [Layers*Dirs][B][Hidden].
	DHN, DCN []float32
	// LayerGrads, when set before Backward, has one entry per layer: a
	// non-nil entry l [T][B][Dirs*Hidden] is added to the gradient with
	// respect to layer l's output (see LayerOutput), for a loss that also
	// reads a lower layer, such as an intermediate CTC loss. Rows at padding
	// frames are ignored.
	LayerGrads [][]float32

	rng     *rand.Rand
	T, B    int
	lengths []int
	allT    []int
	train   bool
	h0, c0  []float32
	x0      []float32 // layer-0 input when copied (padding zeroed / embedded)
	ids     []int
	layers  []layerWS
	out     []float32 // head output [T*B][Output]
	dout    []float32
	hn, cn  []float32
	dh0     []float32
	dc0     []float32
	dx      []float32
	zero    []float32
	done    bool // a training Forward is waiting for its Backward
}

// NewWorkspace returns an empty workspace whose dropout masks are drawn from
// rand.New(rand.NewPCG(seed, 1)).
func NewWorkspace(seed uint64) *Workspace {
	return &Workspace{rng: rand.New(rand.NewPCG(seed, 1))}
}

// Reseed makes the workspace draw its next dropout masks from
// rand.New(rand.NewPCG(seed, 1)), as a new workspace of that seed would. A
// trainer that reseeds before every step (from its seed and the step number)
// gets the same masks after resuming from a checkpoint as in one run.
func (ws *Workspace) Reseed(seed uint64) { ws.rng = rand.New(rand.NewPCG(seed, 1)) }

// HN and CN return the final states [Layers*Dirs][B][Hidden] of the last
// Forward (each sequence's state after its own last frame).
func (ws *Workspace) HN() []float32 { return ws.hn }
func (ws *Workspace) CN() []float32 { return ws.cn }

// DH0 and DC0 return the gradients with respect to the initial states
// [Layers*Dirs][B][Hidden] computed by the last Backward.
func (ws *Workspace) DH0() []float32 { return ws.dh0 }
func (ws *Workspace) DC0() []float32 { return ws.dc0 }

// DX returns the gradient with respect to the inputs [T][B][Input] of the
// last Backward, when InputGrad was set (zero at padding frames).
func (ws *Workspace) DX() []float32 { return ws.dx }

// Hidden returns the output of the LSTM stack [T][B][Dirs*Hidden] of the
// last Forward (zero at padding frames).
func (ws *Workspace) Hidden() []float32 { return ws.layers[len(ws.layers)-1].y }

// LayerOutput returns the output [T][B][Dirs*Hidden] of layer l (from 0) of
// the last Forward, before any dropout of the layer above (zero at padding
// frames). It panics if l is not a layer of the last Forward.
func (ws *Workspace) LayerOutput(l int) []float32 {
	if l < 0 || l >= len(ws.layers) {
		panic(fmt.Sprintf("lstm: layer %d of a %d-layer stack", l, len(ws.layers)))
	}
	return ws.layers[l].y
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

func (ws *Workspace) active(b, t int) bool { return t < ws.lengths[b] }

// Forward runs the model on a batch and returns its output, a view into ws
// valid until the next Forward: the head's logits [T][B][Output] when the
// model has a head, else the stack's output [T][B][Dirs*Hidden]. Rows at
// padding frames are zero for the stack and fc.bias for the head. With train
// set it applies dropout and keeps what Backward needs; the inputs must then
// stay unchanged until Backward. It panics if the batch's shapes do not
// match the model (naming both).
func (m *Model) Forward(ws *Workspace, b Batch, train bool) []float32 {
	T, B := b.T, b.B
	H, D := m.Hidden, m.Dirs()
	if T < 0 || B <= 0 {
		panic(fmt.Sprintf("lstm: batch T=%d B=%d", T, B))
	}
	if m.Vocab > 0 {
		if len(b.IDs) != T*B {
			panic(fmt.Sprintf("lstm: batch has %d ids, model with embedding needs [T=%d][B=%d]", len(b.IDs), T, B))
		}
	} else if len(b.X) != T*B*m.Input {
		panic(fmt.Sprintf("lstm: batch X has %d values, model needs [T=%d][B=%d][Input=%d]", len(b.X), T, B, m.Input))
	}
	if b.Lengths != nil && len(b.Lengths) != B {
		panic(fmt.Sprintf("lstm: %d lengths for a batch of %d", len(b.Lengths), B))
	}
	ns := m.Layers * D * B * H
	if b.H0 != nil && len(b.H0) != ns || b.C0 != nil && len(b.C0) != ns {
		panic(fmt.Sprintf("lstm: initial states have %d and %d values, need [%d][%d][%d]", len(b.H0), len(b.C0), m.Layers*D, B, H))
	}
	if ws.rng == nil {
		ws.rng = rand.New(rand.NewPCG(0, 1))
	}
	ws.T, ws.B, ws.train, ws.done = T, B, train, train
	if b.Lengths == nil {
		if cap(ws.allT) < B {
			ws.allT = make([]int, B)
		}
		ws.allT = ws.allT[:B]
		for i := range ws.allT {
			ws.allT[i] = T
		}
		ws.lengths = ws.allT
	} else {
		for i, l := range b.Lengths {
			if l < 0 || l > T {
				panic(fmt.Sprintf("lstm: length %d of sequence %d outside [0, %d]", l, i, T))
			}
		}
		ws.lengths = b.Lengths
	}
	ws.h0, ws.c0 = b.H0, b.C0
	ws.zero = grow(ws.zero, max(H, m.Input))
	clear(ws.zero)
	ws.hn = grow(ws.hn, ns)
	ws.cn = grow(ws.cn, ns)
	if len(ws.layers) != m.Layers {
		ws.layers = make([]layerWS, m.Layers)
	}
	TB := T * B

	// Layer-0 input.
	x := b.X
	padded := false
	for _, l := range ws.lengths {
		padded = padded || l < T
	}
	switch {
	case m.Vocab > 0:
		ws.ids = append(ws.ids[:0], b.IDs...)
		ws.x0 = grow(ws.x0, TB*m.Input)
		E := m.Embed.W()
		for r, id := range b.IDs {
			row := ws.x0[r*m.Input : (r+1)*m.Input]
			if !ws.active(r%B, r/B) {
				clear(row)
				continue
			}
			if id < 0 || id >= m.Vocab {
				panic(fmt.Sprintf("lstm: token id %d at row %d outside vocabulary of %d", id, r, m.Vocab))
			}
			copy(row, E[id*m.Input:(id+1)*m.Input])
		}
		x = ws.x0
	case train && padded:
		ws.x0 = grow(ws.x0, TB*m.Input)
		for r := 0; r < TB; r++ {
			row := ws.x0[r*m.Input : (r+1)*m.Input]
			if ws.active(r%B, r/B) {
				copy(row, x[r*m.Input:])
			} else {
				clear(row)
			}
		}
		x = ws.x0
	}

	for l := range m.Layers {
		lw := &ws.layers[l]
		in := m.Cells[l][0].In
		if l == 0 {
			lw.x = x
		} else if train && m.Dropout > 0 {
			prev := ws.layers[l-1].y
			lw.x = grow(lw.x, TB*in)
			lw.mask = grow(lw.mask, TB*in)
			keep := 1 - m.Dropout
			scale := 1 / keep
			for i := range lw.mask {
				if ws.rng.Float32() < keep {
					lw.mask[i] = scale
				} else {
					lw.mask[i] = 0
				}
				lw.x[i] = prev[i] * lw.mask[i]
			}
		} else {
			lw.x = ws.layers[l-1].y
		}
		lw.y = grow(lw.y, TB*D*H)
		m.forwardLayer(ws, l)
	}
	top := ws.layers[m.Layers-1].y
	if m.FC == nil {
		return top
	}
	ws.out = grow(ws.out, TB*m.Output)
	fc := m.FC
	W, bias := fc.W.W(), fc.B.W()
	nt := min(m.threads(), max(1, TB/kernel.MR))
	par.Do(nt, func(i int) {
		lo, hi := par.Split(TB, nt, i, kernel.MR)
		for r := lo; r < hi; r++ {
			copy(ws.out[r*fc.Out:(r+1)*fc.Out], bias)
		}
		if hi > lo {
			kernel.Sgemm(false, true, hi-lo, fc.Out, fc.In, 1, top[lo*fc.In:], fc.In, W, fc.In, 1, ws.out[lo*fc.Out:], fc.Out)
		}
	})
	return ws.out
}

// forwardLayer runs both directions of layer l: the input projection of
// all frames as one matrix product, then the recurrence step by step.
func (m *Model) forwardLayer(ws *Workspace, l int) {
	T, B, H, D := ws.T, ws.B, m.Hidden, m.Dirs()
	TB := T * B
	lw := &ws.layers[l]
	in := m.Cells[l][0].In
	nt := m.threads()
	// Phase 1: G = X·Wihᵀ + bih + bhh for every frame, split by rows.
	rowChunks := max(1, (nt+D-1)/D)
	if TB < 2*kernel.MR {
		rowChunks = 1
	}
	for d := 0; d < D; d++ {
		dw := &lw.dirs[d]
		dw.g = grow(dw.g, TB*4*H)
		if ws.train {
			dw.c = grow(dw.c, TB*H)
			dw.hp = grow(dw.hp, TB*H)
		}
		dw.h = grow(dw.h, B*H)
		dw.cc = grow(dw.cc, B*H)
	}
	par.Do(D*rowChunks, func(task int) {
		d, ch := task/rowChunks, task%rowChunks
		L, dw := m.Cells[l][d], &lw.dirs[d]
		if ch == 0 {
			dw.pT.Repack(true, H, 4*H, L.Whh.W(), H)
		}
		lo, hi := par.Split(TB, rowChunks, ch, kernel.MR)
		bi, bh := L.Bih.W(), L.Bhh.W()
		for r := lo; r < hi; r++ {
			g := dw.g[r*4*H : (r+1)*4*H]
			for j := range g {
				g[j] = bi[j] + bh[j]
			}
		}
		if hi > lo {
			kernel.Sgemm(false, true, hi-lo, 4*H, in, 1, lw.x[lo*in:], in, L.Wih.W(), in, 1, dw.g[lo*4*H:], 4*H)
		}
	})
	// Phase 2: the recurrence, directions and batch chunks in parallel.
	bChunks := max(1, min(B, (nt+D-1)/D))
	par.Do(D*bChunks, func(task int) {
		d, ch := task/bChunks, task%bChunks
		b0, b1 := par.Split(B, bChunks, ch, 1)
		if b1 > b0 {
			m.recur(ws, l, d, b0, b1)
		}
	})
}

// recur runs the recurrence of layer l, direction d, for sequences
// [b0, b1) of the batch over all time steps.
func (m *Model) recur(ws *Workspace, l, d, b0, b1 int) {
	T, B, H, D := ws.T, ws.B, m.Hidden, m.Dirs()
	L := m.Cells[l][d]
	lw := &ws.layers[l]
	dw := &lw.dirs[d]
	ldy, yoff := D*H, d*H
	st := (l*D + d) * B * H
	for b := b0; b < b1; b++ {
		h, c := dw.h[b*H:(b+1)*H], dw.cc[b*H:(b+1)*H]
		if ws.h0 != nil {
			copy(h, ws.h0[st+b*H:])
		} else {
			clear(h)
		}
		if ws.c0 != nil {
			copy(c, ws.c0[st+b*H:])
		} else {
			clear(c)
		}
	}
	for s := 0; s < T; s++ {
		t := s
		if L.Reverse {
			t = T - 1 - s
		}
		n, prefix := activeRows(ws.lengths, t, b0, b1)
		if n > 0 {
			rows := b1 - b0
			if prefix {
				rows = n
			}
			dw.pT.Gemm(false, rows, 1, dw.h[b0*H:], H, 1, dw.g[(t*B+b0)*4*H:], 4*H)
		}
		for b := b0; b < b1; b++ {
			r := t*B + b
			y := lw.y[r*ldy+yoff : r*ldy+yoff+H]
			if !ws.active(b, t) {
				clear(y)
				if ws.train {
					clear(dw.hp[r*H : (r+1)*H])
				}
				continue
			}
			h, cc := dw.h[b*H:(b+1)*H], dw.cc[b*H:(b+1)*H]
			c := cc
			if ws.train {
				copy(dw.hp[r*H:(r+1)*H], h)
				c = dw.c[r*H : (r+1)*H]
			}
			kernel.CellForward(dw.g[r*4*H:(r+1)*4*H], cc, c, y)
			if ws.train {
				copy(cc, c)
			}
			copy(h, y)
		}
	}
	copy(ws.hn[st+b0*H:st+b1*H], dw.h[b0*H:b1*H])
	copy(ws.cn[st+b0*H:st+b1*H], dw.cc[b0*H:b1*H])
}

// activeRows counts the sequences of [b0, b1) that have a frame at t and
// reports whether they are exactly [b0, b0+n).
func activeRows(lengths []int, t, b0, b1 int) (n int, prefix bool) {
	prefix = true
	for b := b0; b < b1; b++ {
		if t < lengths[b] {
			if n != b-b0 {
				prefix = false
			}
			n++
		}
	}
	return n, prefix
}
