package lstm

import (
	"fmt"
	"github.com/ecoute/ecoute/internal/par"

	"github.com/ecoute/ecoute/internal/kernel"
)

// Backward propagates dy, the gradient of the loss with respect to the
// output of the last Forward (same shape: [T][B][Output] with a head, else
// [T][B][Dirs*Hidden]), back through time. It adds the gradient of every
// parameter into m.Params.Grad (call Params.ZeroGrad between steps), and
// leaves the gradients with respect to the initial states in ws.DH0/DC0 and,
// when ws.InputGrad is set, with respect to the inputs in ws.DX (for a model
// with an embedding, the embedding rows receive it in Params.Grad instead).
// Gradients in ws.LayerGrads are added at their layers on the way down.
// Rows of dy at padding frames are ignored. dy is not modified.
//
// It panics if the last Forward on ws was not a training one, if Backward
// was already called for it, or if dy has the wrong length.
func (m *Model) Backward(ws *Workspace, dy []float32) {
	if !ws.done {
		panic("lstm: Backward without a preceding training Forward")
	}
	ws.done = false
	m.Params.EnsureGrad()
	T, B, H, D := ws.T, ws.B, m.Hidden, m.Dirs()
	TB := T * B
	// Checked before any gradient is written.
	if ws.LayerGrads != nil && len(ws.LayerGrads) != m.Layers {
		panic(fmt.Sprintf("lstm: LayerGrads has %d entries for %d layers", len(ws.LayerGrads), m.Layers))
	}
	for l, g := range ws.LayerGrads {
		if g != nil && len(g) != TB*D*H {
			panic(fmt.Sprintf("lstm: LayerGrads[%d] has %d values, layer output is [T=%d][B=%d][%d]", l, len(g), T, B, D*H))
		}
	}
	nt := m.threads()
	top := &ws.layers[m.Layers-1]
	top.dy = grow(top.dy, TB*D*H)
	if m.FC != nil {
		fc := m.FC
		if len(dy) != TB*fc.Out {
			panic(fmt.Sprintf("lstm: dy has %d values, output is [T=%d][B=%d][%d]", len(dy), T, B, fc.Out))
		}
		ws.dout = grow(ws.dout, TB*fc.Out)
		for r := 0; r < TB; r++ {
			row := ws.dout[r*fc.Out : (r+1)*fc.Out]
			if ws.active(r%B, r/B) {
				copy(row, dy[r*fc.Out:])
			} else {
				clear(row)
			}
		}
		dz := ws.dout
		// dW += dZᵀ·Y and db += Σ dZ, split by output rows; dY = dZ·W,
		// split by frames.
		W := fc.W.W()
		par.Do(nt, func(i int) {
			lo, hi := par.Split(fc.Out, nt, i, kernel.MR)
			if hi > lo {
				kernel.Sgemm(true, false, hi-lo, fc.In, TB, 1, dz[lo:], fc.Out, top.y, fc.In, 1, fc.W.G()[lo*fc.In:], fc.In)
				colSum(fc.B.G()[lo:hi], dz[lo:], fc.Out, TB, hi-lo)
			}
			lo, hi = par.Split(TB, nt, i, kernel.MR)
			if hi > lo {
				kernel.Sgemm(false, false, hi-lo, fc.In, fc.Out, 1, dz[lo*fc.Out:], fc.Out, W, fc.In, 0, top.dy[lo*fc.In:], fc.In)
			}
		})
	} else {
		if len(dy) != TB*D*H {
			panic(fmt.Sprintf("lstm: dy has %d values, output is [T=%d][B=%d][%d]", len(dy), T, B, D*H))
		}
		copy(top.dy, dy)
	}
	ns := m.Layers * D * B * H
	if ws.DHN != nil && len(ws.DHN) != ns || ws.DCN != nil && len(ws.DCN) != ns {
		panic(fmt.Sprintf("lstm: final-state gradients have %d and %d values, need %d", len(ws.DHN), len(ws.DCN), ns))
	}
	ws.dh0 = grow(ws.dh0, ns)
	ws.dc0 = grow(ws.dc0, ns)
	for l := m.Layers - 1; l >= 0; l-- {
		// ws.layers[l].dy now holds the gradient that flows down from the
		// head or from layer l+1; add the loss's own share at this layer.
		if ws.LayerGrads != nil && ws.LayerGrads[l] != nil {
			dy := ws.layers[l].dy
			for i, v := range ws.LayerGrads[l] {
				dy[i] += v
			}
		}
		m.backwardLayer(ws, l)
	}
}

