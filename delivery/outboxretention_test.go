package delivery

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/internal/dbtest"
)

// outboxCuts records the cuts the engine prunes the outbox at.
type outboxCuts chan time.Time

func (c outboxCuts) PruneNotifications(ctx context.Context, before time.Time) (int, error) {
	if a := entitled.ActorFrom(ctx); a == nil || a.User.ID != entitled.SystemActor.User.ID {
		panic("the outbox is pruned as the service itself")
	}
	c <- before
	return 0, nil
}

// With a retention, the engine prunes the outbox when it starts (then
// hourly), at now minus the retention; without one it never does.
func TestEnginePrunesTheOutbox(t *testing.T) {
	cuts := make(outboxCuts, 10)
	retention := 72 * time.Hour
	eng, err := New(Config{DB: openDB(t), Dialect: dbtest.Backend(), Engine: newFakeStore(), Connectors: connectors.NewRegistry(),
		Logger: slog.New(slog.DiscardHandler), Outbox: cuts, NotificationRetention: retention})
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	if err := eng.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopAtEnd(t, eng)
	select {
	case cut := <-cuts:
		if cut.Before(started.Add(-retention)) || cut.After(time.Now().Add(-retention)) {
			t.Fatalf("pruned before %s, want now minus %s", cut, retention)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the outbox was not pruned at start")
	}
	for _, keep := range []time.Duration{0, -time.Hour} {
		e := &Engine{cfg: Config{Outbox: cuts, NotificationRetention: keep}}
		if jobs := e.outboxRetention(river.NewWorkers()); len(jobs) != 0 {
			t.Errorf("retention %s: %d periodic jobs, want none (kept for ever)", keep, len(jobs))
		}
	}
}

// stopAtEnd stops the engine when the test ends.
func stopAtEnd(t *testing.T, eng *Engine) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		eng.Stop(ctx)
	})
}
