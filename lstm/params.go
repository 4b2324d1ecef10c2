package lstm

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Params is the flat storage of all parameters of a model: Data holds the
// values and Grad the gradients (nil until first needed), in the same layout, and each Tensor is a
// named view into both. Zeroing, clipping, an optimizer step and
// checkpointing are each one loop over Data or Grad.
type Params struct {
	Data    []float32
	Grad    []float32
	Tensors []*Tensor // in layout order
	byName  map[string]*Tensor
	n       int
}

// Tensor is a named view of Params. Its values are p.Data[Off:Off+Len] and
// its gradient p.Grad[Off:Off+Len], row-major with the given Shape.
type Tensor struct {
	Name  string
	Shape []int
	Off   int
	Len   int
	p     *Params
}

// W returns the tensor's values (a view of Params.Data).
func (t *Tensor) W() []float32 { return t.p.Data[t.Off : t.Off+t.Len : t.Off+t.Len] }

// G returns the tensor's gradient (a view of Params.Grad, allocated on
// first use).
func (t *Tensor) G() []float32 {
	t.p.EnsureGrad()
	return t.p.Grad[t.Off : t.Off+t.Len : t.Off+t.Len]
}

// add declares a tensor; alloc must be called after the last add.
func (p *Params) add(name string, shape ...int) *Tensor {
	if p.byName == nil {
		p.byName = map[string]*Tensor{}
	}
	if _, dup := p.byName[name]; dup {
		panic("lstm: duplicate parameter " + name)
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	t := &Tensor{Name: name, Shape: shape, Off: p.n, Len: n, p: p}
	p.n += n
	p.Tensors = append(p.Tensors, t)
	p.byName[name] = t
	return t
}

// EnsureGrad allocates Grad (zeroed) if it is not allocated yet. Grad stays
// nil for a model that only runs inference.
func (p *Params) EnsureGrad() {
	if len(p.Grad) != p.n {
		p.Grad = make([]float32, p.n)
	}
}

// Len returns the total number of parameters.
func (p *Params) Len() int { return p.n }

// Tensor returns the named tensor, or nil.
func (p *Params) Tensor(name string) *Tensor { return p.byName[name] }

// ZeroGrad sets every gradient to zero (allocating Grad if needed).
func (p *Params) ZeroGrad() {
	p.EnsureGrad()
	clear(p.Grad)
}

// uniform fills t with values drawn uniformly from [-k, k).
func (t *Tensor) uniform(r *rand.Rand, k float64) {
	w := t.W()
	for i := range w {
		w[i] = float32((r.Float64()*2 - 1) * k)
	}
}

// normal fills t with values drawn from N(0, 1).
func (t *Tensor) normal(r *rand.Rand) {
	w := t.W()
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
}

func shapeString(s []int) string { return fmt.Sprint(s) }

// ClipGlobalNorm scales g in place so that its Euclidean norm is at most
// maxNorm, as torch.nn.utils.clip_grad_norm_ does (scale
// maxNorm/(norm+1e-6) when that is below 1), and returns the norm before
// clipping. A NaN or infinite norm is returned as is and g is left alone, so
// the caller can see it and skip the step.
func ClipGlobalNorm(g []float32, maxNorm float64) float64 { return ClipNorms(maxNorm, g) }

// ClipNorms is ClipGlobalNorm for gradients kept in several slices (the
// parameters of more than one module): their joint norm is clipped.
func ClipNorms(maxNorm float64, gs ...[]float32) float64 {
	var s float64
	for _, g := range gs {
		for _, v := range g {
			s += float64(v) * float64(v)
		}
	}
	norm := math.Sqrt(s)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm
	}
	if c := maxNorm / (norm + 1e-6); c < 1 {
		f := float32(c)
		for _, g := range gs {
			for i := range g {
				g[i] *= f
			}
		}
	}
	return norm
}
