package asr

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/internal/safetensors"
)

// randomModel returns a model with config c and seeded random weights.
func randomModel(t testing.TB, c Config, seed uint64) *Model {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	ts := map[string][]float32{}
	for _, s := range TensorSpecs(&c) {
		v := make([]float32, s.Len())
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 0.3)
		}
		ts[s.Name] = v
	}
	m, err := NewModel(c, ts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func smallConfig() Config {
	c := DefaultConfig()
	c.HiddenSize, c.NumLayers = 8, 2
	c.Fill()
	return c
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m := randomModel(t, smallConfig(), 1)
	m.Config.Provenance.Notes = "round trip"
	m.LM, _ = ParseLanguageModel([]byte("\\data\\\nngram 1=1\n\n\\1-grams:\n-1 a\n\n\\end\\\n"))
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m2.Config.Provenance.Notes != "round trip" || m2.Config.HiddenSize != 8 {
		t.Errorf("config changed: %+v", m2.Config)
	}
	for _, s := range TensorSpecs(&m.Config) {
		a, b := m.Tensor(s.Name), m2.Tensor(s.Name)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s[%d]: %v != %v", s.Name, i, a[i], b[i])
			}
		}
	}
	if m2.LM == nil || !bytes.Equal(m2.LM.Source, m.LM.Source) {
		t.Error("LM not kept")
	}
	// Weights alias the file bytes (no copy) on little-endian machines.
	w := m2.Tensor("fc.bias")
	old := w[0]
	b := buf.Bytes()
	idx := bytes.Index(b, f32bytes(m.Tensor("fc.bias")))
	if idx < 0 {
		t.Fatal("fc.bias bytes not found in file")
	}
	b[idx] ^= 1
	if w[0] == old && littleEndianHost() {
		t.Error("fc.bias was copied on load, want a view of the file")
	}
}

