package lstm

import (
	"fmt"
	"math"
	"slices"
)

// Optimizer updates parameters in place from their gradients.
type Optimizer interface {
	// Step applies one update with learning rate lr. It panics if the
	// lengths of params and grads differ or change between calls.
	Step(params, grads []float32, lr float32)
}

// SGD is stochastic gradient descent with momentum and weight decay, as
// torch.optim.SGD with dampening 0:
//
//	g += WeightDecay*p
//	v = Momentum*v + g           (v = g at the first step)
//	p -= lr * (Nesterov ? g + Momentum*v : v)
type SGD struct {
	Momentum, WeightDecay float32
	Nesterov              bool
	v                     []float32
}

func checkLens(p, g []float32, state *[]float32) {
	if len(p) != len(g) {
		panic(fmt.Sprintf("lstm: %d parameters but %d gradients", len(p), len(g)))
	}
	if *state == nil {
		*state = make([]float32, len(p))
	} else if len(*state) != len(p) {
		panic(fmt.Sprintf("lstm: optimizer state for %d parameters used with %d", len(*state), len(p)))
	}
}

// Step implements Optimizer.
func (o *SGD) Step(p, g []float32, lr float32) {
	first := o.v == nil
	checkLens(p, g, &o.v)
	for i := range p {
		gi := g[i] + o.WeightDecay*p[i]
		if o.Momentum == 0 {
			p[i] -= lr * gi
			continue
		}
		v := gi
		if !first {
			v = o.Momentum*o.v[i] + gi
		}
		o.v[i] = v
		if o.Nesterov {
			p[i] -= lr * (gi + o.Momentum*v)
		} else {
			p[i] -= lr * v
		}
	}
}

// Adam is the optimizer of Kingma & Ba 2015 as torch.optim.Adam (and, with
// Decoupled set, torch.optim.AdamW, Loshchilov & Hutter 2019):
//
//	Adam:  g += WeightDecay*p        AdamW: p *= 1 - lr*WeightDecay
//	m = Beta1*m + (1-Beta1)*g
//	v = Beta2*v + (1-Beta2)*g²
//	p -= lr * (m/(1-Beta1^t)) / (sqrt(v/(1-Beta2^t)) + Eps)
type Adam struct {
	Beta1, Beta2, Eps, WeightDecay float32
	Decoupled                      bool
	m, v                           []float32
	t                              int
}

// NewAdam returns Adam with PyTorch's defaults (0.9, 0.999, 1e-8, no decay).
func NewAdam() *Adam { return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

// NewAdamW returns AdamW with PyTorch's defaults (weight decay 0.01).
func NewAdamW() *Adam {
	return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, Decoupled: true}
}

// Steps returns the number of steps taken.
func (o *Adam) Steps() int { return o.t }

// State returns the optimizer's state for a checkpoint: the first and
// second moment estimates m and v (one per parameter; nil before the first
// Step) and the number of steps taken t. The slices are the optimizer's
// own; copy them to keep them past the next Step.
func (o *Adam) State() (m, v []float32, t int) { return o.m, o.v, o.t }

// SetState restores a state returned by State (resuming from a
// checkpoint): later Steps continue exactly as the optimizer that saved it
// would. m and v are copied. It panics if m and v differ in length or t is
// negative.
func (o *Adam) SetState(m, v []float32, t int) {
	if len(m) != len(v) || t < 0 {
		panic(fmt.Sprintf("lstm: Adam state with %d and %d moments at step %d", len(m), len(v), t))
	}
	o.m, o.v, o.t = slices.Clone(m), slices.Clone(v), t
}

// Step implements Optimizer.
func (o *Adam) Step(p, g []float32, lr float32) {
	checkLens(p, g, &o.m)
	checkLens(p, g, &o.v)
	o.t++
	bc1 := 1 - math.Pow(float64(o.Beta1), float64(o.t))
	bc2 := 1 - math.Pow(float64(o.Beta2), float64(o.t))
	stepSize := float32(float64(lr) / bc1)
	sq2 := float32(math.Sqrt(bc2))
	b1, b2 := o.Beta1, o.Beta2
	for i := range p {
		gi := g[i]
		if o.WeightDecay != 0 {
			if o.Decoupled {
				p[i] *= 1 - lr*o.WeightDecay
			} else {
				gi += o.WeightDecay * p[i]
			}
		}
		m := b1*o.m[i] + (1-b1)*gi
		v := b2*o.v[i] + (1-b2)*gi*gi
		o.m[i], o.v[i] = m, v
		p[i] -= stepSize * m / (float32(math.Sqrt(float64(v)))/sq2 + o.Eps)
	}
}

// Schedule gives the learning rate at each step: a linear warm-up from 0
// over Warmup steps, then the decay chosen by Kind from Base.
type Schedule struct {
	Base   float64
	Warmup int
	Kind   ScheduleKind
	// StepSize and Gamma: for StepDecay, multiply by Gamma every StepSize
	// steps after warm-up.
	StepSize int
	Gamma    float64
	// Total and Min: for Cosine, decay from Base to Min over Total steps
	// (warm-up included), then stay at Min.
	Total int
	Min   float64
}

// ScheduleKind selects the decay of a Schedule.
type ScheduleKind int

// Decays.
const (
	Constant ScheduleKind = iota
	StepDecay
	Cosine
)

// LR returns the learning rate for step (counted from 0).
func (s Schedule) LR(step int) float32 {
	if step < s.Warmup {
		return float32(s.Base * float64(step+1) / float64(s.Warmup))
	}
	k := step - s.Warmup
	switch s.Kind {
	case StepDecay:
		if s.StepSize > 0 {
			return float32(s.Base * math.Pow(s.Gamma, float64(k/s.StepSize)))
		}
	case Cosine:
		span := s.Total - s.Warmup
		if span <= 0 || k >= span {
			return float32(s.Min)
		}
		return float32(s.Min + (s.Base-s.Min)*0.5*(1+math.Cos(math.Pi*float64(k)/float64(span))))
	}
	return float32(s.Base)
}
