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
	for _, info := range f.Tensors {
		if m.Params.Tensor(info.Name) != nil || allowed(info.Name, allowExtra) {
			continue
		}
		return nil, &ParamError{Tensor: info.Name, Msg: "extra tensor not in the model"}
	}
	contiguous := true
	base := -1
	for _, t := range m.Params.Tensors {
		info, ok := f.Lookup(t.Name)
		if !ok {
			return nil, &ParamError{Tensor: t.Name, Msg: fmt.Sprintf("missing (model needs shape %v)", t.Shape)}
		}
		if !slices.Equal(info.Shape, t.Shape) {
			return nil, &ParamError{Tensor: t.Name, Msg: fmt.Sprintf("shape %v in file, model needs %v", info.Shape, t.Shape)}
		}
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
			return f.Metadata, nil
		}
	}
	data := make([]float32, m.Params.Len())
	for _, t := range m.Params.Tensors {
		v, err := f.Float32(t.Name)
		if err != nil {
			return nil, &ParamError{Tensor: t.Name, Msg: err.Error()}
		}
		copy(data[t.Off:t.Off+t.Len], v)
	}
	m.Params.Data = data
	return f.Metadata, nil
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
