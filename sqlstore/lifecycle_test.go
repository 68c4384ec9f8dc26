package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// startDelivery: an approved add request gets one grant delivery per scope, each
// with a deliver job carrying its system's retry policy.
func TestSubmitCreatesDeliveryPerScope(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	if r.State != entitled.StateDelivering || r.Status != "Delivering" || r.AssignmentID == "" || r.TargetID != f.alice.ID {
		t.Fatalf("submitted request: %+v", r)
	}
	ds := f.deliveries(r.ID)
	if len(ds) != 2 {
		t.Fatalf("want 2 deliveries, got %d", len(ds))
	}
	for i, d := range ds {
		if d.Action != entitled.ActionGrant || d.Status != entitled.DeliveryPending || d.Run != 1 || d.SystemID != f.systems[i] ||
			d.ResourceRoleScopeID != f.scopes[i] || d.AssignmentID != r.AssignmentID || d.Resource.OriginID == "" || d.Role.OriginID != "Member" {
			t.Fatalf("delivery %d: %+v", i, d)
		}
	}
	jobs := f.newDeliverJobs()
	if len(jobs) != 2 {
		t.Fatalf("want 2 deliver jobs, got %d", len(jobs))
	}
	for i, j := range jobs {
		if j.DeliveryID != ds[i].ID || j.Run != 1 || j.Retry.MaxAttempts != 3+i {
			t.Fatalf("job %d: %+v", i, j)
		}
	}
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentDelivering || a.TargetID != f.alice.ID {
		t.Fatalf("assignment: %+v", a)
	}
	if got := f.auditStates(r.ID); len(got) != 1 || !strings.Contains(got[0], "delivering") {
		t.Fatalf("audit: %v", got)
	}
	// The work carries the target as subject and the full system.
	w, err := f.s.Deliveries.DeliveryWork(context.Background(), ds[0].ID, 1)
	mustOK(t, err)
	if w.Grant.Subject.PrincipalName != "alice@example.com" || w.System.ID != f.systems[0] || w.Grant.RequestID != r.ID ||
		w.Grant.IdempotencyKey != ds[0].ID+"-1" {
		t.Fatalf("work: %+v", w)
	}
	_, err = f.s.Deliveries.DeliveryWork(context.Background(), ds[0].ID, 2)
	wantCode(t, err, entitled.KindConflict, entitled.CodeStale)
}

// entitled.RollUp: roll-up of all, some or none succeeded; the assignment follows.
func TestRollUp(t *testing.T) {
	perm := entitled.PermanentErrorf("no such user")
	for _, tc := range []struct {
		name     string
		outcomes []error
		want     entitled.RequestState
		wantA    entitled.AssignmentState
	}{
		{"all", []error{nil, nil}, entitled.StateDelivered, entitled.AssignmentDelivered},
		{"some", []error{nil, perm}, entitled.StatePartiallyDelivered, entitled.AssignmentPartiallyDelivered},
		{"none", []error{perm, perm}, entitled.StateDeliveryFailed, entitled.AssignmentDeliveryFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newLC(t)
			r := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.alice)
			jobs := f.newDeliverJobs()
			f.attempt(jobs[0], tc.outcomes[0], true)
			f.wantState(r.ID, entitled.StateDelivering) // one delivery still pending
			f.attempt(jobs[1], tc.outcomes[1], true)
			got := f.wantState(r.ID, tc.want)
			if got.CompletedDateTime == nil || !got.CompletedDateTime.Equal(f.now) {
				t.Fatalf("completedDateTime %v", got.CompletedDateTime)
			}
			if a := f.assignment(r.AssignmentID); a.State != tc.wantA {
				t.Fatalf("assignment %s, want %s", a.State, tc.wantA)
			}
			states := f.auditStates(r.ID)
			if last := states[len(states)-1]; !strings.Contains(last, string(tc.want)) {
				t.Fatalf("last audit %s, want %s", last, tc.want)
			}
			// A late outcome of a final delivery changes nothing.
			mustOK(t, f.s.Deliveries.RecordDeliveryOutcome(context.Background(), entitled.DeliveryOutcome{DeliveryID: jobs[0].DeliveryID,
				Run: 1, Err: errors.New("late"), Final: true}))
			f.wantState(r.ID, tc.want)
		})
	}
}