// colSum adds the sums over k rows of the n columns of a (row stride lda)
// into dst.
func colSum(dst, a []float32, lda, k, n int) {
	for r := 0; r < k; r++ {
		row := a[r*lda : r*lda+n]
		for j, v := range row {
			dst[j] += v
		}
	}
}

func (m *Model) backwardLayer(ws *Workspace, l int) {
	T, B, H, D := ws.T, ws.B, m.Hidden, m.Dirs()
	TB := T * B
	lw := &ws.layers[l]
	in := m.Cells[l][0].In
	nt := m.threads()
	for d := 0; d < D; d++ {
		dw := &lw.dirs[d]
		dw.dh = grow(dw.dh, B*H)
		dw.dhn = grow(dw.dhn, B*H)
	}
	// Phase 1: back through time, directions and batch chunks in parallel.
	bChunks := max(1, min(B, (nt+D-1)/D))
	par.Do(D*bChunks, func(task int) {
		d, ch := task/bChunks, task%bChunks
		if ch == 0 {
			lw.dirs[d].p.Repack(false, 4*H, H, m.Cells[l][d].Whh.W(), H)
		}
	})
	par.Do(D*bChunks, func(task int) {
		d, ch := task/bChunks, task%bChunks
		b0, b1 := par.Split(B, bChunks, ch, 1)
		if b1 > b0 {
			m.recurBack(ws, l, d, b0, b1)
		}
	})
	// Phase 2: weight gradients, as products over all frames:
	// dWih += dGᵀ·X, dWhh += dGᵀ·Hprev, dbih = dbhh += Σ dG.
	mChunks := max(1, (nt+D-1)/D)
	par.Do(D*mChunks, func(task int) {
		d, ch := task/mChunks, task%mChunks
		L, dw := m.Cells[l][d], &lw.dirs[d]
		lo, hi := par.Split(4*H, mChunks, ch, kernel.MR)
		if hi == lo {
			return
		}
		kernel.Sgemm(true, false, hi-lo, in, TB, 1, dw.g[lo:], 4*H, lw.x, in, 1, L.Wih.G()[lo*in:], in)
		kernel.Sgemm(true, false, hi-lo, H, TB, 1, dw.g[lo:], 4*H, dw.hp, H, 1, L.Whh.G()[lo*H:], H)
		db := L.Bih.G()[lo:hi]
		s := make([]float32, hi-lo)
		colSum(s, dw.g[lo:], 4*H, TB, hi-lo)
		for j, v := range s {
			db[j] += v
		}
		db = L.Bhh.G()[lo:hi]
		for j, v := range s {
			db[j] += v
		}
	})
	// Phase 3: gradient of the layer input, dX = Σ_d dG_d·Wih_d, split by
	// frames; through dropout to the layer below.
	var dx []float32
	switch {
	case l > 0:
		dx = ws.layers[l-1].dy
		dx = grow(dx, TB*in)
		ws.layers[l-1].dy = dx
	case ws.InputGrad || m.Vocab > 0:
		ws.dx = grow(ws.dx, TB*in)
		dx = ws.dx
	default:
		return
	}
	par.Do(nt, func(i int) {
		lo, hi := par.Split(TB, nt, i, kernel.MR)
		if hi == lo {
			return
		}
		for d := 0; d < D; d++ {
			beta := float32(1)
			if d == 0 {
				beta = 0
			}
			kernel.Sgemm(false, false, hi-lo, in, 4*H, 1, lw.dirs[d].g[lo*4*H:], 4*H, m.Cells[l][d].Wih.W(), in, beta, dx[lo*in:], in)
		}
		if l > 0 && lw.mask != nil && ws.train && m.Dropout > 0 {
			mk := lw.mask[lo*in : hi*in]
			for j, v := range mk {
				dx[lo*in+j] *= v
			}
		}
	})
	if l == 0 && m.Vocab > 0 {
		dE := m.Embed.G()
		for r, id := range ws.ids {
			if !ws.active(r%B, r/B) {
				continue
			}
			row := dE[id*in : (id+1)*in]
			for j, v := range dx[r*in : (r+1)*in] {
				row[j] += v
			}
		}
	}
}

