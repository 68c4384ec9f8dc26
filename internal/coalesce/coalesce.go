// Package coalesce merges the work of concurrent callers into batches, in
// the manner of a database's group commit: the first caller starts a run
// that hands everything queued at that moment to one Apply call, while the
// callers arriving meanwhile queue up for the next. There is no timer, so
// an idle system adds no latency, and batches grow with the load.
package coalesce

import (
	"context"
	"sync"
	"time"
)

// Batcher batches items of type T whose results are of type R. Set its
// fields before the first Do; the zero value of Max and Timeout means no
// limit.
type Batcher[T, R any] struct {
	// Apply does the work of one batch and returns one result per item,
	// in order. Missing results are filled with Missing.
	Apply func(ctx context.Context, items []T) []R
	// Missing is the result of an item Apply returned no result for.
	Missing func() R
	// Max bounds the items of one batch; a caller's items are never split.
	Max int
	// Timeout bounds each Apply call.
	Timeout time.Duration
	// Idle, if set, is called each time the queue runs empty.
	Idle func()

	mu      sync.Mutex
	queue   []pending[T, R]
	running bool
}

// pending is one caller's items and where to send their results.
type pending[T, R any] struct {
	items []T
	done  chan []R
}

// Do queues items and waits for their results. A caller whose context ends
// stops waiting and gets ctx's error; its items may still be applied.
func (b *Batcher[T, R]) Do(ctx context.Context, items []T) ([]R, error) {
	p := pending[T, R]{items: items, done: make(chan []R, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, p)
	if !b.running {
		b.running = true
		go b.run()
	}
	b.mu.Unlock()
	select {
	case res := <-p.done:
		return res, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Busy reports whether a batch is running or queued.
func (b *Batcher[T, R]) Busy() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.running || len(b.queue) > 0
}

// run applies what is queued, batch after batch, until the queue is empty.
func (b *Batcher[T, R]) run() {
	for {
		batch := b.take()
		if batch == nil {
			if b.Idle != nil {
				b.Idle()
			}
			return
		}
		var all []T
		for _, p := range batch {
			all = append(all, p.items...)
		}
		ctx, cancel := context.Background(), context.CancelFunc(func() {})
		if b.Timeout > 0 {
			ctx, cancel = context.WithTimeout(ctx, b.Timeout)
		}
		res := b.Apply(ctx, all)
		cancel()
		for _, p := range batch {
			out := make([]R, len(p.items))
			for i := range out {
				if len(res) > 0 {
					out[i], res = res[0], res[1:]
				} else if b.Missing != nil {
					out[i] = b.Missing()
				}
			}
			p.done <- out
		}
	}
}

// take removes the next batch from the queue, or marks the run over and
// returns nil when the queue is empty.
func (b *Batcher[T, R]) take() []pending[T, R] {
	b.mu.Lock()
	defer b.mu.Unlock()
	var batch []pending[T, R]
	n := 0
	for len(b.queue) > 0 && (n == 0 || b.Max <= 0 || n+len(b.queue[0].items) <= b.Max) {
		batch = append(batch, b.queue[0])
		n += len(b.queue[0].items)
		b.queue = b.queue[1:]
	}
	if len(batch) == 0 {
		b.running = false
		return nil
	}
	return batch
}