// Retries (entitled.RetryPolicy): while retries remain a transient error keeps the delivery
// pending and the request delivering.
func TestTransientErrorKeepsDelivering(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.alice)
	jobs := f.newDeliverJobs()
	f.attempt(jobs[0], nil, true)
	f.attempt(jobs[1], entitled.TransientErrorf("connection refused"), false)
	f.attempt(jobs[1], entitled.TransientErrorf("HTTP 503"), false)
	f.wantState(r.ID, entitled.StateDelivering)
	d := f.deliveries(r.ID)[1]
	if d.Status != entitled.DeliveryPending || d.Attempts != 2 || d.LastErrorClass != entitled.Transient || d.LastError != "HTTP 503" ||
		d.CompletedDateTime != nil {
		t.Fatalf("delivery after transient errors: %+v", d)
	}
	f.attempt(jobs[1], entitled.TransientErrorf("HTTP 503"), true) // the engine's last attempt
	f.wantState(r.ID, entitled.StatePartiallyDelivered)
	if d := f.deliveries(r.ID)[1]; d.Status != entitled.DeliveryFailed || d.Attempts != 3 {
		t.Fatalf("delivery after last attempt: %+v", d)
	}
}

// partial returns a partially delivered request: first delivery succeeded,
// second failed permanently.
func (f *lc) partial(u *entitled.User) *entitled.AssignmentRequest {
	f.t.Helper()
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, u)
	f.deliverAll(failAt(1, "access denied"))
	f.wantState(r.ID, entitled.StatePartiallyDelivered)
	return r
}

// CheckReprocess: reprocess re-runs the failed deliveries only.
func TestReprocessRunsFailedDeliveriesOnly(t *testing.T) {
	f := newLC(t)
	r := f.partial(f.alice)
	before := f.deliveries(r.ID)
	f.now = f.now.Add(time.Hour)
	mustOK(t, f.s.Requests.ReprocessRequest(f.as(f.admin), r.ID))
	got := f.wantState(r.ID, entitled.StateDelivering)
	if got.CompletedDateTime != nil {
		t.Fatal("completedDateTime not cleared")
	}
	after := f.deliveries(r.ID)
	if after[0].Run != 1 || after[0].Status != entitled.DeliverySucceeded || after[0].Attempts != 1 ||
		!after[0].ModifiedDateTime.Equal(before[0].ModifiedDateTime) {
		t.Fatalf("succeeded delivery touched: %+v", after[0])
	}
	if after[1].Run != 2 || after[1].Status != entitled.DeliveryPending {
		t.Fatalf("failed delivery not restarted: %+v", after[1])
	}
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentDelivering {
		t.Fatalf("assignment %s", a.State)
	}
	jobs := f.newDeliverJobs()
	if len(jobs) != 1 || jobs[0].DeliveryID != after[1].ID || jobs[0].Run != 2 {
		t.Fatalf("reprocess jobs: %+v", jobs)
	}
	// The job of the old run is stale now.
	_, err := f.s.Deliveries.DeliveryWork(context.Background(), after[1].ID, 1)
	wantCode(t, err, entitled.KindConflict, entitled.CodeStale)
	f.attempt(jobs[0], nil, true)
	f.wantState(r.ID, entitled.StateDelivered)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentDelivered {
		t.Fatalf("assignment %s", a.State)
	}
	var n int
	mustOK(t, f.s.db.tQueryRow(`SELECT COUNT(*) FROM audit_events WHERE target_id = ? AND activity_display_name = ?`,
		r.ID, "Reprocess access package assignment request").Scan(&n))
	if n != 1 {
		t.Fatalf("reprocess audit events: %d", n)
	}
}

