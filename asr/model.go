package asr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sync"

	"github.com/ecoute/ecoute/internal/safetensors"
	"github.com/ecoute/ecoute/lstm"
)

// A Model is an acoustic model: its Config and its network, an lstm.Model
// whose flat parameter buffer holds the weights in PyTorch's layout.
// Weights loaded from an F32 file alias the file's bytes where the platform
// allows (see Load). A Model is read-only once built and safe for
// concurrent use.
type Model struct {
	Config Config
	net    *lstm.Model
	ws     *sync.Pool // of *lstm.Workspace, one per concurrent LogProbsOf
	// LM is an optional word n-gram language model fused during beam search.
	LM *LanguageModel
}

// Network returns the lstm configuration of the network of c (no
// dropout, no extra heads: a trainer adds its own).
func (c *Config) Network() lstm.Config { return netConfig(c) }

// netConfig is the lstm configuration of the network of c.
func netConfig(c *Config) lstm.Config {
	return lstm.Config{Input: c.InputSize, Hidden: c.HiddenSize, Layers: c.NumLayers,
		Bidirectional: c.Bidirectional, Output: c.OutputSize}
}

func newModel(c Config, net *lstm.Model) *Model {
	return &Model{Config: c, net: net, ws: &sync.Pool{New: func() any { return lstm.NewWorkspace(0) }}}
}

// TensorSpec is the name and shape of one model tensor.
type TensorSpec = lstm.Spec

// TensorSpecs lists the tensors a model with config c has, in file order:
// the LSTM's tensors with PyTorch's names, then fc.weight [V][D H] and
// fc.bias [V] (see lstm.Config.Specs, the one table of these names). It
// panics if c's sizes are not positive (Validate first).
func TensorSpecs(c *Config) []TensorSpec { return netConfig(c).Specs() }

// NewModel returns a model with config c and the given tensors (by PyTorch
// name; see TensorSpecs), copied into the network's parameter buffer. It
// returns a *ModelError if c is invalid or a tensor is missing or has the
// wrong size.
func NewModel(c Config, tensors map[string][]float32) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	net := lstm.New(netConfig(&c))
	for _, s := range TensorSpecs(&c) {
		t, ok := tensors[s.Name]
		if !ok {
			return nil, &ModelError{What: "tensor " + s.Name, Msg: "missing"}
		}
		if len(t) != s.Len() {
			return nil, &ModelError{What: "tensor " + s.Name, Msg: fmt.Sprintf("has %d values, want %v = %d", len(t), s.Shape, s.Len())}
		}
		copy(net.Params.Tensor(s.Name).W(), t)
	}
	return newModel(c, net), nil
}

// Tensor returns the named tensor (row-major, PyTorch layout), or nil. The
// slice is a view of the network's parameters, which may alias the model
// file: do not modify it.
func (m *Model) Tensor(name string) []float32 {
	t := m.net.Params.Tensor(name)
	if t == nil {
		return nil
	}
	return t.W()
}

// NumParams returns the number of weights.
func (m *Model) NumParams() int { return m.Config.NumParams() }

// Load parses a model file held in data. Only the header is parsed; when
// the network's tensors are F32, back to back in TensorSpecs order and
// aligned (files written by Save always are) on a little-endian platform,
// the weights alias data (see lstm.Model.LoadBytes), so data must not be
// modified while the model is in use; other dtypes (F16 from SaveHalf) are
// converted once into one float32 buffer. Errors are *ModelError values that say what is wrong: a truncated
// file, a header that is not safetensors, a missing or unreadable config, a
// format version this build does not read, a missing or misshapen tensor.
func Load(data []byte) (*Model, error) {
	f, err := safetensors.Parse(data)
	if err != nil {
		what := "header"
		if errors.Is(err, io.ErrUnexpectedEOF) {
			what = "truncated file"
		}
		return nil, &ModelError{What: what, Msg: err.Error()}
	}
	raw, ok := f.Metadata[MetadataKey]
	if !ok {
		return nil, &ModelError{What: "config", Msg: fmt.Sprintf("no %q entry in __metadata__ (not an ecoute model file?)", MetadataKey)}
	}
	var c Config
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return nil, &ModelError{What: "config", Msg: "not valid JSON: " + err.Error()}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	specs := TensorSpecs(&c)
	if err := lstm.CheckSpecs(f, specs); err != nil {
		return nil, tensorError(err)
	}
	names := map[string]bool{}
	quantized := false
	for _, s := range specs {
		names[s.Name] = true
		info, _ := f.Lookup(s.Name)
		quantized = quantized || info.DType == safetensors.I8
	}
	if quantized {
		return loadInt8(f, c)
	}
	// Other tensors (the LM, a checkpoint's optimizer state) are not the
	// network's.
	var extra []string
	for _, info := range f.Tensors {
		if !names[info.Name] {
			extra = append(extra, info.Name)
		}
	}
	net, err := lstm.NewFromFile(netConfig(&c), f, extra...)
	if err != nil {
		return nil, tensorError(err)
	}
	m := newModel(c, net)
	if err := m.loadLM(f); err != nil {
		return nil, err
	}
	return m, nil
}

