package delivery

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// slowBatch records its calls; each takes a moment, so changes queue up.
type slowBatch struct {
	entitled.Connector
	mu    sync.Mutex
	calls []int
}

func (s *slowBatch) ApplyBatch(ctx context.Context, changes []entitled.Change) []error {
	time.Sleep(20 * time.Millisecond)
	s.mu.Lock()
	s.calls = append(s.calls, len(changes))
	s.mu.Unlock()
	errs := make([]error, len(changes))
	for i, c := range changes {
		if c.Grant.DeliveryID[0] == 'f' {
			errs[i] = entitled.PermanentErrorf("no such user %s", c.Grant.DeliveryID)
		}
	}
	return errs
}

// TestBatcherCoalesces: changes of concurrent workers for one system go out
// in fewer batches, and each worker gets the results of its own changes.
func TestBatcherCoalesces(t *testing.T) {
	conn := &slowBatch{}
	e := &Engine{cfg: Config{JobTimeout: time.Minute}}
	const workers = 40
	var wg sync.WaitGroup
	errs := make([][]error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prefix := "ok"
			if w%4 == 0 {
				prefix = "fail"
			}
			changes := []entitled.Change{
				{Action: entitled.ActionGrant, Grant: entitled.Grant{DeliveryID: fmt.Sprintf("%s-%d-a", prefix, w)}},
				{Action: entitled.ActionGrant, Grant: entitled.Grant{DeliveryID: fmt.Sprintf("ok-%d-b", w)}},
			}
			errs[w] = e.applyBatched(context.Background(), conn, changes)
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range conn.calls {
		total += n
	}
	if total != 2*workers {
		t.Fatalf("%d changes applied, want %d", total, 2*workers)
	}
	conn.mu.Lock()
	defer conn.mu.Unlock()
	if len(conn.calls) >= workers {
		t.Errorf("%d batches for %d workers: nothing was coalesced", len(conn.calls), workers)
	}
	for w, e := range errs {
		if len(e) != 2 || e[1] != nil || (w%4 == 0) != (e[0] != nil) {
			t.Errorf("worker %d got %v", w, e)
		}
	}
}

// TestBatcherWaiterCanLeave: a worker whose context ends stops waiting.
func TestBatcherWaiterCanLeave(t *testing.T) {
	e := &Engine{cfg: Config{JobTimeout: time.Minute}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errs := e.applyBatched(ctx, &slowBatch{}, []entitled.Change{{Grant: entitled.Grant{DeliveryID: "ok"}}})
	if errs[0] != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", errs[0])
	}
}