func TestReprocessRefused(t *testing.T) {
	f := newLC(t)
	r := f.partial(f.alice)
	// Requestors and catalog readers may not reprocess.
	wantKind(t, f.s.Requests.ReprocessRequest(f.as(f.alice), r.ID), entitled.KindForbidden)
	wantKind(t, f.s.Requests.ReprocessRequest(f.as(f.reader), r.ID), entitled.KindForbidden)
	// Past the window.
	f.now = f.now.Add(entitled.DefaultReprocessWindow + time.Minute)
	e := wantCode(t, f.s.Requests.ReprocessRequest(f.as(f.admin), r.ID), entitled.KindInvalid, entitled.CodeReprocessWindowPassed)
	if !strings.Contains(e.Message, "cancel it and request again") {
		t.Fatalf("message: %s", e.Message)
	}
	// A configured window applies.
	f.s = withConfig(t, f.s, func(c *Config) { c.ReprocessWindow = 30 * 24 * time.Hour })
	mustOK(t, f.s.Requests.ReprocessRequest(f.as(f.admin), r.ID))
	// Wrong state: delivered.
	f.deliverAll(ok)
	f.wantState(r.ID, entitled.StateDelivered)
	wantCode(t, f.s.Requests.ReprocessRequest(f.as(f.admin), r.ID), entitled.KindInvalid, entitled.CodeNotReprocessable)
}

// Two reprocess calls at once: exactly one wins, the other gets 409.
func TestConcurrentReprocess(t *testing.T) {
	f := newLC(t)
	r := f.partial(f.alice)
	ctx := f.as(f.admin)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.s.Requests.ReprocessRequest(ctx, r.ID)
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else {
			wantKind(t, err, entitled.KindConflict)
		}
	}
	if wins != 1 {
		t.Fatalf("want exactly one winner, got %v", errs)
	}
	if jobs := f.newDeliverJobs(); len(jobs) != 1 {
		t.Fatalf("want one redelivery, got %d", len(jobs))
	}
}

// MayCancel and CheckCancel: cancel eligibility, and cancel of a partial request revokes what
// it delivered.
func TestCancel(t *testing.T) {
	f := newLC(t)
	// Delivering requests cannot be canceled.
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	wantCode(t, f.s.Requests.CancelRequest(f.as(f.alice), r.ID), entitled.KindInvalid, entitled.CodeNotCancelable)
	// Others than the target and administrators may not.
	f.deliverAll(failAt(1, "no such user"))
	f.wantState(r.ID, entitled.StatePartiallyDelivered)
	if err := f.s.Requests.CancelRequest(f.as(f.bob), r.ID); entitled.ErrorKind(err) != entitled.KindNotFound && entitled.ErrorKind(err) != entitled.KindForbidden {
		t.Fatalf("bob canceled alice's request: %v", err)
	}
	wantKind(t, f.s.Requests.CancelRequest(f.as(f.reader), r.ID), entitled.KindForbidden)
	succeeded := f.deliveries(r.ID)[0]
	mustOK(t, f.s.Requests.CancelRequest(f.as(f.alice), r.ID))
	got := f.wantState(r.ID, entitled.StateCanceled)
	if got.CompletedDateTime == nil {
		t.Fatal("completedDateTime not set")
	}
	// A systemRemove request revokes exactly the succeeded grant.
	rm := f.onlyRequestOfType("systemremove")
	if rm.AssignmentID != r.AssignmentID || rm.State != entitled.StateDelivering {
		t.Fatalf("systemRemove request: %+v", rm)
	}
	ds := f.deliveries(rm.ID)
	if len(ds) != 1 || ds[0].Action != entitled.ActionRevoke || ds[0].Role.ID != succeeded.Role.ID || ds[0].SystemID != succeeded.SystemID {
		t.Fatalf("revokes: %+v", ds)
	}
	// The canceled request's history names the removal, and the removal names it.
	if states := f.auditStates(r.ID); !strings.Contains(states[len(states)-1], rm.ID) {
		t.Fatalf("the canceled request's last audit event %q does not name removal %s", states[len(states)-1], rm.ID)
	}
	if !strings.Contains(rm.Justification, r.ID) {
		t.Fatalf("the removal's justification %q does not name the canceled request %s", rm.Justification, r.ID)
	}
	if a := f.assignment(r.AssignmentID); !a.State.IsLive() {
		t.Fatal("assignment expired before the revoke was delivered")
	}
	f.deliverAll(ok)
	f.wantState(rm.ID, entitled.StateDelivered)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentExpired || a.ExpiredDateTime == nil {
		t.Fatalf("assignment after revoke: %+v", a)
	}
	// Canceled twice: not cancelable.
	wantCode(t, f.s.Requests.CancelRequest(f.as(f.admin), r.ID), entitled.KindInvalid, entitled.CodeNotCancelable)
}