// tensorError turns lstm's error about a tensor into a *ModelError.
func tensorError(err error) error {
	var pe *lstm.ParamError
	if errors.As(err, &pe) {
		return &ModelError{What: "tensor " + pe.Tensor, Msg: pe.Msg}
	}
	return &ModelError{What: "tensors", Msg: err.Error()}
}

// loadLM attaches the LM tensor of f, if there is one.
func (m *Model) loadLM(f *safetensors.File) error {
	if lm, ok := f.Lookup(lmTensor); ok {
		b, err := f.Bytes(lmTensor)
		if err == nil && lm.DType != safetensors.U8 {
			err = fmt.Errorf("dtype %s", lm.DType)
		}
		if err != nil {
			return &ModelError{What: "tensor " + lmTensor, Msg: fmt.Sprintf("want U8 bytes of an ARPA file (%v)", err)}
		}
		m.LM, err = ParseLanguageModel(b)
		if err != nil {
			return &ModelError{What: "tensor " + lmTensor, Msg: err.Error()}
		}
	}
	return nil
}

// scaleSuffix names the per-row scales of an I8 weight matrix: tensor
// "fc.weight" in I8 has its scales in "fc.weight.scale" (F32, one per row).
const scaleSuffix = ".scale"

// loadInt8 loads a file written by SaveInt8: each network tensor is I8 with
// per-row F32 scales, or a float type; all are converted to float32 straight
// into the network's parameters (one copy of the weights in memory).
func loadInt8(f *safetensors.File, c Config) (*Model, error) {
	net := lstm.New(netConfig(&c))
	for _, s := range TensorSpecs(&c) {
		info, _ := f.Lookup(s.Name)
		dst := net.Params.Tensor(s.Name).W()
		if info.DType != safetensors.I8 {
			v, err := f.Float32(s.Name)
			if err != nil {
				return nil, &ModelError{What: "tensor " + s.Name, Msg: err.Error()}
			}
			copy(dst, v)
			continue
		}
		rows := s.Shape[0]
		sc, ok := f.Lookup(s.Name + scaleSuffix)
		if !ok || len(s.Shape) != 2 || !slices.Equal(sc.Shape, []int{rows}) {
			return nil, &ModelError{What: "tensor " + s.Name, Msg: fmt.Sprintf("I8 weights need F32 per-row scales %q of shape [%d]", s.Name+scaleSuffix, rows)}
		}
		scale, err := f.Float32(s.Name + scaleSuffix)
		if err != nil {
			return nil, &ModelError{What: "tensor " + s.Name + scaleSuffix, Msg: err.Error()}
		}
		q, _ := f.Bytes(s.Name)
		cols := s.Shape[1]
		for r := 0; r < rows; r++ {
			for j := 0; j < cols; j++ {
				dst[r*cols+j] = float32(int8(q[r*cols+j])) * scale[r]
			}
		}
	}
	m := newModel(c, net)
	if err := m.loadLM(f); err != nil {
		return nil, err
	}
	return m, nil
}

