package sqlstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/entitled-dev/entitled"
)

// batchHookKind is a webhook kind whose connectors apply batches.
type batchHookKind struct{ testWebhookKind }

func (batchHookKind) Name() string { return "batchhook" }
func (k batchHookKind) New(sys *entitled.ConnectedSystem) (entitled.Connector, error) {
	c, err := k.testWebhookKind.New(sys)
	return batchHook{c.(testWebhook)}, err
}

type batchHook struct{ testWebhook }

func (batchHook) ApplyBatch(_ context.Context, changes []entitled.Change) []error {
	return make([]error, len(changes))
}

// TestBatchGroupsJobs: the deliveries a batch of submissions starts share
// queue jobs (one Group per system) whether or not the system's connector
// applies batches: the queue merges them into jobs of a few deliveries,
// which a connector without batches calls side by side.
func TestBatchGroupsJobs(t *testing.T) {
	f := newLC(t)
	f.s.connectors.(*testConnectors).kinds["batchhook"] = batchHookKind{}
	batching, single := f.systems[1], f.systems[0]
	f.exec(`UPDATE systems SET kind = 'batchhook' WHERE id = ?`, batching)
	var calls []*batchCall
	for i := range 6 {
		target := f.user(fmt.Sprintf("grouped%d@example.com", i))
		calls = append(calls, f.adminAddCall(fmt.Sprint(i), f.admin, target, f.policy, entitled.StateDelivering))
	}
	before := len(testQueue(f.s).Jobs())
	submitInOneBatch(f.s, calls)
	for _, c := range calls {
		if c.err != nil {
			t.Fatalf("%s: %v", c.label, c.err)
		}
	}
	groups := map[string]map[string]int{batching: {}, single: {}}
	perSystem := map[string]int{}
	for _, j := range testQueue(f.s).Jobs()[before:] {
		if j.Kind != entitled.JobDeliver {
			continue
		}
		perSystem[j.SystemID]++
		if j.Group == "" {
			t.Errorf("delivery %s to system %s has no group", j.DeliveryID, j.SystemID)
		}
		groups[j.SystemID][j.Group]++
	}
	if perSystem[batching] != 6 || perSystem[single] != 6 {
		t.Fatalf("deliver jobs per system %v, want 6 each", perSystem)
	}
	for sys, g := range groups {
		if len(g) != 1 {
			t.Errorf("the batch's deliveries to system %s carry %d groups, want 1", sys, len(g))
		}
	}
}