func TestCancelFailedExpiresAssignment(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.alice)
	f.deliverAll(func(int, entitled.Job) error { return entitled.PermanentErrorf("denied") })
	f.wantState(r.ID, entitled.StateDeliveryFailed)
	mustOK(t, f.s.Requests.CancelRequest(f.as(f.admin), r.ID)) // an administrator may cancel any
	f.wantState(r.ID, entitled.StateCanceled)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentExpired {
		t.Fatalf("assignment %s", a.State)
	}
	if jobs := f.newDeliverJobs(); len(jobs) != 0 {
		t.Fatalf("nothing to revoke, got jobs %+v", jobs)
	}
	// The user may request again.
	f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
}

// entitled.CheckOneLive: one open request or live assignment per user and package.
func TestOneLiveAssignment(t *testing.T) {
	f := newLC(t)
	p := f.approvalPolicy(approvedBy(f.approver))
	r := f.mustAdd(entitled.RequestUserAdd, p, f.alice)
	_, err := f.add(entitled.RequestAdminAdd, f.policy, f.alice)
	e := wantCode(t, err, entitled.KindConflict, entitled.CodeExistingAssignment)
	if !strings.Contains(e.Message, r.ID) {
		t.Fatalf("message does not name request %s: %s", r.ID, e.Message)
	}
	mustOK(t, f.s.Requests.CancelRequest(f.as(f.alice), r.ID))
	r2 := f.mustAdd(entitled.RequestAdminAdd, f.policy, f.alice)
	f.deliverAll(ok)
	_, err = f.add(entitled.RequestUserAdd, f.policy, f.alice)
	e = wantCode(t, err, entitled.KindConflict, entitled.CodeExistingAssignment)
	if !strings.Contains(e.Message, r2.AssignmentID) {
		t.Fatalf("message does not name assignment %s: %s", r2.AssignmentID, e.Message)
	}
	// Another user is not affected.
	f.mustAdd(entitled.RequestUserAdd, f.policy, f.bob)
}

// Removal revokes what was granted and expires the assignment.
func TestRemoveRequest(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	f.deliverAll(ok)
	// Only the target may userRemove; others need adminRemove rights.
	err := f.s.Requests.SubmitRequest(f.as(f.bob), &entitled.AssignmentRequest{RequestType: entitled.RequestUserRemove, AssignmentID: r.AssignmentID})
	if k := entitled.ErrorKind(err); k != entitled.KindForbidden && k != entitled.KindNotFound {
		t.Fatalf("bob removed alice's assignment: %v", err)
	}
	wantKind(t, f.s.Requests.SubmitRequest(f.as(f.reader), &entitled.AssignmentRequest{RequestType: entitled.RequestAdminRemove,
		AssignmentID: r.AssignmentID}), entitled.KindForbidden)
	wantKind(t, f.s.Requests.SubmitRequest(f.as(f.alice), &entitled.AssignmentRequest{RequestType: entitled.RequestUserRemove,
		AssignmentID: "nope"}), entitled.KindNotFound)
	rm := &entitled.AssignmentRequest{RequestType: "userremove", AssignmentID: r.AssignmentID}
	mustOK(t, f.s.Requests.SubmitRequest(f.as(f.alice), rm))
	if rm.State != entitled.StateDelivering || rm.RequestType != entitled.RequestUserRemove {
		t.Fatalf("remove request: %+v", rm)
	}
	wantKind(t, f.s.Requests.SubmitRequest(f.as(f.admin), &entitled.AssignmentRequest{RequestType: entitled.RequestAdminRemove,
		AssignmentID: r.AssignmentID}), entitled.KindConflict)
	ds := f.deliveries(rm.ID)
	if len(ds) != 2 || ds[0].Action != entitled.ActionRevoke || ds[1].Action != entitled.ActionRevoke {
		t.Fatalf("revokes: %+v", ds)
	}
	f.deliverAll(failAt(1, "LDAP refused"))
	f.wantState(rm.ID, entitled.StatePartiallyDelivered)
	// One role was revoked, one is still granted: that is what the
	// assignment says.
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentPartiallyDelivered || a.Status != "PartiallyDelivered" {
		t.Fatalf("assignment after a partial removal: %s (%s), want partiallyDelivered", a.State, a.Status)
	}
	// Removing again revokes only what is still granted.
	rm2 := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminRemove, AssignmentID: r.AssignmentID}
	mustOK(t, f.s.Requests.SubmitRequest(f.as(f.admin), rm2))
	if ds := f.deliveries(rm2.ID); len(ds) != 1 || ds[0].SystemID != f.systems[1] {
		t.Fatalf("second removal revokes: %+v", ds)
	}
	f.deliverAll(ok)
	f.wantState(rm2.ID, entitled.StateDelivered)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentExpired || a.ExpiredDateTime == nil {
		t.Fatalf("assignment after removal: %+v", a)
	}
	wantKind(t, f.s.Requests.SubmitRequest(f.as(f.admin), &entitled.AssignmentRequest{RequestType: entitled.RequestAdminRemove,
		AssignmentID: r.AssignmentID}), entitled.KindInvalid)
}

