package sqlstore

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestOutcomesWithoutSubscriberReadNoTargets: with no subscription to
// delivery events, recording final outcomes builds no delivery event, so
// it reads no delivery target; the subscriptions are read once per
// transaction. (TestSubscriptionEventsQueuedWithChange and the other tests of
// subscriptions_test.go check the events when someone subscribes.)
func TestOutcomesWithoutSubscriberReadNoTargets(t *testing.T) {
	f := newLC(t)
	var statements []string
	r := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.alice)
	f.s.db.onStatement = func(q string) { statements = append(statements, q) }
	f.deliverAll(ok)
	f.s.db.onStatement = nil
	f.wantState(r.ID, entitled.StateDelivered)
	targets, subs := 0, 0
	for _, q := range statements {
		if strings.Contains(q, "FROM delivery_targets WHERE id IN") {
			targets++
		}
		if strings.Contains(q, "FROM subscriptions") {
			subs++
		}
	}
	if targets != 0 {
		t.Errorf("recording outcomes nobody subscribes to read delivery targets %d times", targets)
	}
	if deliveries := len(f.deliveries(r.ID)); subs > deliveries {
		t.Errorf("%d reads of the subscriptions for %d outcomes recorded one at a time", subs, deliveries)
	}
}
