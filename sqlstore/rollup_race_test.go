package sqlstore

import (
	"context"
	"fmt"
	"sync"
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
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, len(jobs))
		for k, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[k] = f.s.Deliveries.RecordDeliveryOutcomes(context.Background(),
					[]entitled.DeliveryOutcome{{DeliveryID: j.DeliveryID, Run: j.Run, Final: true, At: f.now}})
			}()
		}
		close(start)
		wg.Wait()
		for _, err := range errs {
			f.must(err)
		}
		f.wantState(r.ID, entitled.StateDelivered)
	}
}
