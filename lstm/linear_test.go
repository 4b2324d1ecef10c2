package lstm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestLinearGrad checks Linear.Backward against central differences of
// L = Σ Forward(x)·w for every weight, bias and input, on a head held in
// the flat buffer beside an LSTM's parameters.
func TestLinearGrad(t *testing.T) {
	m := New(Config{Input: 3, Hidden: 2, Layers: 1, Output: 2, Heads: []Head{{Name: "aux", In: 4, Out: 3}}})
	m.Init(5, InitOptions{})
	h := m.Heads[0]
	if m.Params.Tensor("aux.weight") != h.W || h.B.Off+h.B.Len != m.Params.Len() || h.W.Off != m.FC.B.Off+m.FC.B.Len {
		t.Fatal("the head is not at the end of the flat buffer, after fc")
	}
	r := rand.New(rand.NewPCG(1, 2))
	const rows = 5
	x := randF(r, rows*h.In, 1)
	w := randF(r, rows*h.Out, 1)
	loss := func() float64 {
		var s float64
		for i, v := range h.Forward(x, rows) {
			s += float64(v) * float64(w[i])
		}
		return s
	}
	m.Params.ZeroGrad()
	dx := make([]float32, len(x))
	h.Backward(w, x, dx, rows)
	check := func(name string, v, g []float32) {
		for i := range v {
			old := v[i]
			const eps = 1e-2
			v[i] = old + eps
			lp := loss()
			v[i] = old - eps
			lm := loss()
			v[i] = old
			want := (lp - lm) / (2 * eps)
			if math.Abs(float64(g[i])-want) > 1e-3*(1+math.Abs(want)) {
				t.Errorf("%s[%d]: gradient %v, finite difference %v", name, i, g[i], want)
			}
		}
	}
	check("weight", h.W.W(), h.W.G())
	check("bias", h.B.W(), h.B.G())
	check("x", x, dx)
	for i, g := range m.Params.Grad[:h.W.Off] {
		if g != 0 {
			t.Fatalf("Backward of the head wrote gradient %d (%v) outside it", i, g)
		}
	}
}

// TestHeadInit: a head's initial values come from its own generator, so
// adding one leaves the other parameters unchanged; the values lie in
// ±1/√In.
func TestHeadInit(t *testing.T) {
	c := Config{Input: 3, Hidden: 2, Layers: 2, Bidirectional: true, Output: 4}
	a := New(c)
	a.Init(7, InitOptions{ForgetBias: 1})
	c.Heads = []Head{{Name: "phone", In: 4, Out: 5}}
	b := New(c)
	b.Init(7, InitOptions{ForgetBias: 1})
	for i, v := range a.Params.Data {
		if b.Params.Data[i] != v {
			t.Fatalf("parameter %d is %v with a head, %v without", i, b.Params.Data[i], v)
		}
	}
	k := float32(1 / math.Sqrt(4))
	var nonzero int
	for _, v := range b.Params.Data[a.Params.Len():] {
		if v < -k || v > k {
			t.Errorf("head value %v outside ±%v", v, k)
		}
		if v != 0 {
			nonzero++
		}
	}
	if nonzero != 25 {
		t.Errorf("%d of 25 head values set", nonzero)
	}
	if s := c.Specs(); s[len(s)-2].Name != "phone.weight" || s[len(s)-1].Name != "phone.bias" {
		t.Errorf("specs end with %v", s[len(s)-2:])
	}
}
