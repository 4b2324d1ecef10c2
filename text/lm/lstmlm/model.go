package lstmlm

import (
	"fmt"
	"math/rand/v2"
	"runtime"

	"github.com/ecoute/ecoute/lstm"
)

// Config describes a language model.
type Config struct {
	Vocab   *Vocab
	Embed   int     // embedding width; must equal Hidden when Tied
	Hidden  int     // LSTM units per layer
	Layers  int     // stacked LSTM layers
	Dropout float32 // on the embedding output, between layers and on the top output (training only)
	Tied    bool    // the output layer uses the embedding matrix as its weights
}

// Model is an LSTM language model. All parameters live in one flat buffer
// (Data, with gradients in Grad) in the order encoder.weight, the LSTM
// stack's tensors (rnn.*), decoder.weight (unless tied), decoder.bias.
type Model struct {
	Config
	Data, Grad []float32
	Stack      *lstm.Model // views into Data and Grad
	V          int         // vocabulary size

	encOff, stackOff, decOff, biasOff int

	// Threads is the number of goroutines used (default GOMAXPROCS at New).
	// Results do not depend on it.
	Threads int
}

// New returns a model with zero parameters (call Init or load one). It
// panics on a bad configuration (no vocabulary, a size below 1, Tied with
// Embed != Hidden, Dropout outside [0, 1)).
func New(c Config) *Model {
	if c.Vocab == nil || c.Vocab.Size() == 0 || c.Embed <= 0 || c.Hidden <= 0 || c.Layers <= 0 || c.Dropout < 0 || c.Dropout >= 1 {
		panic(fmt.Sprintf("lstmlm: bad config embed=%d hidden=%d layers=%d dropout=%g", c.Embed, c.Hidden, c.Layers, c.Dropout))
	}
	if c.Tied && c.Embed != c.Hidden {
		panic(fmt.Sprintf("lstmlm: tied weights need embed (%d) == hidden (%d)", c.Embed, c.Hidden))
	}
	V := c.Vocab.Size()
	st := lstm.New(stackConfig(c.Embed, c.Hidden, c.Layers, c.Dropout))
	m := &Model{Config: c, Stack: st, V: V, Threads: runtime.GOMAXPROCS(0)}
	n := V * c.Embed
	m.stackOff = n
	n += st.Params.Len()
	m.decOff = n
	if !c.Tied {
		n += V * c.Hidden
	} else {
		m.decOff = 0
	}
	m.biasOff = n
	n += V
	m.Data = make([]float32, n)
	m.Grad = make([]float32, n)
	copy(m.Data[m.stackOff:], st.Params.Data)
	m.bindStack()
	return m
}

// stackConfig is the configuration of the LSTM stack of a model.
func stackConfig(embed, hidden, layers int, dropout float32) lstm.Config {
	return lstm.Config{Input: embed, Hidden: hidden, Layers: layers, Dropout: dropout}
}

// bindStack points the stack's parameters at their part of Data and Grad.
func (m *Model) bindStack() {
	n := m.Stack.Params.Len()
	m.Stack.Params.Data = m.Data[m.stackOff : m.stackOff+n : m.stackOff+n]
	m.Stack.Params.Grad = m.Grad[m.stackOff : m.stackOff+n : m.stackOff+n]
	m.Stack.Threads = m.Threads
}

// Enc returns the embedding matrix [V][Embed] (a view of Data).
func (m *Model) Enc() []float32 { return m.Data[:m.V*m.Embed] }

// Dec returns the output weights [V][Hidden] (the embedding when tied).
func (m *Model) Dec() []float32 { return m.Data[m.decOff : m.decOff+m.V*m.Hidden] }

// Bias returns the output bias [V].
func (m *Model) Bias() []float32 { return m.Data[m.biasOff : m.biasOff+m.V] }

func (m *Model) dEnc() []float32  { return m.Grad[:m.V*m.Embed] }
func (m *Model) dDec() []float32  { return m.Grad[m.decOff : m.decOff+m.V*m.Hidden] }
func (m *Model) dBias() []float32 { return m.Grad[m.biasOff : m.biasOff+m.V] }

// Init sets the parameters as word_language_model does: embedding and
// output weights uniform in ±0.1, output bias 0, the LSTM as nn.LSTM
// (uniform in ±1/√Hidden), all drawn from seed.
func (m *Model) Init(seed uint64) {
	m.Stack.Init(seed, lstm.InitOptions{})
	r := rand.New(rand.NewPCG(seed, 7))
	for _, w := range [][]float32{m.Enc(), m.Dec()} {
		for i := range w {
			w[i] = float32(r.Float64()*0.2 - 0.1)
		}
	}
	clear(m.Bias())
	clear(m.Grad)
}

// State is the recurrent state carried between calls, [Layers][B][Hidden]
// each.
type State struct {
	H, C []float32
	B    int
}

// NewState returns a zero state for B streams.
func (m *Model) NewState(B int) *State {
	n := m.Layers * B * m.Hidden
	return &State{H: make([]float32, n), C: make([]float32, n), B: B}
}

// Reset zeroes the state.
func (s *State) Reset() { clear(s.H); clear(s.C) }

// NumParams returns the number of parameters.
func (m *Model) NumParams() int { return len(m.Data) }
