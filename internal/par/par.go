// Package par holds the two helpers the model packages use to spread work
// over goroutines: Do runs n pieces at once and Split cuts a range into
// aligned chunks. Which goroutine runs which piece never changes a result;
// callers make each piece write only its own outputs.
package par

import "sync"

// Do runs f(0..n-1) on n goroutines, the calling one included, and returns
// when all are done. n <= 1 runs f(0) on the caller.
func Do(n int, f func(i int)) {
	if n <= 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() { f(i); wg.Done() }()
	}
	f(0)
	wg.Wait()
}

// Split returns the bounds [lo, hi) of chunk i of n of [0, size), each
// chunk a multiple of align long except the last (which may be short or
// empty).
func Split(size, n, i, align int) (lo, hi int) {
	per := (size + n - 1) / n
	per = (per + align - 1) / align * align
	return min(i*per, size), min((i+1)*per, size)
}
