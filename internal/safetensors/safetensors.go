package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"unsafe"
)

// DType names a tensor element type as written in the header.
type DType string

// Element types understood by this package.
const (
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	F64  DType = "F64"
	I8   DType = "I8"
	U8   DType = "U8"
	I32  DType = "I32"
	I64  DType = "I64"
)

// Size returns the size in bytes of one element, or 0 for an unknown dtype.
func (d DType) Size() int {
	switch d {
	case F32, I32:
		return 4
	case F16, BF16:
		return 2
	case F64, I64:
		return 8
	case I8, U8:
		return 1
	}
	return 0
}

// MaxHeader is the largest JSON header Parse accepts (100 MB, as the
// reference implementation).
const MaxHeader = 100 << 20

// FormatError reports a malformed file. Tensor is the tensor concerned, if any.
type FormatError struct {
	Tensor string
	Msg    string
	Err    error // underlying error, e.g. io.ErrUnexpectedEOF
}

func (e *FormatError) Error() string {
	s := "safetensors: "
	if e.Tensor != "" {
		s += "tensor " + e.Tensor + ": "
	}
	s += e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FormatError) Unwrap() error { return e.Err }

// Info describes one tensor of a parsed file.
type Info struct {
	Name  string
	DType DType
	Shape []int
	// Begin and End are byte offsets of the tensor inside File.Data.
	Begin, End int
}

// Len returns the number of elements (the product of Shape).
func (i *Info) Len() int {
	n := 1
	for _, d := range i.Shape {
		n *= d
	}
	return n
}

// File is a parsed safetensors container. Data is the data section and
// aliases the slice given to Parse; tensors are views into it.
type File struct {
	Metadata map[string]string
	Tensors  []Info // sorted by Begin offset
	Data     []byte
	byName   map[string]int
}