func f32bytes(v []float32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

func littleEndianHost() bool {
	x := uint16(1)
	return *(*byte)(unsafePointer(&x)) == 1
}

func TestLoadBadFiles(t *testing.T) {
	m := randomModel(t, smallConfig(), 2)
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	withConfig := func(edit func(map[string]any)) []byte {
		var cfg map[string]any
		json.Unmarshal([]byte(mustJSON(t, &m.Config)), &cfg)
		edit(cfg)
		b, _ := json.Marshal(cfg)
		// The tensors stay those of m; only the metadata changes.
		var ts []safetensors.Tensor
		for _, s := range TensorSpecs(&m.Config) {
			ts = append(ts, safetensors.Tensor{Name: s.Name, Shape: s.Shape, F32: m.Tensor(s.Name)})
		}
		var out bytes.Buffer
		if err := safetensors.Write(&out, ts, map[string]string{MetadataKey: string(b)}); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "truncated"},
		{"truncated header", good[:100], "truncated"},
		{"truncated data", good[:len(good)-10], "truncated"},
		{"not safetensors", []byte("RIFF....WAVEfmt this is a wav file, not a model"), "header"},
		{"future version", withConfig(func(c map[string]any) { c["version"] = 7 }), "version 7"},
		{"wrong format", withConfig(func(c map[string]any) { c["format"] = "other" }), "format"},
		{"bad hidden", withConfig(func(c map[string]any) { c["hidden_size"] = 9 }), "shape"},
	} {
		_, err := Load(tc.data)
		var me *ModelError
		if err == nil || !errors.As(err, &me) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want a *ModelError mentioning %q", tc.name, err, tc.want)
		}
	}
	// A safetensors file without our config.
	var plain bytes.Buffer
	plainModel := *m
	plainModel.Config.Format = FormatName
	if err := plainModel.Save(&plain); err != nil {
		t.Fatal(err)
	}
	b := bytes.Replace(plain.Bytes(), []byte(MetadataKey), []byte("ecoute.cfgxxx"), 1)
	if _, err := Load(b); err == nil || !strings.Contains(err.Error(), "not an ecoute model") {
		t.Errorf("no config: got %v", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func FuzzLoad(f *testing.F) {
	for _, p := range []string{"../testdata/asr/torch_small.safetensors"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte{})
	var q bytes.Buffer
	m := randomModel(f, smallConfig(), 5)
	if err := m.SaveInt8(&q); err != nil {
		f.Fatal(err)
	}
	f.Add(q.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Load(b)
		if err == nil && m == nil {
			t.Fatal("nil model without error")
		}
	})
}

func TestSaveHalf(t *testing.T) {
	m := randomModel(t, smallConfig(), 3)
	var full, half bytes.Buffer
	if err := m.Save(&full); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveHalf(&half); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(half.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if half.Len() > full.Len()*6/10 {
		t.Errorf("half file %d bytes, full %d", half.Len(), full.Len())
	}
	var worst float64
	for _, s := range TensorSpecs(&m.Config) {
		a, b := m.Tensor(s.Name), m2.Tensor(s.Name)
		for i := range a {
			// Half precision keeps 11 significant bits.
			e := math.Abs(float64(a[i]-b[i])) / math.Max(math.Abs(float64(a[i])), 1e-4)
			worst = math.Max(worst, e)
		}
	}
	if worst > 1.0/2048 {
		t.Errorf("half round trip: worst relative error %.3g", worst)
	}
	for _, c := range []struct {
		f float32
		h uint16
	}{{1, 0x3c00}, {-2, 0xc000}, {65504, 0x7bff}, {1e6, 0x7c00}, {5.960464477539063e-08, 0x0001}, {0.333333343, 0x3555}} {
		if got := f32ToF16(math.Float32bits(c.f)); got != c.h {
			t.Errorf("f32ToF16(%v) = %#04x, want %#04x", c.f, got, c.h)
		}
	}
}

func TestSaveInt8(t *testing.T) {
	m := randomModel(t, smallConfig(), 4)
	m.LM, _ = ParseLanguageModel([]byte("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t<s>\n-0.5\t</s>\n-0.3\thello\n\n\\end\\\n"))
	var full, q bytes.Buffer
	if err := m.Save(&full); err != nil {
		t.Fatal(err)
	}
	if err := m.SaveInt8(&q); err != nil {
		t.Fatal(err)
	}
	if q.Len() > full.Len()*4/10 {
		t.Errorf("int8 file %d bytes, full %d", q.Len(), full.Len())
	}
	m2, err := Load(q.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m2.LM == nil || string(m2.LM.Source) != string(m.LM.Source) {
		t.Error("the LM did not survive")
	}
	for _, s := range TensorSpecs(&m.Config) {
		a, b := m.Tensor(s.Name), m2.Tensor(s.Name)
		if len(s.Shape) == 1 {
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("%s[%d]: bias %v became %v (biases stay F32)", s.Name, i, a[i], b[i])
				}
			}
			continue
		}
		cols := s.Shape[1]
		for r := 0; r < s.Shape[0]; r++ {
			var amax float64
			for _, x := range a[r*cols : (r+1)*cols] {
				amax = math.Max(amax, math.Abs(float64(x)))
			}
			// Rounding to the nearest of 255 levels: at most half a step.
			step := amax / 127
			for j := 0; j < cols; j++ {
				if e := math.Abs(float64(a[r*cols+j] - b[r*cols+j])); e > step/2*1.0001 {
					t.Fatalf("%s[%d][%d]: %v became %v (step %v)", s.Name, r, j, a[r*cols+j], b[r*cols+j], step)
				}
			}
		}
	}

	// I8 weights without their scales are an error that names them.
	f, err := safetensors.Parse(q.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var ts []safetensors.Tensor
	for _, info := range f.Tensors {
		if info.Name == "fc.weight.scale" {
			continue
		}
		b, _ := f.Bytes(info.Name)
		ts = append(ts, safetensors.Tensor{Name: info.Name, Shape: info.Shape, DType: info.DType, Raw: b})
	}
	var bad bytes.Buffer
	if err := safetensors.Write(&bad, ts, f.Metadata); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad.Bytes()); err == nil || !strings.Contains(err.Error(), "fc.weight.scale") {
		t.Errorf("int8 file without fc.weight.scale: err = %v", err)
	}
}
