package lstm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/ecoute/ecoute/internal/safetensors"
)

// Config describes a model: an optional embedding, a stack of LSTM layers
// (optionally bidirectional) and an optional linear head.
type Config struct {
	Input         int     // features per frame; the embedding width when Vocab > 0
	Hidden        int     // hidden units per direction
	Layers        int     // number of stacked LSTM layers, >= 1
	Bidirectional bool    // add a reverse direction to every layer
	Output        int     // outputs of the linear head "fc"; 0 for no head
	Vocab         int     // rows of the embedding "embed.weight"; 0 for none
	Dropout       float32 // dropout probability on the inputs of layers 2..Layers in training, as nn.LSTM's dropout
	// Heads are extra linear layers (a second output, such as an auxiliary
	// loss's) whose parameters live in the same flat buffer, after fc, so
	// one optimizer step and one clip cover them. Forward does not run
	// them: the caller applies each to the output of the layer it reads.
	Heads []Head
}

// Head describes an extra linear layer NAME.weight [Out][In], NAME.bias
// [Out].
type Head struct {
	Name    string
	In, Out int
}

// Dirs returns the number of directions, 1 or 2.
func (c Config) Dirs() int {
	if c.Bidirectional {
		return 2
	}
	return 1
}

// OutSize returns the width of the LSTM stack's output (Dirs*Hidden).
func (c Config) OutSize() int { return c.Dirs() * c.Hidden }

// Layer is one direction of one LSTM layer, with views of its parameters in
// the PyTorch layout: Wih [4H][In], Whh [4H][H], Bih [4H], Bhh [4H], gate
// blocks in the order in, forget, cell, out.
type Layer struct {
	In, Hidden int
	Reverse    bool
	Wih, Whh   *Tensor
	Bih, Bhh   *Tensor
}

// Linear is a fully connected layer y = x·Wᵀ + b with W [Out][In], B [Out],
// as nn.Linear.
type Linear struct {
	In, Out int
	W, B    *Tensor
}

// Model is an LSTM sequence model whose parameters live in one flat buffer.
// Forward and Backward only read the parameters (Backward adds into
// Params.Grad), so one Model may run Forward concurrently from several
// goroutines as long as each uses its own Workspace and none trains.
type Model struct {
	Config
	Params *Params
	Embed  *Tensor    // [Vocab][Input], or nil
	Cells  [][]*Layer // [layer][direction]; direction 1 is the reverse one
	FC     *Linear    // or nil
	Heads  []*Linear  // Config.Heads in order

	// Threads is the number of goroutines Forward and Backward use
	// (default runtime.GOMAXPROCS(0) at New). Results do not depend on it.
	Threads int
}

// New returns a model with zero parameters; call Init for PyTorch's
// initialisation or Load to read trained ones. Parameters are laid out in
// the order of PyTorch's state_dict: embed.weight, then for each layer k
// lstm.weight_ih_lk, lstm.weight_hh_lk, lstm.bias_ih_lk, lstm.bias_hh_lk and
// the same with suffix _reverse, then fc.weight, fc.bias. It panics if a
// size is not positive.
func New(c Config) *Model {
	m := newModel(c)
	m.Params.Data = make([]float32, m.Params.n)
	return m
}

// NewFromBytes builds the model for c and loads its parameters from the
// safetensors file b without allocating a parameter buffer when the file
// can be aliased (see LoadBytes). It is the cheap path for loading a model
// per request.
func NewFromBytes(c Config, b []byte, allowExtra ...string) (*Model, map[string]string, error) {
	m := newModel(c)
	meta, err := m.LoadBytes(b, allowExtra...)
	if err != nil {
		return nil, nil, err
	}
	return m, meta, nil
}

// NewFromFile is NewFromBytes for a file whose header has been parsed.
func NewFromFile(c Config, f *safetensors.File, allowExtra ...string) (*Model, error) {
	m := newModel(c)
	if err := m.LoadFile(f, allowExtra...); err != nil {
		return nil, err
	}
	return m, nil
}

