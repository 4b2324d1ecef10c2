package ctc

import (
	"errors"
	"fmt"
	"math"
	"sync"
)

// Options configures the loss.
type Options struct {
	// Blank is the index of the blank label (default 0).
	Blank int
	// ZeroInfinity makes an infeasible target (one that cannot be aligned
	// to the input) give a zero loss and a zero gradient with a nil error,
	// like PyTorch's zero_infinity=True. Without it such a target gives
	// +Inf, a zero gradient and an error matching ErrInfeasible.
	ZeroInfinity bool
}

// ErrEmptyInput is returned for an input with no frames or no labels.
var ErrEmptyInput = errors.New("ctc: empty input (no frames or no labels)")

// ErrInfeasible is matched (errors.Is) by the error returned when the target
// needs more frames than the input has: len(target) plus one per pair of
// equal neighbouring labels (which need a blank between them).
var ErrInfeasible = errors.New("ctc: target longer than the input allows")

// A TargetError reports a bad label in a target sequence.
type TargetError struct {
	Pos    int    // position in the target
	Label  int    // the label found there
	Reason string // "out of range [0,V)" or "equal to the blank"
}

func (e *TargetError) Error() string {
	return fmt.Sprintf("ctc: target[%d] = %d is %s", e.Pos, e.Label, e.Reason)
}

// An InfeasibleError says how many frames a target needs. It matches
// ErrInfeasible with errors.Is.
type InfeasibleError struct {
	Frames, Needed int
}

func (e *InfeasibleError) Error() string {
	return fmt.Sprintf("ctc: target needs at least %d frames, input has %d", e.Needed, e.Frames)
}

// Is reports whether target is ErrInfeasible.
func (e *InfeasibleError) Is(target error) bool { return target == ErrInfeasible }

// Workspace holds the buffers of the forward-backward recursions so that
// repeated calls do not allocate. A Workspace is not safe for concurrent use;
// give each goroutine its own. The zero value is ready to use.
type Workspace struct {
	ext   []int32   // [S] extended labels: blank, l1, blank, l2, ..., blank
	skip  []bool    // [S] whether s may be reached from s-2
	y     []float64 // [T][L+1] probability of blank (column 0) and of each target label
	alpha []float64 // [T][S] forward variables, rescaled per frame (or logs on the fallback path)
	beta  []float64 // [2][S] backward variables (excluding the frame's own label probability)
	occ   []float64 // [S] state occupancy at one frame
	soft  []float32 // [T][V] softmax of the logits (LossGradLogits only)
	lse   []float64 // [T] log-sum-exp of each logits row
}

var pool = sync.Pool{New: func() any { return new(Workspace) }}

// Loss returns the CTC negative log-likelihood -ln p(target | logProbs) of
// one sequence. logProbs: [T][V] log-probabilities; target: [L] labels in
// [0,V), none equal to blank. It panics if the rows of logProbs differ in
// length.
func Loss(logProbs [][]float32, target []int, blank int) (float64, error) {
	w := pool.Get().(*Workspace)
	defer pool.Put(w)
	return w.Loss(logProbs, target, Options{Blank: blank})
}

// LossGrad is Loss that also writes the gradient of the loss with respect
// to logProbs into grad ([T][V], overwritten): grad[t][k] = -(posterior
// probability of label k at frame t). It panics if grad's shape differs from
// logProbs'.
func LossGrad(logProbs [][]float32, target []int, blank int, grad [][]float32) (float64, error) {
	w := pool.Get().(*Workspace)
	defer pool.Put(w)
	return w.LossGrad(logProbs, target, Options{Blank: blank}, grad)
}

// LossGradLogits is the fused log-softmax + CTC loss: it treats logits
// ([T][V]) as unnormalised scores, and writes the gradient with respect to
// the logits into grad: grad[t][k] = softmax(logits[t])[k] - posterior(t,k).
// It panics if grad's shape differs from logits'.
func LossGradLogits(logits [][]float32, target []int, blank int, grad [][]float32) (float64, error) {
	w := pool.Get().(*Workspace)
	defer pool.Put(w)
	return w.LossGradLogits(logits, target, Options{Blank: blank}, grad)
}

// Loss is the package-level Loss with options, using w's buffers.
func (w *Workspace) Loss(logProbs [][]float32, target []int, o Options) (float64, error) {
	return w.run(logProbs, target, o, nil, false)
}