// LoadFile reads and loads a model file.
func LoadFile(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := Load(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Save writes m as a model file: the tensors of TensorSpecs in order, F32,
// with the config JSON in __metadata__, and the LM (if any) as a U8 tensor.
func (m *Model) Save(w io.Writer) error { return m.save(w, dtypeF32) }

// SaveHalf is Save with the weights stored as IEEE half floats (F16): half
// the size, for downloads; loading converts them back to float32 (a copy).
func (m *Model) SaveHalf(w io.Writer) error { return m.save(w, dtypeF16) }

// SaveInt8 is Save with each weight matrix stored as signed 8-bit integers
// with one F32 scale per row (tensor NAME.scale; symmetric, scale = the
// row's largest magnitude / 127) and the biases as F32: a quarter of the
// size, for downloads. Loading converts back to float32 (a copy). PyTorch
// reads such a file only with the scales applied by hand.
func (m *Model) SaveInt8(w io.Writer) error { return m.save(w, dtypeI8) }

const (
	dtypeF32 = iota
	dtypeF16
	dtypeI8
)

func (m *Model) save(w io.Writer, dtype int) error {
	cfg, err := json.Marshal(&m.Config)
	if err != nil {
		return err
	}
	var ts []safetensors.Tensor
	for _, s := range TensorSpecs(&m.Config) {
		v := m.Tensor(s.Name)
		switch {
		case dtype == dtypeF16:
			ts = append(ts, safetensors.Tensor{Name: s.Name, Shape: s.Shape, DType: safetensors.F16, Raw: toF16(v)})
		case dtype == dtypeI8 && len(s.Shape) == 2:
			q, scale := quantizeRows(v, s.Shape[0], s.Shape[1])
			ts = append(ts,
				safetensors.Tensor{Name: s.Name, Shape: s.Shape, DType: safetensors.I8, Raw: q},
				safetensors.Tensor{Name: s.Name + scaleSuffix, Shape: s.Shape[:1], F32: scale})
		default:
			ts = append(ts, safetensors.Tensor{Name: s.Name, Shape: s.Shape, F32: v})
		}
	}
	if m.LM != nil && len(m.LM.Source) > 0 {
		ts = append(ts, safetensors.Tensor{Name: lmTensor, Shape: []int{len(m.LM.Source)}, DType: safetensors.U8, Raw: m.LM.Source})
	}
	return safetensors.Write(w, ts, map[string]string{MetadataKey: string(cfg)})
}

// SaveFile writes m to path (through a temporary file renamed into place).
func (m *Model) SaveFile(path string) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := m.Save(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// quantizeRows quantizes the rows x cols matrix v row by row to int8:
// q = round(v / scale), scale = max |v| of the row / 127 (1 for a zero row).
func quantizeRows(v []float32, rows, cols int) ([]byte, []float32) {
	q := make([]byte, len(v))
	scale := make([]float32, rows)
	for r := 0; r < rows; r++ {
		row := v[r*cols : (r+1)*cols]
		var amax float32
		for _, x := range row {
			amax = max(amax, float32(math.Abs(float64(x))))
		}
		s := amax / 127
		if s == 0 || math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) {
			s = 1
		}
		scale[r] = s
		for j, x := range row {
			q[r*cols+j] = byte(int8(max(-127, min(127, math.Round(float64(x/s))))))
		}
	}
	return q, scale
}

// toF16 converts to IEEE 754 half precision, rounding to nearest even;
// overflow gives ±Inf.
func toF16(v []float32) []byte {
	out := make([]byte, 2*len(v))
	for i, f := range v {
		h := f32ToF16(math.Float32bits(f))
		out[2*i], out[2*i+1] = byte(h), byte(h>>8)
	}
	return out
}

func f32ToF16(b uint32) uint16 {
	sign := uint16(b>>16) & 0x8000
	exp := int((b>>23)&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case (b>>23)&0xff == 0xff: // Inf or NaN
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	case exp >= 0x1f:
		return sign | 0x7c00
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		h := mant >> shift
		rem := mant & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && h&1 == 1) {
			h++
		}
		return sign | uint16(h)
	}
	h := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
		h++ // may carry into the exponent, which is still right
	}
	return sign | uint16(h)
}
