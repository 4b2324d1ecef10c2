package train

import (
	"fmt"
	"math"
	"strings"

	"github.com/ecoute/ecoute/ctc"
	"github.com/ecoute/ecoute/lstm"
)

// step trains on one batch. It returns the mean loss per utterance, the
// input frames used, and ok false (with a reason) when the batch was
// skipped because of NaN or Inf.
func (t *trainer) step(p prepared, lr float32) (float64, int, bool, string) {
	in := t.cfg.InputSize
	b := lstm.PadBatch(p.inputs, in)
	if t.o.Dropout > 0 {
		// Masks depend on the seed and the step only, so a resumed run
		// draws the ones an uninterrupted run would.
		t.ws.Reseed(t.o.Seed<<32 ^ uint64(t.st.Step))
	}
	targets := make([][]int, b.B)
	var phones [][]int
	if t.phone != nil {
		phones = make([][]int, b.B)
	}
	frames := 0
	for i := 0; i < b.B; i++ {
		targets[i] = t.utts[p.idx[i]].labels
		if phones != nil {
			phones[i] = t.utts[p.idx[i]].phones
		}
		frames += len(p.inputs[i]) * t.cfg.FrontEnd.Stack
	}
	bl := batchLoss{net: t.net, ws: t.ws, blank: t.cfg.Tokenizer.Blank, threads: t.o.Threads, inter: t.o.InterCTC}
	if t.phone != nil {
		bl.phone, bl.phoneW = t.phone, t.o.PhoneCTC.Weight
	}
	loss, _, err := bl.lossGrad(b, targets, phones)
	if err != nil {
		return 0, 0, false, err.Error()
	}
	g := t.net.Params.Grad
	norm := lstm.ClipGlobalNorm(g, t.o.Clip)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return 0, 0, false, fmt.Sprintf("gradient norm %v (utterances %s)", norm, t.names(p.idx))
	}
	t.adam.Step(t.net.Params.Data, g, lr)
	return loss, frames, true, ""
}

// batchLoss computes the training loss of a batch and its gradient.
type batchLoss struct {
	net     *lstm.Model
	ws      *lstm.Workspace
	blank   int
	threads int
	inter   float64      // weight of the intermediate CTC loss (0: none)
	phone   *lstm.Linear // the phone CTC loss's output layer, a head of net
	phoneW  float64      // weight of the phone CTC loss (with phone set)
}

// lossGrad runs a training Forward and Backward on b and leaves in
// net.Params.Grad (zeroed first) the gradient of
//
//	(1-w-p)·mean CTC(top) + w·mean CTC(fc(middle layer)) + p·mean phoneCTC(phone(middle layer))
//
// with w = bl.inter and p = bl.phoneW, the means taken over the utterances
// whose CTC loss is finite (the others get no gradient); the phone loss's
// mean is over the utterances that have phone targets (phones[i] non-nil)
// and a finite loss. It returns the two mean losses, final (the top layer's, what the
// trainer reports) and mid (0 without the intermediate loss), or an error
// when no utterance has a finite loss.
func (bl batchLoss) lossGrad(b lstm.Batch, targets, phones [][]int) (final, mid float64, err error) {
	net, ws := bl.net, bl.ws
	out := net.Forward(ws, b, true)
	net.Params.ZeroGrad()
	V := net.Output
	lengths := b.Lengths
	if lengths == nil {
		lengths = make([]int, b.B)
		for i := range lengths {
			lengths[i] = b.T
		}
	}
	// ctcGrad puts the per-utterance CTC gradients of logits [T][B][V] into
	// a new slice and returns it with the losses.
	ctcGrad := func(logits []float32) ([]float32, []float64, error) {
		dz := make([]float32, len(logits))
		lv := make([][][]float32, b.B)
		gv := make([][][]float32, b.B)
		for i := range b.B {
			lv[i] = lstm.Frames(logits, b.T, b.B, V, i, lengths[i])
			gv[i] = lstm.Frames(dz, b.T, b.B, V, i, lengths[i])
		}
		bo := ctc.BatchOptions{Logits: true, Workers: bl.threads}
		bo.Blank = bl.blank
		losses, _, err := ctc.BatchLossGrad(lv, targets, bo, gv)
		return dz, losses, err
	}
	finite := func(l float64) bool { return !math.IsNaN(l) && !math.IsInf(l, 0) }
	dy, losses, cerr := ctcGrad(out)
	good := 0
	for _, l := range losses {
		if finite(l) {
			final += l
			good++
		}
	}
	if good == 0 {
		return 0, 0, fmt.Errorf("no sequence had a finite loss (%v)", cerr)
	}
	final /= float64(good)
	w := bl.inter
	scale := float32((1 - w - bl.phoneW) / float64(good))
	for i := range dy {
		dy[i] *= scale
	}
	ws.LayerGrads = nil
	k := (net.Layers - 1) / 2
	TB := b.T * b.B
	var dh []float32 // gradient of the middle layer's output
	if w > 0 {
		h := ws.LayerOutput(k)
		fc := net.FC
		z := fc.Forward(h, TB)
		dz, ml, _ := ctcGrad(z)
		for i, l := range ml {
			if finite(l) && finite(losses[i]) {
				mid += l
			}
		}
		mid /= float64(good)
		scale := float32(w / float64(good))
		for i := range dz {
			dz[i] *= scale
		}
		dh = make([]float32, TB*fc.In)
		fc.Backward(dz, h, dh, TB)
	}
	if bl.phone != nil {
		ph := bl.phone
		h := ws.LayerOutput(k)
		P := ph.Out
		z := ph.Forward(h, TB)
		// Only the utterances with phone targets take part.
		var lv, gv [][][]float32
		var tg [][]int
		dz := make([]float32, len(z))
		for i := range b.B {
			if phones[i] == nil || !finite(losses[i]) {
				continue
			}
			lv = append(lv, lstm.Frames(z, b.T, b.B, P, i, lengths[i]))
			gv = append(gv, lstm.Frames(dz, b.T, b.B, P, i, lengths[i]))
			tg = append(tg, phones[i])
		}
		if len(tg) > 0 {
			bo := ctc.BatchOptions{Logits: true, Workers: bl.threads}
			pl, _, _ := ctc.BatchLossGrad(lv, tg, bo, gv)
			n := 0
			for _, l := range pl {
				if finite(l) {
					n++
				}
			}
			if n > 0 {
				scale := float32(bl.phoneW / float64(n))
				for i := range dz {
					dz[i] *= scale
				}
				if dh == nil {
					dh = make([]float32, TB*ph.In)
				}
				ph.Backward(dz, h, dh, TB)
			}
		}
	}
	if dh != nil {
		ws.LayerGrads = make([][]float32, net.Layers)
		ws.LayerGrads[k] = dh
	}
	net.Backward(ws, dy)
	ws.LayerGrads = nil
	return final, mid, nil
}

func (t *trainer) names(idx []int) string {
	var s []string
	for _, i := range idx[:min(3, len(idx))] {
		s = append(s, t.utts[i].Path)
	}
	if len(idx) > 3 {
		s = append(s, "...")
	}
	return strings.Join(s, ", ")
}
