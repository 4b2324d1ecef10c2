package numtest

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps what a comparison reports.
type recorder struct {
	testing.TB
	errors []string
	fatal  string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(f string, a ...any) {
	r.errors = append(r.errors, fmt.Sprintf(f, a...))
}
func (r *recorder) Fatalf(f string, a ...any) {
	r.fatal = fmt.Sprintf(f, a...)
	panic(r)
}

// run calls f with a recorder, catching its Fatalf.
func run(f func(r *recorder)) (r *recorder) {
	r = &recorder{}
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
	}()
	f(r)
	return r
}

func TestCompareWorstFirst(t *testing.T) {
	got := []float32{1, 2.5, 3, 4.001, 5}
	want := []float64{1, 2, 3, 4, 5.2}
	var m float64
	r := run(func(r *recorder) { m = Close(r, "x", got, want, 0.01) })
	if math.Abs(m-0.5) > 1e-12 {
		t.Errorf("max error %v, want 0.5", m)
	}
	if len(r.errors) != 1 {
		t.Fatalf("%d errors, want one report: %q", len(r.errors), r.errors)
	}
	e := r.errors[0]
	for _, s := range []string{"x: 2 of 5 values off by more than 0.01", "max abs error 0.5", "[1] got 2.5, want 2 (error 0.5)", "[4] got 5, want 5.2"} {
		if !strings.Contains(e, s) {
			t.Errorf("report %q lacks %q", e, s)
		}
	}
	if strings.Index(e, "[1]") > strings.Index(e, "[4]") {
		t.Errorf("worst mismatch not first: %q", e)
	}
	if strings.Contains(e, "[3]") {
		t.Errorf("a value within the tolerance is listed: %q", e)
	}
}

func TestCompare2DRelativeKeepNaN(t *testing.T) {
	got := [][]float64{{1e10, 2}, {math.NaN(), 7}}
	want := [][]float32{{1.0001e10, 2}, {3, 8}}
	r := run(func(r *recorder) {
		Compare2D(r, "y", got, want, Options{Tol: 1e-3, Relative: true, Keep: func(i int) bool { return i != 3 }})
	})
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "1 of 3 values") || !strings.Contains(r.errors[0], "[1][0] got NaN") || !strings.Contains(r.errors[0], "error +Inf") {
		t.Errorf("report %q: want only [1][0], NaN as an infinite error", r.errors)
	}
	// Within tolerance: nothing reported.
	r = run(func(r *recorder) { Close2D(r, "z", [][]float32{{1}}, [][]float32{{1.0000001}}, 1e-6) })
	if len(r.errors) != 0 || r.fatal != "" {
		t.Errorf("passing comparison reported %q %q", r.errors, r.fatal)
	}
}

func TestCompareShapes(t *testing.T) {
	r := run(func(r *recorder) { Close(r, "a", []float32{1}, []float32{1, 2}, 0) })
	if r.fatal != "a: 1 values, want 2" {
		t.Errorf("length mismatch: %q", r.fatal)
	}
	r = run(func(r *recorder) { Close2D(r, "b", [][]float32{{1}}, [][]float32{{1, 2}}, 0) })
	if r.fatal != "b: row 0 has 1 values, want 2" {
		t.Errorf("row mismatch: %q", r.fatal)
	}
	r = run(func(r *recorder) {
		Compare(r, "c", []float32{1, 9}, []float32{1, 2}, Options{Label: func(i int) string { return fmt.Sprintf("w%d", i) }})
	})
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "w1 got 9") {
		t.Errorf("labels: %q", r.errors)
	}
}
