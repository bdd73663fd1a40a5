package server

import (
	"context"
	"sync/atomic"
)

// limiter bounds the queries running at once, with a bounded queue of
// requests waiting for a slot. It never blocks beyond the request's
// context, whose deadline is the query timeout.
type limiter struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
}

func newLimiter(running, queued int) *limiter {
	return &limiter{slots: make(chan struct{}, running), queue: int64(queued)}
}

// acquire takes a slot, waiting in the queue while there is room in it. It
// reports false when the queue is full or ctx ends first.
func (l *limiter) acquire(ctx context.Context) bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
	}
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		return false
	}
	defer l.waiting.Add(-1)
	select {
	case l.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (l *limiter) release() { <-l.slots }
