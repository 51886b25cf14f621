package digital

import (
	"context"
	"sync"
	"sync/atomic"
)

// DefaultConcurrency is how many interactions [Runner] and [Tagger] work on
// at once when their Concurrency field is zero. Each interaction takes a few
// calls in a row, and under faults each retry waits (a backoff or a
// Retry-After), so working on several interactions at once hides most of
// that waiting; eight stays far below DFO's tenant-wide limits, which the
// client waits on anyway.
const DefaultConcurrency = 8

// workers is the number of interactions to work on at once for a
// Concurrency field's value n: zero or less means [DefaultConcurrency].
func workers(n int) int {
	if n <= 0 {
		return DefaultConcurrency
	}
	return n
}

// forEach calls fn(i) for every i in [0, count), on at most n goroutines at
// once, in increasing order of i for each goroutine (with n == 1, strictly in
// order on the caller's goroutine). Once ctx ends no further call starts; the
// calls already started finish. fn must be safe for concurrent use when
// n > 1.
func forEach(ctx context.Context, n, count int, fn func(i int)) {
	n = min(n, count)
	if n <= 1 {
		for i := range count {
			if ctx.Err() != nil {
				return
			}
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= count {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