type headerEntry struct {
	DType       DType   `json:"dtype"`
	Shape       []int   `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// Parse decodes the header of a safetensors file held in b. It does not copy
// b: the returned File and the views it hands out alias it, so b must not be
// modified while they are in use. It returns a *FormatError for malformed
// input (truncated files wrap io.ErrUnexpectedEOF).
func Parse(b []byte) (*File, error) {
	if len(b) < 8 {
		return nil, &FormatError{Msg: "file shorter than the 8-byte header length", Err: io.ErrUnexpectedEOF}
	}
	n := binary.LittleEndian.Uint64(b)
	if n > MaxHeader {
		return nil, &FormatError{Msg: fmt.Sprintf("header length %d exceeds limit %d", n, MaxHeader)}
	}
	if uint64(len(b)-8) < n {
		return nil, &FormatError{Msg: fmt.Sprintf("header length %d but only %d bytes follow", n, len(b)-8), Err: io.ErrUnexpectedEOF}
	}
	hdr := b[8 : 8+n]
	data := b[8+n:]
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(hdr))
	if err := dec.Decode(&raw); err != nil {
		return nil, &FormatError{Msg: "header is not a JSON object", Err: err}
	}
	f := &File{Data: data, byName: make(map[string]int, len(raw))}
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &f.Metadata); err != nil {
				return nil, &FormatError{Msg: "__metadata__ is not a map of strings", Err: err}
			}
			continue
		}
		var e headerEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, &FormatError{Tensor: name, Msg: "bad header entry", Err: err}
		}
		size := e.DType.Size()
		if size == 0 {
			return nil, &FormatError{Tensor: name, Msg: fmt.Sprintf("unknown dtype %q", e.DType)}
		}
		if len(e.DataOffsets) != 2 {
			return nil, &FormatError{Tensor: name, Msg: "data_offsets must have 2 entries"}
		}
		elems := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && elems > math.MaxInt32*int64(256)/int64(d)) {
				return nil, &FormatError{Tensor: name, Msg: fmt.Sprintf("bad shape %v", e.Shape)}
			}
			elems *= int64(d)
		}
		lo, hi := e.DataOffsets[0], e.DataOffsets[1]
		if lo < 0 || hi < lo {
			return nil, &FormatError{Tensor: name, Msg: fmt.Sprintf("bad data_offsets [%d, %d]", lo, hi)}
		}
		if hi-lo != elems*int64(size) {
			return nil, &FormatError{Tensor: name, Msg: fmt.Sprintf("data_offsets [%d, %d] hold %d bytes, shape %v of %s needs %d", lo, hi, hi-lo, e.Shape, e.DType, elems*int64(size))}
		}
		if hi > int64(len(data)) {
			return nil, &FormatError{Tensor: name, Msg: fmt.Sprintf("data ends at %d but the data section has %d bytes", hi, len(data)), Err: io.ErrUnexpectedEOF}
		}
		shape := e.Shape
		if shape == nil {
			shape = []int{}
		}
		f.Tensors = append(f.Tensors, Info{Name: name, DType: e.DType, Shape: shape, Begin: int(lo), End: int(hi)})
	}
	sort.Slice(f.Tensors, func(i, j int) bool {
		if f.Tensors[i].Begin != f.Tensors[j].Begin {
			return f.Tensors[i].Begin < f.Tensors[j].Begin
		}
		return f.Tensors[i].Name < f.Tensors[j].Name
	})
	for i := range f.Tensors {
		if i > 0 && f.Tensors[i].Begin < f.Tensors[i-1].End {
			return nil, &FormatError{Tensor: f.Tensors[i].Name, Msg: "overlaps tensor " + f.Tensors[i-1].Name}
		}
		f.byName[f.Tensors[i].Name] = i
	}
	return f, nil
}

// Lookup returns the description of the named tensor.
func (f *File) Lookup(name string) (*Info, bool) {
	i, ok := f.byName[name]
	if !ok {
		return nil, false
	}
	return &f.Tensors[i], true
}

// Bytes returns the raw little-endian bytes of the named tensor (a view).
func (f *File) Bytes(name string) ([]byte, error) {
	t, ok := f.Lookup(name)
	if !ok {
		return nil, &FormatError{Tensor: name, Msg: "missing"}
	}
	return f.Data[t.Begin:t.End:t.End], nil
}

// littleEndian reports whether the running platform stores integers
// little-endian, which is the byte order of the file.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// Float32 returns the named tensor as float32 values. For F32 tensors on a
// little-endian platform whose bytes are 4-byte aligned in memory the result
// aliases the file's bytes (zero copy; do not modify it unless you own the
// bytes); otherwise, and for F16, BF16 and F64, it is a converted copy.
// Other dtypes return an error.
func (f *File) Float32(name string) ([]float32, error) {
	t, ok := f.Lookup(name)
	if !ok {
		return nil, &FormatError{Tensor: name, Msg: "missing"}
	}
	b := f.Data[t.Begin:t.End]
	n := t.Len()
	switch t.DType {
	case F32:
		if v, ok := AliasFloat32(b); ok {
			return v, nil
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return out, nil
	case F16:
		out := make([]float32, n)
		for i := range out {
			out[i] = HalfToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
		}
		return out, nil
	case BF16:
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(b[2*i:])) << 16)
		}
		return out, nil
	case F64:
		out := make([]float32, n)
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
		return out, nil
	}
	return nil, &FormatError{Tensor: name, Msg: fmt.Sprintf("dtype %s is not a float type", t.DType)}
}

// AliasFloat32 reinterprets b as float32 values without copying when the
// platform is little-endian, len(b) is a multiple of 4 and b is 4-byte
// aligned. ok is false otherwise.
func AliasFloat32(b []byte) (v []float32, ok bool) {
	if !littleEndian || len(b)%4 != 0 {
		return nil, false
	}
	if len(b) == 0 {
		return []float32{}, true
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	if uintptr(p)%4 != 0 {
		return nil, false
	}
	return unsafe.Slice((*float32)(p), len(b)/4), true
}

// HalfToFloat32 converts an IEEE 754 binary16 value to float32.
func HalfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0 && mant == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal
		e := uint32(127 - 15 + 1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		mant &= 0x3ff
		return math.Float32frombits(sign | e<<23 | mant<<13)
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// Tensor is one tensor to write. Exactly one of F32 and Raw is set: F32 is
// written as dtype F32; Raw is written as is with the given DType (its length
// must match Shape).
type Tensor struct {
	Name  string
	Shape []int
	F32   []float32
	DType DType
	Raw   []byte
}

// Write writes tensors, in the order given, and metadata (may be nil) as a
// safetensors file. The header is padded with spaces so the data section
// begins 8-byte aligned. It panics if a tensor's data length does not match
// its shape or a name is repeated (programmer error) and returns w's errors.
func Write(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	// Build the header by hand so the tensor order is kept (readers do not
	// care, but diffs of files do).
	var hdr bytes.Buffer
	hdr.WriteByte('{')
	first := true
	if len(metadata) > 0 {
		m, err := json.Marshal(metadata)
		if err != nil {
			return err
		}
		hdr.WriteString(`"__metadata__":`)
		hdr.Write(m)
		first = false
	}
	seen := map[string]bool{}
	off := 0
	for _, t := range tensors {
		if seen[t.Name] || t.Name == "__metadata__" {
			panic("safetensors: duplicate or reserved tensor name " + t.Name)
		}
		seen[t.Name] = true
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		dt := F32
		size := 4 * len(t.F32)
		if t.Raw != nil || t.F32 == nil && t.DType != "" {
			dt = t.DType
			size = len(t.Raw)
		}
		if dt.Size() == 0 || size != n*dt.Size() {
			panic(fmt.Sprintf("safetensors: tensor %s: %d bytes of %s do not match shape %v", t.Name, size, dt, t.Shape))
		}
		if !first {
			hdr.WriteByte(',')
		}
		first = false
		name, _ := json.Marshal(t.Name)
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		sh, _ := json.Marshal(shape)
		fmt.Fprintf(&hdr, `%s:{"dtype":"%s","shape":%s,"data_offsets":[%d,%d]}`, name, dt, sh, off, off+size)
		off += size
	}
	hdr.WriteByte('}')
	for (8+hdr.Len())%8 != 0 {
		hdr.WriteByte(' ')
	}
	var lenb [8]byte
	binary.LittleEndian.PutUint64(lenb[:], uint64(hdr.Len()))
	if _, err := w.Write(lenb[:]); err != nil {
		return err
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, t := range tensors {
		if t.F32 == nil {
			if _, err := w.Write(t.Raw); err != nil {
				return err
			}
			continue
		}
		for i := 0; i < len(t.F32); {
			buf = buf[:0]
			for ; i < len(t.F32) && len(buf) < cap(buf); i++ {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(t.F32[i]))
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
	}
	return nil
}