// TestFailedRemovalReprocessed: a removal that revoked nothing leaves the
// assignment delivered; reprocessed, one that revoked part of it leaves it
// partially delivered; reprocessed again and complete, it ends it. Only
// the failed revokes run again each time (RollUp, CheckReprocess, SettleAssignment).
func TestFailedRemovalReprocessed(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	f.deliverAll(ok)
	rm := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminRemove, AssignmentID: r.AssignmentID}
	mustOK(t, f.s.Requests.SubmitRequest(f.as(f.admin), rm))
	f.deliverAll(func(int, entitled.Job) error { return entitled.PermanentErrorf("directory refused") })
	f.wantState(rm.ID, entitled.StateDeliveryFailed)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentDelivered {
		t.Fatalf("a removal that revoked nothing left the assignment %s, want delivered", a.State)
	}
	mustOK(t, f.s.Requests.ReprocessRequest(f.as(f.admin), rm.ID))
	f.deliverAll(failAt(0, "directory refused again"))
	f.wantState(rm.ID, entitled.StatePartiallyDelivered)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentPartiallyDelivered {
		t.Fatalf("a removal that revoked one of two roles left the assignment %s, want partiallyDelivered", a.State)
	}
	mustOK(t, f.s.Requests.ReprocessRequest(f.as(f.admin), rm.ID))
	jobs := f.newDeliverJobs()
	if len(jobs) != 1 {
		t.Fatalf("reprocess ran %d revokes, want only the one that failed", len(jobs))
	}
	for _, j := range jobs {
		f.attempt(j, nil, true)
	}
	f.wantState(rm.ID, entitled.StateDelivered)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentExpired {
		t.Fatalf("a completed removal left the assignment %s, want expired", a.State)
	}
}

func TestUserRemoveNeedsPolicy(t *testing.T) {
	f := newLC(t)
	p := f.newPolicy(func(p *entitled.AssignmentPolicy) { p.RequestorSettings.EnableTargetsToSelfRemoveAccess = false })
	r := f.mustAdd(entitled.RequestUserAdd, p, f.alice)
	f.deliverAll(ok)
	err := f.s.Requests.SubmitRequest(f.as(f.alice), &entitled.AssignmentRequest{RequestType: entitled.RequestUserRemove, AssignmentID: r.AssignmentID})
	e := wantCode(t, err, entitled.KindForbidden, "")
	if !strings.Contains(e.Message, "Sales staff") {
		t.Fatalf("message: %s", e.Message)
	}
}

// ExpireAssignment: expiry creates a systemRemove request once the end has passed.
// TestExpiryQueuedOnce: an assignment's expire job is queued once per end
// time, though its request rolls up twice (partially delivered, then
// delivered after a reprocess).
func TestExpiryQueuedOnce(t *testing.T) {
	f := newLC(t)
	p := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 48 * time.Hour}
	})
	r := f.mustAdd(entitled.RequestUserAdd, p, f.alice)
	f.deliverAll(failAt(1, "refused"))
	f.wantState(r.ID, entitled.StatePartiallyDelivered)
	mustOK(t, f.s.Requests.ReprocessRequest(f.as(f.admin), r.ID))
	f.deliverAll(ok)
	f.wantState(r.ID, entitled.StateDelivered)
	if exp := f.jobs(entitled.JobExpire); len(exp) != 1 || exp[0].AssignmentID != r.AssignmentID {
		t.Fatalf("expire jobs after two roll-ups: %+v, want one", exp)
	}
}

