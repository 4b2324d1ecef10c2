package asr

import (
	"github.com/ecoute/ecoute/lstm"
)

// LogProbsOf runs the network on input frames x ([T][InputSize], already
// normalized and stacked) and returns per-frame log-probabilities [T][V].
// It panics if a frame's width is not Config.InputSize.
//
// The network is the model's lstm.Model (PyTorch's nn.LSTM equations, see
// package lstm) run as a batch of one sequence, then fc and
// lstm.LogSoftmax. Each concurrent call takes its own lstm.Workspace from a
// pool, so LogProbsOf is safe for concurrent use.
func (m *Model) LogProbsOf(x [][]float32) [][]float32 {
	T := len(x)
	if T == 0 {
		return nil
	}
	in, V := m.Config.InputSize, m.Config.OutputSize
	buf := make([]float32, T*in)
	for t, row := range x {
		if len(row) != in {
			panic("asr: LogProbsOf frame width differs from the model input size")
		}
		copy(buf[t*in:], row)
	}
	ws := m.ws.Get().(*lstm.Workspace)
	logits := m.net.Forward(ws, lstm.Batch{X: buf, T: T, B: 1}, false) // [T][1][V]
	lp := make([]float32, T*V)
	lstm.LogSoftmax(lp, logits, V)
	m.ws.Put(ws)
	rows := make([][]float32, T)
	for t := range rows {
		rows[t] = lp[t*V : (t+1)*V : (t+1)*V]
	}
	return rows
}
