package sqlstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestConcurrentOutcomesRollUp: the two deliveries of a request (to two
// systems, so two jobs) finish at the same moment in two transactions. The
// request must still roll up to delivered (entitled.RollUp): the last transaction
// sees the other's result.
func TestConcurrentOutcomesRollUp(t *testing.T) {
	f := newLC(t)
	for i := range 10 {
		u := f.user(fmt.Sprintf("race%d@example.com", i))
		r := f.mustAdd(entitled.RequestAdminAdd, f.policy, u)
		jobs := f.newDeliverJobs()
		if len(jobs) != 2 {
			t.Fatalf("%d deliver jobs, want 2", len(jobs))
		}
		errs := atOnce(len(jobs), func(k int) error {
			return f.s.Deliveries.RecordDeliveryOutcomes(context.Background(),
				[]entitled.DeliveryOutcome{{DeliveryID: jobs[k].DeliveryID, Run: jobs[k].Run, Final: true, At: f.now}})
		})
		for _, err := range errs {
			f.must(err)
		}
		f.wantState(r.ID, entitled.StateDelivered)
	}
}
