package sqlstore

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestUpdateRequests: a userUpdate extends a delivered assignment within
// the policy's limit and queues its expiry for the new end, without new
// deliveries; one over the limit, on a policy without self-update, or while
// another update is open is refused; with isApprovalRequiredForUpdate it
// waits for the approver and applies on approval; an adminUpdate applies
// at once.
func TestUpdateRequests(t *testing.T) {
	f := newLC(t)
	day := 24 * time.Hour
	pol := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 30 * day}
		p.RequestorSettings.EnableTargetsToSelfUpdateAccess = true
		p.RequestorSettings.AllowCustomAssignmentSchedule = true
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForUpdate: true, Stages: []entitled.ApprovalStage{{
			DurationBeforeAutomaticDenial: 7 * day, PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.approver.ID}}}}}
	})
	noSelf := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 30 * day}
	})
	add := f.mustAdd(entitled.RequestUserAdd, pol, f.alice)
	f.deliverAll(ok)
	f.wantState(add.ID, entitled.StateDelivered)
	asID := f.request(add.ID).AssignmentID
	if end := endOf(f.assignment(asID).Schedule); end == nil || !end.Equal(f.now.Add(30*day)) {
		t.Fatalf("assignment ends %v", end)
	}

	update := func(typ entitled.RequestType, u *entitled.User, sched entitled.Schedule) (*entitled.AssignmentRequest, error) {
		r := &entitled.AssignmentRequest{RequestType: typ, AssignmentID: asID, Schedule: sched, Justification: "project extended"}
		return r, f.s.Requests.SubmitRequest(f.as(u), r)
	}
	f.now = f.now.Add(20 * day)
	tooLong := entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 45 * day}}
	if _, err := update(entitled.RequestUserUpdate, f.alice, tooLong); entitled.AsError(err).Target != "schedule.expiration.duration" {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := update(entitled.RequestUserUpdate, f.bob, entitled.Schedule{}); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("someone else's assignment: %v", err)
	}

	// Approval required for updates: the request waits, then applies.
	r, err := update(entitled.RequestUserUpdate, f.alice, entitled.Schedule{})
	f.must(err)
	f.wantState(r.ID, entitled.StatePendingApproval)
	if _, err := update(entitled.RequestAdminUpdate, f.admin, entitled.Schedule{}); entitled.ErrorKind(err) != entitled.KindConflict {
		t.Fatalf("second update while one is open: %v", err)
	}
	st := f.stages(f.as(f.approver), r.ID)
	f.must(f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", ""))
	f.wantState(r.ID, entitled.StateDelivered)
	as := f.assignment(asID)
	if end := endOf(as.Schedule); as.State != entitled.AssignmentDelivered || end == nil || !end.Equal(f.now.Add(30*day)) {
		t.Fatalf("after the approved update: %s, ends %v, want %v", as.State, end, f.now.Add(30*day))
	}
	if len(f.deliveries(r.ID)) != 0 || len(f.newDeliverJobs()) != 0 {
		t.Fatal("an update granted again")
	}
	exp := f.jobs(entitled.JobExpire)
	if last := exp[len(exp)-1]; last.AssignmentID != asID || !last.RunAt.Equal(f.now.Add(30*day)) {
		t.Fatalf("expire jobs %+v", exp)
	}

	// An adminUpdate shortens it at once, whatever the approval settings.
	short := entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 5 * day}}
	r, err = update(entitled.RequestAdminUpdate, f.admin, short)
	f.must(err)
	f.wantState(r.ID, entitled.StateDelivered)
	if end := endOf(f.assignment(asID).Schedule); !end.Equal(f.now.Add(5 * day)) {
		t.Fatalf("after the admin update ends %v", end)
	}

	// A policy without self-update: 403.
	other := f.mustAdd(entitled.RequestUserAdd, noSelf, f.bob)
	f.deliverAll(ok)
	r = &entitled.AssignmentRequest{RequestType: entitled.RequestUserUpdate, AssignmentID: f.request(other.ID).AssignmentID}
	if err := f.s.Requests.SubmitRequest(f.as(f.bob), r); entitled.ErrorKind(err) != entitled.KindForbidden {
		t.Fatalf("self update not allowed: %v", err)
	}
}
