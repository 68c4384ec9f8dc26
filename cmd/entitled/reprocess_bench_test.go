package main

import (
	"context"
	"os"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// BenchmarkBulkReprocessWebhook measures the goal of bulk reprocess: N
// requests (REPROCESS_N, default 10,000) whose delivery to one webhook
// system failed are reprocessed with one call, and the time until all are
// delivered is reported.
//
//	go test ./cmd/entitled -run '^$' -bench BulkReprocess -benchtime 1x
func BenchmarkBulkReprocessWebhook(b *testing.B) {
	n := envN("REPROCESS_N", 10000)
	for range b.N {
		b.StopTimer()
		a, hook := failedWebhookRequests(b, n)
		hook.down.Store(false)
		admin, err := a.services.Admin.EnsureAdmin(context.Background(), "ada@example.com", "Ada")
		if err != nil {
			b.Fatal(err)
		}
		actor, err := a.services.Tokens.ActorFor(context.Background(), admin.ID)
		if err != nil {
			b.Fatal(err)
		}
		ctx := entitled.NewContext(context.Background(), actor)
		stopProfile := profileFrom(b, os.Getenv("REPROCESS_CPUPROFILE"))
		b.StartTimer()
		start := time.Now()
		op, err := a.services.Operations.ReprocessRequests(ctx, entitled.BulkReprocess{Filter: "state eq 'deliveryFailed'", SystemID: "hook"})
		if err != nil {
			b.Fatal(err)
		}
		called := time.Since(start)
		var worked time.Duration // when the operation had reprocessed every request
		for worked == 0 {
			got, err := a.services.Operations.Operation(ctx, op.ID)
			if err != nil {
				b.Fatal(err)
			}
			if got.Status != entitled.OperationRunning {
				worked = time.Since(start)
			}
			time.Sleep(10 * time.Millisecond)
		}
		waitForState(b, a, entitled.StateDelivered, n)
		elapsed := time.Since(start)
		b.StopTimer()
		stopProfile()
		if op.Total != n || hook.accepted.Load() != int64(n) {
			b.Fatalf("operation matched %d, target accepted %d; want %d", op.Total, hook.accepted.Load(), n)
		}
		b.ReportMetric(elapsed.Seconds(), "s-to-delivered")
		b.ReportMetric(float64(n)/elapsed.Seconds(), "requests/s")
		b.Logf("%d deliveryFailed requests reprocessed with one call (answered in %s, all requeued in %s) and all delivered in %s",
			n, called.Round(time.Millisecond), worked.Round(time.Millisecond), elapsed.Round(time.Millisecond))
	}
}

// profileFrom writes a CPU profile of the measured part to path (none when
// empty) until the returned function is called.
func profileFrom(b *testing.B, path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// envN reads a positive count from the environment variable, else def.
func envN(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
