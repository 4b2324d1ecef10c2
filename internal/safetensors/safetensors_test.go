package safetensors

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	a := []float32{1, 2.5, -3, 4, 5, 6}
	err := Write(&buf, []Tensor{
		{Name: "a", Shape: []int{2, 3}, F32: a},
		{Name: "q", Shape: []int{3}, DType: I8, Raw: []byte{1, 2, 255}},
		{Name: "h", Shape: []int{2}, DType: F16, Raw: []byte{0x00, 0x3c, 0x00, 0xc0}},
	}, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["k"] != "v" {
		t.Errorf("metadata %v", f.Metadata)
	}
	got, err := f.Float32("a")
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if got[i] != a[i] {
			t.Fatalf("a[%d] = %g, want %g", i, got[i], a[i])
		}
	}
	if _, ok := AliasFloat32(f.Data[0:24]); littleEndian && !ok {
		t.Error("F32 tensor of a written file is not aliasable")
	}
	h, err := f.Float32("h")
	if err != nil || h[0] != 1 || h[1] != -2 {
		t.Errorf("F16 = %v, %v; want [1 -2]", h, err)
	}
	q, _ := f.Bytes("q")
	if !bytes.Equal(q, []byte{1, 2, 255}) {
		t.Errorf("raw = %v", q)
	}
	if _, err := f.Float32("q"); err == nil {
		t.Error("I8 as float32: no error")
	}
	if _, err := f.Float32("missing"); err == nil {
		t.Error("missing tensor: no error")
	}
}

func TestTruncated(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, []Tensor{{Name: "w", Shape: []int{4}, F32: []float32{1, 2, 3, 4}}}, nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	for n := 0; n < len(b); n++ {
		_, err := Parse(b[:n])
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("truncated to %d: error %v, want *FormatError", n, err)
		}
		if n >= 8 && n < len(b) && !errors.Is(err, io.ErrUnexpectedEOF) && fe.Err == nil {
			t.Logf("truncated to %d: %v", n, err)
		}
	}
}

func TestHalf(t *testing.T) {
	for _, c := range []struct {
		h uint16
		f float32
	}{{0x3c00, 1}, {0x0001, 5.960464477539063e-08}, {0x7bff, 65504}, {0x8000, 0}, {0x3555, 0.33325195}} {
		if g := HalfToFloat32(c.h); g != c.f {
			t.Errorf("HalfToFloat32(%#x) = %g, want %g", c.h, g, c.f)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/lstm/*.safetensors")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte{2, 0, 0, 0, 0, 0, 0, 0, '{', '}'})
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse(b)
		if err != nil {
			return
		}
		for _, ti := range file.Tensors {
			file.Float32(ti.Name)
			file.Bytes(ti.Name)
		}
	})
}