// recurBack runs backpropagation through time for layer l, direction d,
// sequences [b0, b1). On return dw.g holds dz, the gradient with respect to
// the gate pre-activations (zero at padding frames).
func (m *Model) recurBack(ws *Workspace, l, d, b0, b1 int) {
	T, B, H, D := ws.T, ws.B, m.Hidden, m.Dirs()
	L := m.Cells[l][d]
	lw := &ws.layers[l]
	dw := &lw.dirs[d]
	ldy, yoff := D*H, d*H
	st := (l*D + d) * B * H
	dhrec := ws.dh0[st : st+B*H] // the running gradients end up as dh0, dc0
	dcrec := ws.dc0[st : st+B*H]
	for b := b0; b < b1; b++ {
		if ws.DHN != nil {
			copy(dhrec[b*H:(b+1)*H], ws.DHN[st+b*H:])
		} else {
			clear(dhrec[b*H : (b+1)*H])
		}
		if ws.DCN != nil {
			copy(dcrec[b*H:(b+1)*H], ws.DCN[st+b*H:])
		} else {
			clear(dcrec[b*H : (b+1)*H])
		}
	}
	for s := T - 1; s >= 0; s-- {
		t := s
		if L.Reverse {
			t = T - 1 - s
		}
		for b := b0; b < b1; b++ {
			r := t*B + b
			g := dw.g[r*4*H : (r+1)*4*H]
			if !ws.active(b, t) {
				clear(g)
				continue
			}
			dh := dw.dh[b*H : (b+1)*H]
			dyr := lw.dy[r*ldy+yoff : r*ldy+yoff+H]
			hr := dhrec[b*H : (b+1)*H]
			for j := range dh {
				dh[j] = dyr[j] + hr[j]
			}
			var cprev []float32
			first := t == 0
			prev := t - 1
			if L.Reverse {
				first = t == ws.lengths[b]-1
				prev = t + 1
			}
			switch {
			case !first:
				cprev = dw.c[(prev*B+b)*H : (prev*B+b+1)*H]
			case ws.c0 != nil:
				cprev = ws.c0[st+b*H : st+(b+1)*H]
			default:
				cprev = ws.zero[:H]
			}
			kernel.CellBackward(g, dw.c[r*H:(r+1)*H], cprev, dh, dcrec[b*H:(b+1)*H], g)
		}
		n, prefix := activeRows(ws.lengths, t, b0, b1)
		if n == 0 {
			continue
		}
		rows := b1 - b0
		if prefix {
			rows = n
		}
		// dh_prev = dz·Whh for the active sequences.
		dw.p.Gemm(false, rows, 1, dw.g[(t*B+b0)*4*H:], 4*H, 0, dw.dhn[b0*H:], H)
		for b := b0; b < b0+rows; b++ {
			if ws.active(b, t) {
				copy(dhrec[b*H:(b+1)*H], dw.dhn[b*H:(b+1)*H])
			}
		}
	}
}