func newModel(c Config) *Model {
	if c.Input <= 0 || c.Hidden <= 0 || c.Layers <= 0 || c.Output < 0 || c.Vocab < 0 || c.Dropout < 0 || c.Dropout >= 1 {
		panic(fmt.Sprintf("lstm: bad config %+v", c))
	}
	m := &Model{Config: c, Params: &Params{}, Threads: runtime.GOMAXPROCS(0)}
	p := m.Params
	if c.Vocab > 0 {
		m.Embed = p.add("embed.weight", c.Vocab, c.Input)
	}
	H := c.Hidden
	for l := 0; l < c.Layers; l++ {
		in := c.Input
		if l > 0 {
			in = c.OutSize()
		}
		var dirs []*Layer
		for d := 0; d < c.Dirs(); d++ {
			sfx := fmt.Sprintf("_l%d", l)
			if d == 1 {
				sfx += "_reverse"
			}
			dirs = append(dirs, &Layer{
				In: in, Hidden: H, Reverse: d == 1,
				Wih: p.add("lstm.weight_ih"+sfx, 4*H, in),
				Whh: p.add("lstm.weight_hh"+sfx, 4*H, H),
				Bih: p.add("lstm.bias_ih"+sfx, 4*H),
				Bhh: p.add("lstm.bias_hh"+sfx, 4*H),
			})
		}
		m.Cells = append(m.Cells, dirs)
	}
	if c.Output > 0 {
		m.FC = &Linear{In: c.OutSize(), Out: c.Output,
			W: p.add("fc.weight", c.Output, c.OutSize()),
			B: p.add("fc.bias", c.Output)}
	}
	for _, h := range c.Heads {
		if h.Name == "" || h.In <= 0 || h.Out <= 0 {
			panic(fmt.Sprintf("lstm: bad head %+v", h))
		}
		m.Heads = append(m.Heads, &Linear{In: h.In, Out: h.Out,
			W: p.add(h.Name+".weight", h.Out, h.In),
			B: p.add(h.Name+".bias", h.Out)})
	}
	return m
}

// InitOptions adjusts Init.
type InitOptions struct {
	// ForgetBias, when non-zero, sets the forget-gate block of every
	// bias_ih to this value (1 is the usual choice, Jozefowicz et al. 2015)
	// and that of bias_hh to 0, so their sum is ForgetBias.
	ForgetBias float32
}

// Init sets the parameters as PyTorch does by default, drawing from
// rand.New(rand.NewPCG(seed, 0)): every LSTM tensor uniform in ±1/√Hidden,
// fc.weight and fc.bias uniform in ±1/√In (nn.Linear's kaiming_uniform with
// a=√5), embed.weight from N(0,1). Each extra head is uniform in ±1/√In
// too, weight then bias, from a generator of its own,
// rand.New(rand.NewPCG(seed, s)) with s the head's name read as a
// big-endian number (its first 8 bytes: "phone" is 0x70686f6e65), so that
// adding a head leaves the other parameters as they were. It also zeroes
// the gradients.
func (m *Model) Init(seed uint64, o InitOptions) {
	r := rand.New(rand.NewPCG(seed, 0))
	k := 1 / math.Sqrt(float64(m.Hidden))
	heads := map[*Tensor]bool{}
	for i, h := range m.Heads {
		heads[h.W], heads[h.B] = true, true
		hr := rand.New(rand.NewPCG(seed, headStream(m.Config.Heads[i].Name)))
		kh := 1 / math.Sqrt(float64(h.In))
		h.W.uniform(hr, kh)
		h.B.uniform(hr, kh)
	}
	for _, t := range m.Params.Tensors {
		switch {
		case heads[t]:
		case t == m.Embed:
			t.normal(r)
		case m.FC != nil && (t == m.FC.W || t == m.FC.B):
			t.uniform(r, 1/math.Sqrt(float64(m.FC.In)))
		default:
			t.uniform(r, k)
		}
	}
	if o.ForgetBias != 0 {
		H := m.Hidden
		for _, dirs := range m.Cells {
			for _, L := range dirs {
				bi, bh := L.Bih.W(), L.Bhh.W()
				for j := H; j < 2*H; j++ {
					bi[j], bh[j] = o.ForgetBias, 0
				}
			}
		}
	}
	m.Params.ZeroGrad()
}

// headStream is the PCG stream of a head's initialization: the first 8
// bytes of its name as a big-endian number.
func headStream(name string) uint64 {
	var s uint64
	for i := 0; i < len(name) && i < 8; i++ {
		s = s<<8 | uint64(name[i])
	}
	return s
}

func (m *Model) threads() int { return max(1, m.Threads) }