// LossGrad is the package-level LossGrad with options, using w's buffers.
func (w *Workspace) LossGrad(logProbs [][]float32, target []int, o Options, grad [][]float32) (float64, error) {
	checkGrad(logProbs, grad)
	return w.run(logProbs, target, o, grad, false)
}

// LossGradLogits is the package-level LossGradLogits with options, using w's
// buffers.
func (w *Workspace) LossGradLogits(logits [][]float32, target []int, o Options, grad [][]float32) (float64, error) {
	checkGrad(logits, grad)
	return w.run(logits, target, o, grad, true)
}

func checkGrad(x, grad [][]float32) {
	if len(grad) != len(x) {
		panic(fmt.Sprintf("ctc: gradient has %d rows, input has %d", len(grad), len(x)))
	}
	for t := range x {
		if len(grad[t]) != len(x[t]) {
			panic(fmt.Sprintf("ctc: gradient row %d has %d columns, input has %d", t, len(grad[t]), len(x[t])))
		}
	}
}

// validate checks the input and the target and returns V and the number of
// frames the target needs.
func validate(x [][]float32, target []int, blank int) (V, needed int, err error) {
	if len(x) == 0 || len(x[0]) == 0 {
		return 0, 0, ErrEmptyInput
	}
	V = len(x[0])
	for t := range x {
		if len(x[t]) != V {
			panic(fmt.Sprintf("ctc: input row %d has %d columns, row 0 has %d", t, len(x[t]), V))
		}
	}
	if blank < 0 || blank >= V {
		return 0, 0, fmt.Errorf("ctc: blank index %d out of range [0,%d)", blank, V)
	}
	needed = len(target)
	for i, l := range target {
		switch {
		case l < 0 || l >= V:
			return 0, 0, &TargetError{Pos: i, Label: l, Reason: fmt.Sprintf("out of range [0,%d)", V)}
		case l == blank:
			return 0, 0, &TargetError{Pos: i, Label: l, Reason: "equal to the blank"}
		}
		if i > 0 && target[i-1] == l {
			needed++
		}
	}
	return V, needed, nil
}

func grow[E any](s []E, n int) []E {
	if cap(s) < n {
		return make([]E, n)
	}
	return s[:n]
}

// run computes the loss and, when grad is not nil, the gradient. With
// fromLogits, x holds logits and the gradient is with respect to them.
func (w *Workspace) run(x [][]float32, target []int, o Options, grad [][]float32, fromLogits bool) (float64, error) {
	V, needed, err := validate(x, target, o.Blank)
	if err != nil {
		return math.NaN(), err
	}
	T, L := len(x), len(target)
	if needed > T {
		zero(grad)
		if o.ZeroInfinity {
			return 0, nil
		}
		return math.Inf(1), &InfeasibleError{Frames: T, Needed: needed}
	}
	S := 2*L + 1
	w.ext = grow(w.ext, S)
	w.skip = grow(w.skip, S)
	for s := range S {
		if s%2 == 0 {
			w.ext[s] = int32(o.Blank)
			w.skip[s] = false
		} else {
			w.ext[s] = int32(target[s/2])
			w.skip[s] = s >= 3 && target[s/2] != target[s/2-1]
		}
	}

	// y[t][j]: probability of blank (j = 0) and of target label j-1 at frame t.
	J := L + 1
	w.y = grow(w.y, T*J)
	if fromLogits {
		w.softmax(x, V)
		for t := range T {
			p, yt := w.soft[t*V:(t+1)*V], w.y[t*J:(t+1)*J]
			yt[0] = float64(p[o.Blank])
			for j, l := range target {
				yt[j+1] = float64(p[l])
			}
		}
	} else {
		for t := range T {
			xt, yt := x[t], w.y[t*J:(t+1)*J]
			yt[0] = math.Exp(float64(xt[o.Blank]))
			for j, l := range target {
				yt[j+1] = math.Exp(float64(xt[l]))
			}
		}
	}

	nll, ok := w.forwardScaled(T, S, J)
	if ok && grad != nil {
		ok = w.backwardScaled(x, grad, T, S, J, V, fromLogits)
	}
	if !ok {
		// Probabilities under- or overflowed the rescaled recursion: redo
		// it in log space.
		nll = w.forwardLog(x, T, S, J, fromLogits)
		if grad != nil && !math.IsInf(nll, 1) {
			w.backwardLog(x, grad, nll, T, S, J, V, fromLogits)
		}
	}
	if math.IsInf(nll, 1) || math.IsNaN(nll) {
		zero(grad)
		if o.ZeroInfinity {
			return 0, nil
		}
		return math.Inf(1), &InfeasibleError{Frames: T, Needed: needed}
	}
	return nll, nil
}

