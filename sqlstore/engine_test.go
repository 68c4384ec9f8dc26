package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/delivery"
)

// The store drives the real delivery engine (River on the same database): an approved request is delivered and rolled up by workers.
func TestRealEngineDeliversRequest(t *testing.T) {
	f := newLC(t)
	f.s.db.Now = time.Now
	q, err := delivery.NewQueue(f.s.db.SQL, f.s.db.Dialect)
	mustOK(t, err)
	f.s = withConfig(t, f.s, func(c *Config) { c.Queue = q })
	eng, err := delivery.New(delivery.Config{DB: f.s.db.SQL, Dialect: f.s.db.Dialect, Engine: f.s.Deliveries, Connectors: f.s.connectors,
		PollInterval: 10 * time.Millisecond})
	mustOK(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mustOK(t, eng.Start(ctx))
	defer eng.Stop(context.Background())
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	deadline := time.Now().Add(30 * time.Second)
	for f.request(r.ID).State == entitled.StateDelivering && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	f.wantState(r.ID, entitled.StateDelivered)
	for _, d := range f.deliveries(r.ID) {
		if d.Status != entitled.DeliverySucceeded || d.Attempts != 1 {
			t.Fatalf("delivery %+v", d)
		}
	}
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentDelivered {
		t.Fatalf("assignment %s", a.State)
	}
}
