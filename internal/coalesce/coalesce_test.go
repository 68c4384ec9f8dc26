package coalesce

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestMax: no batch exceeds Max (a caller's items stay together), batches
// merge callers, and every caller gets its own results in order.
func TestMax(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	b := &Batcher[int, int]{Max: 10,
		Apply: func(ctx context.Context, items []int) []int {
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			sizes = append(sizes, len(items))
			mu.Unlock()
			out := make([]int, 0, len(items))
			for _, it := range items {
				out = append(out, it*2)
			}
			return out
		}}
	const callers = 30
	got := make([][]int, callers)
	var wg sync.WaitGroup
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			items := []int{c * 100, c*100 + 1, c*100 + 2}
			res, err := b.Do(context.Background(), items)
			if err != nil {
				t.Error(err)
			}
			got[c] = res
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range sizes {
		if n > 10 {
			t.Errorf("a batch of %d items, Max is 10", n)
		}
		total += n
	}
	if total != 3*callers {
		t.Errorf("%d items applied, want %d", total, 3*callers)
	}
	if len(sizes) >= callers {
		t.Errorf("%d batches for %d callers: nothing was coalesced", len(sizes), callers)
	}
	for c, res := range got {
		if len(res) != 3 {
			t.Errorf("caller %d got %v", c, res)
		}
		for i, r := range res {
			if r != (c*100+i)*2 {
				t.Errorf("caller %d got %v", c, res)
				break
			}
		}
	}
	if b.Busy() {
		t.Error("busy after every caller returned")
	}
}

// TestMissing: an item Apply gave no result for gets Missing's.
func TestMissing(t *testing.T) {
	b := &Batcher[string, int]{Missing: func() int { return -1 },
		Apply: func(ctx context.Context, items []string) []int { return []int{len(items[0])} }}
	res, err := b.Do(context.Background(), []string{"abc", "de"})
	if err != nil || len(res) != 2 || res[0] != 3 || res[1] != -1 {
		t.Fatalf("got %v, %v; want [3 -1]", res, err)
	}
}

// TestCallerLeaves: a caller whose context has ended gets its error.
func TestCallerLeaves(t *testing.T) {
	release := make(chan struct{})
	b := &Batcher[int, int]{Apply: func(ctx context.Context, items []int) []int { <-release; return items }}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Do(ctx, []int{1}); err != context.Canceled {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	close(release)
}