func zero(g [][]float32) {
	for _, r := range g {
		clear(r)
	}
}

// softmax fills w.soft and w.lse from the logits x: [T][V].
func (w *Workspace) softmax(x [][]float32, V int) {
	T := len(x)
	w.soft = grow(w.soft, T*V)
	w.lse = grow(w.lse, T)
	for t, xt := range x {
		m := float64(xt[0])
		for _, v := range xt[1:] {
			m = max(m, float64(v))
		}
		var sum float64
		pt := w.soft[t*V : (t+1)*V]
		for k, v := range xt {
			e := math.Exp(float64(v) - m)
			pt[k] = float32(e)
			sum += e
		}
		inv := 1 / sum
		for k := range pt {
			pt[k] = float32(float64(pt[k]) * inv)
		}
		w.lse[t] = m + math.Log(sum)
	}
}

// yIndex maps state s of the extended sequence to its column in y.
func yIndex(s int) int {
	if s%2 == 0 {
		return 0
	}
	return s/2 + 1
}

// forwardScaled runs the alpha recursion with alpha rescaled to sum 1 at
// every frame (Graves et al. 2006, eq. 10-11) and returns -ln p. It returns
// ok = false when a frame's total under- or overflows.
//
//	alpha[0][0] = y[0][blank], alpha[0][1] = y[0][l1]
//	alpha[t][s] = (alpha[t-1][s] + alpha[t-1][s-1] + skip[s]*alpha[t-1][s-2]) * y[t][ext[s]]
func (w *Workspace) forwardScaled(T, S, J int) (nll float64, ok bool) {
	w.alpha = grow(w.alpha, T*S)
	a := w.alpha[:S]
	clear(a)
	a[0] = w.y[0]
	if S > 1 {
		a[1] = w.y[1]
	}
	c0 := a[0]
	if S > 1 {
		c0 += a[1]
	}
	if !normalize(a) {
		return 0, false
	}
	logScale := math.Log(c0)
	skip := w.skip
	for t := 1; t < T; t++ {
		prev, cur, yt := w.alpha[(t-1)*S:t*S], w.alpha[t*S:(t+1)*S], w.y[t*J:(t+1)*J]
		var sum float64
		// s = 0 (blank) and s = 1 (first label) have no skip.
		v := prev[0] * yt[0]
		cur[0] = v
		sum += v
		if S > 1 {
			v = (prev[1] + prev[0]) * yt[1]
			cur[1] = v
			sum += v
		}
		yb := yt[0]
		for s := 2; s < S; s += 2 {
			// blank state s
			v := (prev[s] + prev[s-1]) * yb
			cur[s] = v
			sum += v
			if s+1 == S {
				break
			}
			// label state s+1
			a := prev[s+1] + prev[s]
			if skip[s+1] {
				a += prev[s-1]
			}
			v = a * yt[s/2+1]
			cur[s+1] = v
			sum += v
		}
		if !(sum > 1e-280 && sum < 1e280) {
			return 0, false
		}
		inv := 1 / sum
		for s := range cur {
			cur[s] *= inv
		}
		logScale += math.Log(sum)
	}
	last := w.alpha[(T-1)*S : T*S]
	p := last[S-1]
	if S > 1 {
		p += last[S-2]
	}
	if !(p > 1e-280) {
		return 0, false
	}
	return -(logScale + math.Log(p)), true
}

// normalize scales a to sum 1 and reports whether its sum was usable.
func normalize(a []float64) bool {
	var sum float64
	for _, v := range a {
		sum += v
	}
	if !(sum > 1e-280 && sum < 1e280) {
		return false
	}
	inv := 1 / sum
	for i := range a {
		a[i] *= inv
	}
	return true
}

