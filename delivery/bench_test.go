package delivery

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/internal/dbtest"
)

// noopArgs is a job that does nothing, to measure River alone.
type noopArgs struct{ N int }

func (noopArgs) Kind() string { return "noop" }

// BenchmarkRiverBareJobs measures River's own throughput on the same SQLite
// setup as entitled (one connection, 50 workers, 50ms poll): b.N no-op jobs
// inserted, then worked to completion. Compare its jobs/s with
// BenchmarkEngineDeliveries and with the product's end-to-end rate.
func BenchmarkRiverBareJobs(b *testing.B) {
	db := openDB(b)
	ctx := context.Background()
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[noopArgs]) error { return nil }))
	driver, err := Driver(dbtest.Backend(), db)
	if err != nil {
		b.Fatal(err)
	}
	client, err := river.NewClient(driver, &river.Config{
		Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: DefaultWorkers}},
		Workers:           workers,
		FetchPollInterval: DefaultPollInterval,
		FetchCooldown:     10 * time.Millisecond,
	})
	if err != nil {
		b.Fatal(err)
	}
	done, cancel := client.Subscribe(river.EventKindJobCompleted)
	defer cancel()

	b.ResetTimer()
	for i := 0; i < b.N; i += 1000 {
		params := make([]river.InsertManyParams, 0, 1000)
		for j := i; j < min(i+1000, b.N); j++ {
			params = append(params, river.InsertManyParams{Args: noopArgs{N: j}})
		}
		if _, err := client.InsertMany(ctx, params); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	if err := client.Start(ctx); err != nil {
		b.Fatal(err)
	}
	for n := 0; n < b.N; n++ {
		<-done
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
	b.StopTimer()
	stop, c := context.WithTimeout(ctx, 10*time.Second)
	defer c()
	client.Stop(stop)
}

// BenchmarkEngineDeliveries measures the engine's deliver path (load work,
// call a connector that succeeds, record the outcome) with an in-memory
// store, so the difference to BenchmarkRiverBareJobs is the engine's own
// cost.
func BenchmarkEngineDeliveries(b *testing.B) {
	db := openDB(b)
	ctx := context.Background()
	store := newFakeStore()
	store.changed = make(chan struct{}, b.N+10)
	eng, err := New(Config{DB: db, Dialect: dbtest.Backend(), Engine: store, Connectors: connectors.NewRegistry(&fakeKind{grants: map[string]int{}}),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	queue, err := NewQueue(db, dbtest.Backend())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i += 1000 {
		jobs := make([]entitled.Job, 0, 1000)
		for j := i; j < min(i+1000, b.N); j++ {
			jobs = append(jobs, entitled.Job{Kind: entitled.JobDeliver, DeliveryID: "ok-" + strconv.Itoa(j), Run: 1, Retry: fast})
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := queue.InsertJobs(ctx, tx, jobs); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	if err := eng.Start(ctx); err != nil {
		b.Fatal(err)
	}
	for n := 0; n < b.N; n++ {
		<-store.changed
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
	b.StopTimer()
	stop, c := context.WithTimeout(ctx, 10*time.Second)
	defer c()
	eng.Stop(stop)
}
