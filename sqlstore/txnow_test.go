package sqlstore

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestTransactionReadsNowOnce: a clock that moves on every reading still
// gives one instant to everything a transaction writes. The approval of a
// request's last stage stamps the stage, the audit events, the assignment
// and the deliveries with the same time.
func TestTransactionReadsNowOnce(t *testing.T) {
	f := newLC(t)
	pol := f.approvalPolicy(approvedBy(f.approver))
	r := f.mustAdd(entitled.RequestUserAdd, pol, f.alice)
	st := f.stages(f.as(f.approver), r.ID)
	ctx := f.as(f.approver)
	tick := f.now
	f.s.db.Now = func() time.Time { tick = tick.Add(time.Second); return tick }
	mustOK(t, f.s.Approvals.DecideApprovalStage(ctx, r.ID, st[0].ID, "Approve", ""))
	times := f.column(`SELECT reviewed_at FROM approval_stages WHERE request_id = ?
		UNION SELECT created_at FROM deliveries WHERE request_id = ?
		UNION SELECT a.created_at FROM assignments a JOIN assignment_requests q ON q.assignment_id = a.id WHERE q.id = ?
		UNION SELECT activity_date_time FROM audit_events WHERE target_id = ? AND activity_date_time > ?`,
		r.ID, r.ID, r.ID, r.ID, fmtTime(f.now))
	if len(times) != 1 {
		t.Fatalf("the approval wrote %d different times: %v", len(times), times)
	}
}