func TestExpiry(t *testing.T) {
	f := newLC(t)
	p := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 48 * time.Hour}
	})
	r := f.mustAdd(entitled.RequestUserAdd, p, f.alice)
	f.deliverAll(ok)
	exp := f.jobs(entitled.JobExpire)
	if len(exp) != 1 || exp[0].AssignmentID != r.AssignmentID || !exp[0].RunAt.Equal(f.now.Add(48*time.Hour)) {
		t.Fatalf("expire jobs: %+v", exp)
	}
	a := f.assignment(r.AssignmentID)
	if end := a.Schedule.Expiration.EndDateTime; end == nil || !end.Equal(f.now.Add(48*time.Hour)) {
		t.Fatalf("assignment schedule: %+v", a.Schedule)
	}
	// Early: nothing happens.
	mustOK(t, f.s.Deliveries.ExpireAssignment(context.Background(), r.AssignmentID))
	f.now = f.now.Add(49 * time.Hour)
	mustOK(t, f.s.Deliveries.ExpireAssignment(context.Background(), r.AssignmentID))
	mustOK(t, f.s.Deliveries.ExpireAssignment(context.Background(), r.AssignmentID)) // idempotent
	rm := f.onlyRequestOfType("systemRemove")
	if ds := f.deliveries(rm.ID); len(ds) != 2 || ds[0].Action != entitled.ActionRevoke {
		t.Fatalf("expiry revokes: %+v", ds)
	}
	f.deliverAll(ok)
	f.wantState(rm.ID, entitled.StateDelivered)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentExpired {
		t.Fatalf("assignment %s", a.State)
	}
	if len(f.jobs(entitled.JobExpire)) != 1 {
		t.Fatal("expire job queued twice")
	}
}

// A request with a future start is scheduled, then started when due.
func TestScheduledStart(t *testing.T) {
	f := newLC(t)
	start := f.now.Add(24 * time.Hour)
	r := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AssignmentPolicyID: f.policy, TargetID: f.alice.ID,
		Schedule: entitled.Schedule{StartDateTime: &start}}
	mustOK(t, f.s.Requests.SubmitRequest(f.as(f.admin), r))
	if r.State != entitled.StateScheduled || r.Status != "PendingNotBefore" {
		t.Fatalf("state %s", r.State)
	}
	js := f.jobs(entitled.JobStart)
	if len(js) != 1 || js[0].RequestID != r.ID || !js[0].RunAt.Equal(start) {
		t.Fatalf("start jobs %+v", js)
	}
	if len(f.newDeliverJobs()) != 0 {
		t.Fatal("delivery started early")
	}
	mustOK(t, f.s.Deliveries.StartScheduledRequest(context.Background(), r.ID))
	f.wantState(r.ID, entitled.StateScheduled)
	f.now = start
	mustOK(t, f.s.Deliveries.StartScheduledRequest(context.Background(), r.ID))
	got := f.wantState(r.ID, entitled.StateDelivering)
	if got.AssignmentID == "" || len(f.deliveries(r.ID)) != 2 || len(f.newDeliverJobs()) != 2 {
		t.Fatal("scheduled start did not start delivery")
	}
	mustOK(t, f.s.Deliveries.StartScheduledRequest(context.Background(), r.ID)) // a repeated job does nothing
	if len(f.newDeliverJobs()) != 0 {
		t.Fatal("started twice")
	}
}