// backwardScaled runs the beta recursion, where beta[t][s] is the
// probability of the frames after t given state s at t (it excludes y[t]):
//
//	beta[T-1][S-1] = beta[T-1][S-2] = 1
//	beta[t][s] = sum over s' in {s, s+1, s+2 if skip[s+2]} of y[t+1][ext[s']] * beta[t+1][s']
//
// and writes the gradient from the state occupancies
// occ[t][s] = alpha[t][s]*beta[t][s] / sum_s' alpha[t][s']*beta[t][s'].
func (w *Workspace) backwardScaled(x, grad [][]float32, T, S, J, V int, fromLogits bool) bool {
	w.beta = grow(w.beta, 2*S)
	w.occ = grow(w.occ, S)
	cur, next := w.beta[:S], w.beta[S:]
	clear(cur)
	cur[S-1] = 1
	if S > 1 {
		cur[S-2] = 1
	}
	skip, ext := w.skip, w.ext
	for t := T - 1; t >= 0; t-- {
		if t < T-1 {
			// cur = beta[t] from next = beta[t+1] and y[t+1].
			yt := w.y[(t+1)*J : (t+2)*J]
			yb := yt[0]
			var sum float64
			for s := 0; s < S; s++ {
				var v float64
				if s%2 == 0 {
					v = next[s] * yb
					if s+1 < S {
						v += next[s+1] * yt[s/2+1]
					}
				} else {
					v = next[s] * yt[s/2+1]
					v += next[s+1] * yb
					if s+2 < S && skip[s+2] {
						v += next[s+2] * yt[s/2+2]
					}
				}
				cur[s] = v
				sum += v
			}
			if !(sum > 1e-280 && sum < 1e280) {
				return false
			}
			inv := 1 / sum
			for s := range cur {
				cur[s] *= inv
			}
		}
		a := w.alpha[t*S : (t+1)*S]
		var z float64
		for s := range S {
			o := a[s] * cur[s]
			w.occ[s] = o
			z += o
		}
		if !(z > 1e-280) {
			return false
		}
		g := grad[t]
		if fromLogits {
			copy(g, w.soft[t*V:(t+1)*V])
		} else {
			clear(g)
		}
		inv := 1 / z
		for s := range S {
			g[ext[s]] -= float32(w.occ[s] * inv)
		}
		cur, next = next, cur
	}
	return true
}

func logAdd(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// logProb returns ln y[t][ext[s]] from the input directly, so that the log
// path does not lose precision where exp underflowed.
func (w *Workspace) logProb(x [][]float32, t, s int, fromLogits bool) float64 {
	v := float64(x[t][w.ext[s]])
	if fromLogits {
		v -= w.lse[t]
	}
	return v
}

// forwardLog is the alpha recursion in log space; it fills w.alpha with log
// alphas and returns -ln p (+Inf if p = 0).
func (w *Workspace) forwardLog(x [][]float32, T, S, J int, fromLogits bool) float64 {
	ninf := math.Inf(-1)
	a := w.alpha[:S]
	for s := range a {
		a[s] = ninf
	}
	a[0] = w.logProb(x, 0, 0, fromLogits)
	if S > 1 {
		a[1] = w.logProb(x, 0, 1, fromLogits)
	}
	for t := 1; t < T; t++ {
		prev, cur := w.alpha[(t-1)*S:t*S], w.alpha[t*S:(t+1)*S]
		for s := range S {
			v := prev[s]
			if s > 0 {
				v = logAdd(v, prev[s-1])
			}
			if w.skip[s] {
				v = logAdd(v, prev[s-2])
			}
			if !math.IsInf(v, -1) {
				v += w.logProb(x, t, s, fromLogits)
			}
			cur[s] = v
		}
	}
	last := w.alpha[(T-1)*S : T*S]
	p := last[S-1]
	if S > 1 {
		p = logAdd(p, last[S-2])
	}
	return -p
}

// backwardLog is backwardScaled in log space.
func (w *Workspace) backwardLog(x, grad [][]float32, nll float64, T, S, J, V int, fromLogits bool) {
	ninf := math.Inf(-1)
	w.beta = grow(w.beta, 2*S)
	cur, next := w.beta[:S], w.beta[S:]
	for s := range cur {
		cur[s] = ninf
	}
	cur[S-1] = 0
	if S > 1 {
		cur[S-2] = 0
	}
	for t := T - 1; t >= 0; t-- {
		if t < T-1 {
			for s := range S {
				v := ninf
				for _, s2 := range [3]int{s, s + 1, s + 2} {
					if s2 >= S || (s2 == s+2 && !w.skip[s2]) || math.IsInf(next[s2], -1) {
						continue
					}
					v = logAdd(v, next[s2]+w.logProb(x, t+1, s2, fromLogits))
				}
				cur[s] = v
			}
		}
		a := w.alpha[t*S : (t+1)*S]
		g := grad[t]
		if fromLogits {
			copy(g, w.soft[t*V:(t+1)*V])
		} else {
			clear(g)
		}
		for s := range S {
			if v := a[s] + cur[s]; !math.IsInf(v, -1) {
				g[w.ext[s]] -= float32(math.Exp(v + nll))
			}
		}
		cur, next = next, cur
	}
}
