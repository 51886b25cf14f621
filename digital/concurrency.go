package digital

import (
	"context"
	"sync"
	"sync/atomic"
)

// DefaultConcurrency is the Concurrency of [Runner] and [Tagger] when theirs
// is zero. Each interaction takes a few calls in a row, and under faults
// each retry waits (a backoff or a Retry-After), so working on several at
// once hides most of that waiting; eight stays far below DFO's tenant-wide
// limits, which the client waits on anyway.
const DefaultConcurrency = 8

// workers is the concurrency for a Concurrency field's value n: zero or less
// means [DefaultConcurrency].
func workers(n int) int {
	if n <= 0 {
		return DefaultConcurrency
	}
	return n
}

// forEach calls fn(i) for every i in [0, count), on at most n goroutines at
// once, taking the indexes in increasing order; with n == 1 it calls them in
// order on the caller's goroutine. fn must be safe for concurrent use when
// n > 1; a caller that must stop early checks its context in fn.
func forEach(n, count int, fn func(i int)) {
	n = min(n, count)
	if n <= 1 {
		for i := range count {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for {
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

// gate bounds how many calls are in flight at once across goroutines: a
// slot is held for one call (or one paged listing) and never while waiting
// for another slot, so nested fan-outs cannot deadlock.
type gate chan struct{}

func newGate(n int) gate { return make(gate, n) }

// do runs f in a slot, once one is free; it returns ctx.Err() instead if
// ctx ends first.
func (g gate) do(ctx context.Context, f func() error) error {
	select {
	case g <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-g }()
	return f()
}