// Submission rules of the policy.
func TestSubmitPolicyRules(t *testing.T) {
	f := newLC(t)
	noSelf := f.newPolicy(func(p *entitled.AssignmentPolicy) { p.RequestorSettings.EnableTargetsToSelfAddAccess = false })
	_, err := f.add(entitled.RequestUserAdd, noSelf, f.alice)
	if e := wantCode(t, err, entitled.KindForbidden, ""); !strings.Contains(e.Message, "Sales staff") {
		t.Fatalf("message does not name the policy: %s", e.Message)
	}
	specific := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.AllowedTargetScope = entitled.ScopeSpecificDirectoryUsers
		p.SpecificAllowedTargets = []entitled.SubjectSet{{Type: entitled.SubjectGroupMembers, GroupID: f.group},
			{Type: entitled.SubjectSingleUser, UserID: f.manager.ID}}
	})
	_, err = f.add(entitled.RequestUserAdd, specific, f.alice)
	wantKind(t, err, entitled.KindForbidden)
	f.mustAdd(entitled.RequestUserAdd, specific, f.bob)     // group member
	f.mustAdd(entitled.RequestUserAdd, specific, f.manager) // single user
	just := f.newPolicy(func(p *entitled.AssignmentPolicy) { p.RequestApprovalSettings.IsRequestorJustificationRequired = true })
	_, err = f.add(entitled.RequestUserAdd, just, f.alice)
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
	start := f.now.Add(time.Hour)
	err = f.s.Requests.SubmitRequest(f.as(f.alice), &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AssignmentPolicyID: f.policy,
		Schedule: entitled.Schedule{StartDateTime: &start}})
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
	// The policy must belong to the named package.
	err = f.s.Requests.SubmitRequest(f.as(f.alice), &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AssignmentPolicyID: f.policy,
		AccessPackageID: newID()})
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
	err = f.s.Requests.SubmitRequest(f.as(f.alice), &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AssignmentPolicyID: newID()})
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
	// adminAdd needs direct-assign rights and a target.
	err = f.s.Requests.SubmitRequest(f.as(f.alice), &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AssignmentPolicyID: f.policy,
		TargetID: f.approver.ID})
	wantKind(t, err, entitled.KindForbidden)
	err = f.s.Requests.SubmitRequest(f.as(f.reader), &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AssignmentPolicyID: f.policy,
		TargetID: f.approver.ID})
	wantKind(t, err, entitled.KindForbidden)
	err = f.s.Requests.SubmitRequest(f.as(f.admin), &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AssignmentPolicyID: f.policy})
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
	err = f.s.Requests.SubmitRequest(f.as(f.admin), &entitled.AssignmentRequest{RequestType: "adminUpdate", AssignmentPolicyID: f.policy})
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
	// A package without resource roles cannot be requested.
	f.exec(`DELETE FROM resource_role_scopes WHERE access_package_id = ?`, f.pkg)
	_, err = f.add(entitled.RequestUserAdd, f.policy, f.approver)
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
}

// failingQueue refuses every job.
type failingQueue struct{}

func (failingQueue) InsertJobs(context.Context, *sql.Tx, []entitled.Job) error {
	return errors.New("queue unavailable")
}

// A failed change leaves nothing behind, audit included.
func TestFailedSubmitLeavesNothing(t *testing.T) {
	f := newLC(t)
	count := func(table string) int {
		var n int
		mustOK(t, f.s.db.tQueryRow(`SELECT COUNT(*) FROM `+table).Scan(&n))
		return n
	}
	audits := count("audit_events")
	f.s = withConfig(t, f.s, func(c *Config) { c.Queue = failingQueue{} })
	_, err := f.add(entitled.RequestUserAdd, f.policy, f.alice)
	if err == nil {
		t.Fatal("submit succeeded without a queue")
	}
	for _, table := range []string{"assignment_requests", "assignments", "deliveries"} {
		if n := count(table); n != 0 {
			t.Fatalf("%s has %d rows after a failed submit", table, n)
		}
	}
	if n := count("audit_events"); n != audits {
		t.Fatalf("audit events written by a rolled-back change: %d", n-audits)
	}
}

