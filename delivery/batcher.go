package delivery

import (
	"context"
	"sync"
	"time"

	"github.com/entitled-dev/entitled"
)

// Deliveries of many requests often go to the same system at the same time
// (one LDAP group, one database). For connectors that take batches, the
// workers hand their changes to the system's batcher, which sends all the
// changes waiting at that moment in one ApplyBatch while the next ones queue
// up behind it: no timer, no added latency when the system is idle, and as
// much batching as the load brings.

// maxBatch bounds one ApplyBatch call.
const maxBatch = 500

// batchItem is one worker's changes and where to send their results.
type batchItem struct {
	changes []entitled.Change
	done    chan []error
}

// batcher serialises the batches of one connector.
type batcher struct {
	conn    entitled.BatchConnector
	timeout time.Duration
	// idle is called when the queue runs empty, to forget the batcher.
	idle func(*batcher)

	mu      sync.Mutex
	queue   []batchItem
	running bool
}

// batcherFor returns the batcher of a connector, made on first use.
func (e *Engine) batcherFor(conn entitled.BatchConnector) *batcher {
	e.batchMu.Lock()
	defer e.batchMu.Unlock()
	if e.batchers == nil {
		e.batchers = map[entitled.BatchConnector]*batcher{}
	}
	b, ok := e.batchers[conn]
	if !ok {
		b = &batcher{conn: conn, timeout: e.cfg.JobTimeout, idle: e.forgetBatcher}
		e.batchers[conn] = b
	}
	return b
}

// forgetBatcher drops an idle batcher, so that connectors replaced by new
// settings are not kept; a later delivery makes a new one.
func (e *Engine) forgetBatcher(b *batcher) {
	e.batchMu.Lock()
	defer e.batchMu.Unlock()
	b.mu.Lock()
	busy := b.running || len(b.queue) > 0
	b.mu.Unlock()
	if !busy && e.batchers[b.conn] == b {
		delete(e.batchers, b.conn)
	}
}

// apply queues the changes and waits for their results. A worker whose
// context ends stops waiting; its changes may still be applied, which is
// safe: grants and revokes are idempotent and the job runs again.
func (b *batcher) apply(ctx context.Context, changes []entitled.Change) []error {
	it := batchItem{changes: changes, done: make(chan []error, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, it)
	if !b.running {
		b.running = true
		go b.run()
	}
	b.mu.Unlock()
	select {
	case errs := <-it.done:
		return errs
	case <-ctx.Done():
		errs := make([]error, len(changes))
		for i := range errs {
			errs[i] = ctx.Err()
		}
		return errs
	}
}

// run sends what is queued, batch after batch, until the queue is empty.
func (b *batcher) run() {
	for {
		b.mu.Lock()
		var items []batchItem
		n := 0
		for len(b.queue) > 0 && (n == 0 || n+len(b.queue[0].changes) <= maxBatch) {
			items = append(items, b.queue[0])
			n += len(b.queue[0].changes)
			b.queue = b.queue[1:]
		}
		if len(items) == 0 {
			b.running = false
			b.mu.Unlock()
			if b.idle != nil {
				b.idle(b)
			}
			return
		}
		b.mu.Unlock()

		all := make([]entitled.Change, 0, n)
		for _, it := range items {
			all = append(all, it.changes...)
		}
		ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
		errs := b.conn.ApplyBatch(ctx, all)
		cancel()
		for _, it := range items {
			res := make([]error, len(it.changes))
			for i := range res {
				if len(errs) > 0 {
					res[i], errs = errs[0], errs[1:]
				} else {
					res[i] = entitled.TransientErrorf("the connector returned no result for this change")
				}
			}
			it.done <- res
		}
	}
}
