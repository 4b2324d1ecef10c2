package train

import (
	"github.com/ecoute/ecoute/ctc"
	"github.com/ecoute/ecoute/lstm"
	"github.com/ecoute/ecoute/text"
	"github.com/ecoute/ecoute/text/wer"
)

// evaluate scores the dev set with greedy decoding and records it.
func (t *trainer) evaluate(trainLoss float64) DevMark {
	mark := DevMark{Step: t.st.Step, Minutes: t.st.Elapsed / 60, Loss: trainLoss,
		Epoch: float64(t.st.Epoch) + float64(t.st.Batch)/float64(max(1, len(t.batches(t.st.Epoch))))}
	if len(t.dev) == 0 {
		t.st.History = append(t.st.History, mark)
		return mark
	}
	mark.CER, mark.WER = t.score(t.dev)
	t.st.History = append(t.st.History, mark)
	return mark
}

// score decodes utts greedily in batches with the training network and
// returns their character and word error rates as text/wer counts them
// with the options `transcribe eval` uses by default (text.Normalize on
// both sides, case folded, characters other than white space), so that
// the figures recorded in a model's provenance are the ones eval prints
// for the same set. Audio that cannot be read counts as all deletions.
func (t *trainer) score(utts []trainUtt) (cer, wordER float64) {
	o := wer.Options{Normalize: text.Normalize}
	ws := wer.NewScorer(o)
	o.Chars = true
	cs := wer.NewScorer(o)
	ws.KeepUtterances(false)
	cs.KeepUtterances(false)
	add := func(id, ref, hyp string, ok bool) {
		if !ok {
			ws.AddMissing(id, ref)
			cs.AddMissing(id, ref)
			return
		}
		ws.Add(id, ref, hyp)
		cs.Add(id, ref, hyp)
	}
	work := lstm.NewWorkspace(0)
	const bs = 16
	for i := 0; i < len(utts); i += bs {
		var inputs [][][]float32
		var batch []trainUtt
		for _, u := range utts[i:min(i+bs, len(utts))] {
			x, err := t.samples(&u.Utterance)
			in := t.fe.Input(x)
			if err != nil || len(in) == 0 {
				add(u.Path, u.Transcript, "", false)
				continue
			}
			inputs = append(inputs, in)
			batch = append(batch, u)
		}
		if len(inputs) == 0 {
			continue
		}
		b := lstm.PadBatch(inputs, t.cfg.InputSize)
		out := t.net.Forward(work, b, false)
		for j, u := range batch {
			fr := lstm.Frames(out, b.T, b.B, t.cfg.OutputSize, j, len(inputs[j]))
			toks := ctc.Greedy(fr, t.cfg.Tokenizer.Blank)
			add(u.Path, u.Transcript, t.vocab.Decode(ctc.Labels(toks)), true)
		}
	}
	return cs.Report().Total.ErrorRate(), ws.Report().Total.ErrorRate()
}
