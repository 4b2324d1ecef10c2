package par

import (
	"sync/atomic"
	"testing"
)

func TestDoRunsEachPieceOnce(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7} {
		var hits [8]atomic.Int32
		Do(n, func(i int) { hits[i].Add(1) })
		for i := range hits {
			want := int32(0)
			if i < max(n, 1) {
				want = 1
			}
			if got := hits[i].Load(); got != want {
				t.Errorf("n=%d: piece %d ran %d times, want %d", n, i, got, want)
			}
		}
	}
}

func TestSplitCoversRangeAligned(t *testing.T) {
	for _, c := range []struct{ size, n, align int }{{10, 3, 1}, {100, 4, 8}, {5, 8, 4}, {0, 2, 1}, {17, 1, 6}} {
		next := 0
		for i := 0; i < c.n; i++ {
			lo, hi := Split(c.size, c.n, i, c.align)
			if lo != next || hi < lo || hi > c.size {
				t.Fatalf("%+v: chunk %d = [%d,%d), want start %d within size", c, i, lo, hi, next)
			}
			if hi < c.size && (hi-lo)%c.align != 0 {
				t.Errorf("%+v: chunk %d = [%d,%d) not a multiple of %d", c, i, lo, hi, c.align)
			}
			next = hi
		}
		if next != c.size {
			t.Errorf("%+v: chunks end at %d, want %d", c, next, c.size)
		}
	}
}
