package lstm

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unsafe"

	"github.com/ecoute/ecoute/internal/safetensors"
)

// Save writes the parameters as a safetensors file with PyTorch tensor
// names, in layout order, and the given metadata (may be nil). Files
// written by Save can be loaded without copying (see LoadBytes).
func (m *Model) Save(w io.Writer, metadata map[string]string) error {
	ts := make([]safetensors.Tensor, len(m.Params.Tensors))
	for i, t := range m.Params.Tensors {
		ts[i] = safetensors.Tensor{Name: t.Name, Shape: t.Shape, F32: t.W()}
	}
	return safetensors.Write(w, ts, metadata)
}

// ParamError reports a parameter file that does not fit the model.
type ParamError struct {
	Tensor string // the tensor concerned
	Msg    string
}

func (e *ParamError) Error() string { return "lstm: parameter " + e.Tensor + ": " + e.Msg }

// Spec is the name and shape of one parameter tensor.
type Spec struct {
	Name  string
	Shape []int
}

// Len returns the number of values of the tensor.
func (s Spec) Len() int {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// Specs returns the tensors of a model with config c in layout order, the
// order of PyTorch's state_dict, with their PyTorch names: embed.weight
// [Vocab][Input] when there is an embedding; for each layer l and
// direction ("" forward, "_reverse" backward) lstm.weight_ih_l{l}{dir}
// [4H][In], lstm.weight_hh_l{l}{dir} [4H][H], lstm.bias_ih_l{l}{dir} [4H],
// lstm.bias_hh_l{l}{dir} [4H] (gate rows in the order in, forget, cell,
// out); fc.weight [Output][Dirs·H] and fc.bias [Output] when there is a
// head; then each extra head's NAME.weight and NAME.bias. It is the one
// table of these names: loaders of files that embed an LSTM under other
// names (an LM's "rnn.") rename its entries. It panics on a bad config, as
// New does.
func (c Config) Specs() []Spec {
	ts := newModel(c).Params.Tensors
	s := make([]Spec, len(ts))
	for i, t := range ts {
		s[i] = Spec{t.Name, t.Shape}
	}
	return s
}

// CheckSpecs reports the first tensor of specs that f lacks or holds with
// another shape, as a *ParamError; it reads only f's header.
func CheckSpecs(f *safetensors.File, specs []Spec) error {
	for _, s := range specs {
		info, ok := f.Lookup(s.Name)
		if !ok {
			return &ParamError{Tensor: s.Name, Msg: fmt.Sprintf("missing (model needs shape %v)", s.Shape)}
		}
		if !slices.Equal(info.Shape, s.Shape) {
			return &ParamError{Tensor: s.Name, Msg: fmt.Sprintf("shape %v in file, model needs %v", info.Shape, s.Shape)}
		}
	}
	return nil
}

// LoadBytes sets the parameters from a safetensors file held in b (as
// written by Save or by a PyTorch exporter with the same names; F32, F16,
// BF16 and F64 tensors are accepted) and returns its metadata. Only the
// header is parsed. When the file's tensors are F32, stored in the model's
// layout order back to back and 4-byte aligned in memory on a
// little-endian platform, Params.Data becomes a view of b (no copy): b must
// then not be modified while the model is in use, and the model must not be
// trained (Params.Data would write into b). Otherwise the values are
// copied. Other tensors of the file ("extra" ones, such as a front-end's)
// are an error unless their names are listed in allowExtra or have a prefix
// listed there ending in "."; a missing, misshaped or unreadable tensor is
// an error naming it. Truncated or malformed files return a
// *safetensors.FormatError.
func (m *Model) LoadBytes(b []byte, allowExtra ...string) (map[string]string, error) {
	f, err := safetensors.Parse(b)
	if err != nil {
		return nil, err
	}
	if err := m.LoadFile(f, allowExtra...); err != nil {
		return nil, err
	}
	return f.Metadata, nil
}

// LoadFile is LoadBytes for a file whose header has been parsed already
// (the values alias f.Data under the same conditions).
func (m *Model) LoadFile(f *safetensors.File, allowExtra ...string) error {
	for _, info := range f.Tensors {
		if m.Params.Tensor(info.Name) != nil || allowed(info.Name, allowExtra) {
			continue
		}
		return &ParamError{Tensor: info.Name, Msg: "extra tensor not in the model"}
	}
	specs := make([]Spec, len(m.Params.Tensors))
	for i, t := range m.Params.Tensors {
		specs[i] = Spec{t.Name, t.Shape}
	}
	if err := CheckSpecs(f, specs); err != nil {
		return err
	}
	contiguous := true
	base := -1
	for _, t := range m.Params.Tensors {
		info, _ := f.Lookup(t.Name)
		if info.DType != safetensors.F32 {
			contiguous = false
			continue
		}
		if base < 0 {
			base = info.Begin
		}
		if info.Begin != base+4*t.Off {
			contiguous = false
		}
	}
	if contiguous && m.Params.Len() > 0 {
		if v, ok := safetensors.AliasFloat32(f.Data[base : base+4*m.Params.Len()]); ok {
			m.Params.Data = v
			return nil
		}
	}
	data := make([]float32, m.Params.Len())
	for _, t := range m.Params.Tensors {
		v, err := f.Float32(t.Name)
		if err != nil {
			return &ParamError{Tensor: t.Name, Msg: err.Error()}
		}
		copy(data[t.Off:t.Off+t.Len], v)
	}
	m.Params.Data = data
	return nil
}

// Aliased reports whether Params.Data is a view of a loaded file's bytes.
func (p *Params) Aliased(b []byte) bool {
	if len(p.Data) == 0 || len(b) == 0 {
		return false
	}
	s := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	d := uintptr(unsafe.Pointer(unsafe.SliceData(p.Data)))
	return d >= s && d < s+uintptr(len(b))
}

func allowed(name string, allow []string) bool {
	for _, a := range allow {
		if name == a || strings.HasSuffix(a, ".") && strings.HasPrefix(name, a) {
			return true
		}
	}
	return false
}