// ReprocessAssignment: reprocessing an assignment re-asserts every role.
func TestReprocessAssignment(t *testing.T) {
	f := newLC(t)
	r := f.partial(f.alice)
	wantCode(t, f.s.Assignments.ReprocessAssignment(f.as(f.admin), r.AssignmentID), entitled.KindInvalid, entitled.CodeNotReprocessable)
	mustOK(t, f.s.Requests.ReprocessRequest(f.as(f.admin), r.ID))
	f.deliverAll(ok)
	wantKind(t, f.s.Assignments.ReprocessAssignment(f.as(f.reader), r.AssignmentID), entitled.KindForbidden)
	wantKind(t, f.s.Assignments.ReprocessAssignment(f.as(f.alice), r.AssignmentID), entitled.KindForbidden)
	mustOK(t, f.s.Assignments.ReprocessAssignment(f.as(f.admin), r.AssignmentID))
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentDelivering {
		t.Fatalf("assignment %s", a.State)
	}
	up := f.onlyRequestOfType("adminUpdate")
	if ds := f.deliveries(up.ID); len(ds) != 2 || ds[0].Action != entitled.ActionGrant || ds[1].Action != entitled.ActionGrant {
		t.Fatalf("re-assert deliveries: %+v", ds)
	}
	f.deliverAll(failAt(0, "drifted"))
	f.wantState(up.ID, entitled.StatePartiallyDelivered)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentPartiallyDelivered {
		t.Fatalf("assignment %s", a.State)
	}
	if len(f.auditStates(up.ID)) < 2 {
		t.Fatal("reprocess assignment not audited")
	}
}

func TestRequestStateCounts(t *testing.T) {
	f := newLC(t)
	f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, f.bob)
	f.deliverAll(func(_ int, j entitled.Job) error {
		if j.RequestID == r.ID {
			return nil
		}
		return entitled.TransientErrorf("busy")
	})
	counts, err := f.s.Requests.RequestStateCounts(context.Background())
	mustOK(t, err)
	if counts[entitled.StateDelivered] != 1 || counts[entitled.StateDeliveryFailed] != 1 || len(counts) != len(entitled.RequestStates) {
		t.Fatalf("counts %v", counts)
	}
}

// The engine's work is stale once the delivery is final.
func TestDeliveryWorkStaleWhenFinal(t *testing.T) {
	f := newLC(t)
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.alice)
	jobs := f.newDeliverJobs()
	f.attempt(jobs[0], nil, true)
	_, err := f.s.Deliveries.DeliveryWork(context.Background(), jobs[0].DeliveryID, jobs[0].Run)
	wantCode(t, err, entitled.KindConflict, entitled.CodeStale)
	_, err = f.s.Deliveries.DeliveryWork(context.Background(), "unknown", 1)
	wantCode(t, err, entitled.KindConflict, entitled.CodeStale)
	// An outcome for an unknown delivery or an old run is ignored.
	mustOK(t, f.s.Deliveries.RecordDeliveryOutcome(context.Background(), entitled.DeliveryOutcome{DeliveryID: "unknown", Run: 1, Final: true}))
	mustOK(t, f.s.Deliveries.RecordDeliveryOutcome(context.Background(), entitled.DeliveryOutcome{DeliveryID: jobs[1].DeliveryID, Run: 7, Final: true}))
	if d := f.deliveries(jobs[1].RequestID)[1]; d.Status != entitled.DeliveryPending || d.Attempts != 0 {
		t.Fatalf("old-run outcome recorded: %+v", d)
	}
}

// A custom schedule (allowed by the policy) sets the assignment's end; bad
// schedules are refused.
func TestCustomSchedule(t *testing.T) {
	f := newLC(t)
	p := f.newPolicy(func(p *entitled.AssignmentPolicy) { p.RequestorSettings.AllowCustomAssignmentSchedule = true })
	past := f.now.Add(-time.Hour)
	err := f.s.Requests.SubmitRequest(f.as(f.alice), &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AssignmentPolicyID: p,
		Schedule: entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: &past}}})
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
	err = f.s.Requests.SubmitRequest(f.as(f.alice), &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AssignmentPolicyID: p,
		Schedule: entitled.Schedule{Expiration: entitled.Expiration{Type: "someday"}}})
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
	r := &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AssignmentPolicyID: p,
		Schedule: entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 2 * time.Hour}}}
	mustOK(t, f.s.Requests.SubmitRequest(f.as(f.alice), r))
	f.deliverAll(ok)
	a := f.assignment(r.AssignmentID)
	if end := a.Schedule.Expiration.EndDateTime; end == nil || !end.Equal(f.now.Add(2*time.Hour)) {
		t.Fatalf("assignment end %v", a.Schedule.Expiration.EndDateTime)
	}
	if exp := f.jobs(entitled.JobExpire); len(exp) != 1 || !exp[0].RunAt.Equal(f.now.Add(2*time.Hour)) {
		t.Fatalf("expire jobs %+v", exp)
	}
}
