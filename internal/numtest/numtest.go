// Package numtest compares computed numbers with reference values in tests:
// every value is checked, and a failure names the worst few mismatches and
// the maximum error (DESIGN.md, conventions 6), so that one failing golden
// comparison says where and by how much it is off.
//
// It is the one comparator of ecoute's golden tests (torchaudio features,
// PyTorch LSTM and CTC, finite-difference gradients, kernels against their
// float64 loops). A NaN on either side counts as an infinite error.
package numtest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// Number is the element type of compared slices.
type Number interface{ ~float32 | ~float64 }

// Options control a comparison. The zero value compares absolute errors
// with tolerance 0 (exact equality).
type Options struct {
	Tol      float64          // largest error that passes
	Relative bool             // error is |got-want| / max(|want|, Floor) rather than |got-want|
	Floor    float64          // denominator floor of relative errors (0: 1e-30)
	Keep     func(i int) bool // which values to compare, by flat index (nil: all)
	Label    func(i int) string
	Worst    int // mismatches listed on failure (0: 5)
}

// A Mismatch is one value whose error exceeds the tolerance.
type Mismatch struct {
	At        string // "[i]" or "[i][j]", or Options.Label's name
	Got, Want float64
	Err       float64
}

// Compare checks got against want value by value. It calls t.Fatalf if the
// lengths differ and t.Errorf, once, if any error exceeds o.Tol, naming the
// worst o.Worst mismatches and the maximum error. It returns the maximum
// error over the compared values.
func Compare[G, W Number](t testing.TB, what string, got []G, want []W, o Options) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	var c comparison
	for i := range got {
		if (o.Keep == nil || o.Keep(i)) && c.add(o, float64(got[i]), float64(want[i])) {
			c.over[len(c.over)-1].At = o.label(i, fmt.Sprintf("[%d]", i))
		}
	}
	c.report(t, what, o)
	return c.max
}

// Compare2D is Compare over rows: got and want must have the same number
// of rows and each row the same length (else t.Fatalf). Options.Keep and
// Label see the row-major flat index.
func Compare2D[G, W Number](t testing.TB, what string, got [][]G, want [][]W, o Options) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	var c comparison
	flat := 0
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("%s: row %d has %d values, want %d", what, i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if (o.Keep == nil || o.Keep(flat)) && c.add(o, float64(got[i][j]), float64(want[i][j])) {
				c.over[len(c.over)-1].At = o.label(flat, fmt.Sprintf("[%d][%d]", i, j))
			}
			flat++
		}
	}
	c.report(t, what, o)
	return c.max
}

// Close is Compare with an absolute tolerance.
func Close[G, W Number](t testing.TB, what string, got []G, want []W, tol float64) float64 {
	t.Helper()
	return Compare(t, what, got, want, Options{Tol: tol})
}

// Close2D is Compare2D with an absolute tolerance.
func Close2D[G, W Number](t testing.TB, what string, got [][]G, want [][]W, tol float64) float64 {
	t.Helper()
	return Compare2D(t, what, got, want, Options{Tol: tol})
}

type comparison struct {
	n    int
	max  float64
	over []Mismatch
}

// errOf is the error of got against want under o: absolute or relative, +Inf
// when either is NaN.
func errOf(o Options, got, want float64) float64 {
	e := math.Abs(got - want)
	if o.Relative {
		floor := o.Floor
		if floor == 0 {
			floor = 1e-30
		}
		e /= math.Max(math.Abs(want), floor)
	}
	if math.IsNaN(e) {
		return math.Inf(1)
	}
	return e
}

// add counts one value and reports whether it is a mismatch (appended to
// c.over, for the caller to name).
func (c *comparison) add(o Options, got, want float64) bool {
	c.n++
	e := errOf(o, got, want)
	c.max = max(c.max, e)
	if e > o.Tol {
		c.over = append(c.over, Mismatch{Got: got, Want: want, Err: e})
		return true
	}
	return false
}

// label names flat index i: Options.Label's name, else def.
func (o Options) label(i int, def string) string {
	if o.Label != nil {
		return o.Label(i)
	}
	return def
}

func (c *comparison) report(t testing.TB, what string, o Options) {
	t.Helper()
	if len(c.over) == 0 {
		return
	}
	t.Errorf("%s", format(what, c.n, c.max, c.over, o))
}

// format is the failure message of a comparison of n values: the count of
// mismatches, the maximum error and the worst few (sorted here, worst
// first).
func format(what string, n int, maxErr float64, over []Mismatch, o Options) string {
	slices.SortStableFunc(over, func(a, b Mismatch) int {
		switch {
		case a.Err > b.Err:
			return -1
		case a.Err < b.Err:
			return 1
		}
		return 0
	})
	worst := o.Worst
	if worst <= 0 {
		worst = 5
	}
	kind := "abs"
	if o.Relative {
		kind = "relative"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d of %d values off by more than %g, max %s error %.3g; worst:", what, len(over), n, o.Tol, kind, maxErr)
	for _, m := range over[:min(worst, len(over))] {
		fmt.Fprintf(&b, "\n  %s got %.7g, want %.7g (error %.3g)", m.At, m.Got, m.Want, m.Err)
	}
	return b.String()
}
