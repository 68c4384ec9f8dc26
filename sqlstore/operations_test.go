package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// otherCatalog moves requests into a new catalog, where f.admin holds no
// role.
func (f *lc) otherCatalog(ids ...string) string {
	f.t.Helper()
	ts := fmtTime(f.now)
	cat := newID()
	f.exec(`INSERT INTO catalogs (id, display_name, created_at, modified_at) VALUES (?,?,?,?)`, cat, "Finance", ts, ts)
	for _, id := range ids {
		f.exec(`UPDATE assignment_requests SET catalog_id = ? WHERE id = ?`, cat, id)
	}
	return cat
}

// globalAdmin makes a user a Global Administrator.
func (f *lc) globalAdmin(u *entitled.User) {
	f.exec(`INSERT INTO role_assignments (id, principal_id, role_definition_id, directory_scope_id, app_scope_id, created_at)
		VALUES (?,?,?,?,?,?)`, newID(), u.ID, entitled.RoleGlobalAdministrator, "/", "", fmtTime(f.now))
}

// runOperation works an operation as its job does and reads it back as u.
func (f *lc) runOperation(op *entitled.Operation, u *entitled.User) *entitled.Operation {
	f.t.Helper()
	f.must(f.s.Operations.RunOperation(context.Background(), op.ID))
	got, err := f.s.Operations.Operation(f.as(u), op.ID)
	f.must(err)
	return got
}

// reprocessAudits counts the reprocess audit events of a request.
func (f *lc) reprocessAudits(id string) int {
	f.t.Helper()
	var n int
	f.must(f.s.db.tQueryRow(`SELECT COUNT(*) FROM audit_events WHERE target_id = ? AND activity_display_name = ?`,
		id, "Reprocess access package assignment request").Scan(&n))
	return n
}

// A manager of catalog A reprocesses A's requests; a request of catalog B
// they see (as its target) is listed as refused, with the 403 a single
// reprocess answers; B's requests they cannot see are not matched at all.
func TestBulkReprocessAuthorizationSplit(t *testing.T) {
	f := newLC(t)
	a1, a2 := f.partial(f.alice), f.partial(f.bob)
	b1, b2 := f.partial(f.admin), f.partial(f.manager)
	f.otherCatalog(b1.ID, b2.ID)
	f.now = f.now.Add(time.Hour)

	wantKind(t, errOf(f.s.Operations.ReprocessRequests(f.as(f.reader), entitled.BulkReprocess{Filter: "state eq 'partiallyDelivered'"})),
		entitled.KindForbidden)
	n, err := f.s.Operations.CountReprocessable(f.as(f.admin), entitled.BulkReprocess{Filter: "state eq 'partiallyDelivered'"})
	mustOK(t, err)
	op, err := f.s.Operations.ReprocessRequests(f.as(f.admin), entitled.BulkReprocess{Filter: "state eq 'partiallyDelivered'"})
	mustOK(t, err)
	if op.Total != 3 || n != 3 || op.Status != entitled.OperationRunning {
		t.Fatalf("operation %+v, count %d: want 3 running", op, n)
	}
	if jobs := f.jobs(entitled.JobOperation); len(jobs) != 1 || jobs[0].OperationID != op.ID {
		t.Fatalf("operation jobs: %+v", jobs)
	}
	got := f.runOperation(op, f.admin)
	if got.Status != entitled.OperationSucceeded || got.Total != 3 || got.Reprocessed != 2 || got.CompletedDateTime == nil {
		t.Fatalf("operation %+v", got)
	}
	if len(got.Refused) != 1 || got.Refused[0].ID != b1.ID || got.Refused[0].Code != entitled.CodeForbidden {
		t.Fatalf("refused %+v", got.Refused)
	}
	f.wantState(a1.ID, entitled.StateDelivering)
	f.wantState(a2.ID, entitled.StateDelivering)
	f.wantState(b1.ID, entitled.StatePartiallyDelivered)
	f.wantState(b2.ID, entitled.StatePartiallyDelivered)
	jobs := f.newDeliverJobs()
	if len(jobs) != 2 {
		t.Fatalf("deliver jobs: %+v", jobs)
	}
	for _, j := range jobs {
		f.attempt(j, nil, true)
	}
	f.wantState(a1.ID, entitled.StateDelivered)
	f.wantState(a2.ID, entitled.StateDelivered)

	// The creator and tenant administrators read it; others get a 404.
	wantKind(t, errOf(f.s.Operations.Operation(f.as(f.alice), op.ID)), entitled.KindNotFound)
	f.globalAdmin(f.big)
	if o, err := f.s.Operations.Operation(f.as(f.big), op.ID); err != nil || o.Reprocessed != 2 {
		t.Fatalf("global admin reads %+v, %v", o, err)
	}
	// A Global Administrator's operation takes every catalog.
	op2, err := f.s.Operations.ReprocessRequests(f.as(f.big), entitled.BulkReprocess{Filter: "state eq 'partiallyDelivered'"})
	mustOK(t, err)
	if got := f.runOperation(op2, f.big); got.Total != 2 || got.Reprocessed != 2 || len(got.Refused) != 0 {
		t.Fatalf("global operation %+v", got)
	}
}

func errOf[T any](_ T, err error) error { return err }

// The reprocess window applies per request, when its batch runs.
func TestBulkReprocessWindow(t *testing.T) {
	f := newLC(t)
	old := f.partial(f.alice)
	f.now = f.now.Add(10 * 24 * time.Hour)
	recent := f.partial(f.bob)
	f.now = f.now.Add(5 * 24 * time.Hour) // old completed 15 days ago, recent 5
	op, err := f.s.Operations.ReprocessRequests(f.as(f.admin), entitled.BulkReprocess{Filter: "state eq 'partiallyDelivered'"})
	mustOK(t, err)
	got := f.runOperation(op, f.admin)
	if got.Reprocessed != 1 || len(got.Refused) != 1 || got.Refused[0].ID != old.ID ||
		got.Refused[0].Code != entitled.CodeReprocessWindowPassed {
		t.Fatalf("operation %+v", got)
	}
	f.wantState(recent.ID, entitled.StateDelivering)
	f.wantState(old.ID, entitled.StatePartiallyDelivered)
}

// A run interrupted after its first batch resumes where it stopped; a
// request is reprocessed once per operation, even when it fails again
// before the operation ends, and a second run of a finished operation does
// nothing.
func TestBulkReprocessResumesOnce(t *testing.T) {
	f := newLC(t)
	rs := []*entitled.AssignmentRequest{f.partial(f.alice), f.partial(f.bob), f.partial(f.manager)}
	f.s.Operations.batch = 1
	op, err := f.s.Operations.ReprocessRequests(f.as(f.admin), entitled.BulkReprocess{Filter: "state eq 'partiallyDelivered'"})
	mustOK(t, err)
	more, err := f.s.Operations.runBatch(context.Background(), op.ID) // then the process dies
	mustOK(t, err)
	if !more {
		t.Fatal("first batch reports the end")
	}
	mid, err := f.s.Operations.Operation(f.as(f.admin), op.ID)
	mustOK(t, err)
	if mid.Status != entitled.OperationRunning || mid.Reprocessed != 1 {
		t.Fatalf("after one batch: %+v", mid)
	}
	// The reprocessed request fails again before the operation resumes.
	f.deliverAll(func(int, entitled.Job) error { return entitled.PermanentErrorf("still down") })
	got := f.runOperation(op, f.admin)
	got = f.runOperation(op, f.admin) // the job runs once more (a rescue)
	if got.Status != entitled.OperationSucceeded || got.Reprocessed != 3 || len(got.Refused) != 0 {
		t.Fatalf("operation %+v", got)
	}
	for _, r := range rs {
		if n := f.reprocessAudits(r.ID); n != 1 {
			t.Fatalf("request %s reprocessed %d times", r.ID, n)
		}
	}
	if jobs := f.jobs(entitled.JobDeliver); len(jobs) != 2*3+3 {
		t.Fatalf("deliver jobs: %d", len(jobs))
	}
}

// system narrows to requests with a failed delivery to that system, by id
// or name; bad input is a 400 naming the field.
func TestBulkReprocessBySystem(t *testing.T) {
	f := newLC(t)
	r := f.partial(f.alice)
	var failedSys, okSys string
	for _, d := range f.deliveries(r.ID) {
		if d.Status == entitled.DeliveryFailed {
			failedSys = d.SystemID
		} else {
			okSys = d.SystemID
		}
	}
	ctx := f.as(f.admin)
	for sys, want := range map[string]int{failedSys: 1, okSys: 0} {
		n, err := f.s.Operations.CountReprocessable(ctx, entitled.BulkReprocess{SystemID: sys})
		if err != nil || n != want {
			t.Fatalf("system %s: %d, %v; want %d", sys, n, err, want)
		}
	}
	var name string
	mustOK(t, f.s.db.tQueryRow(`SELECT name FROM systems WHERE id = ?`, failedSys).Scan(&name))
	op, err := f.s.Operations.ReprocessRequests(ctx, entitled.BulkReprocess{Filter: "state eq 'partiallyDelivered'", SystemID: name})
	mustOK(t, err)
	if op.Total != 1 || op.SystemID != failedSys {
		t.Fatalf("operation %+v", op)
	}
	for _, tc := range []struct {
		b      entitled.BulkReprocess
		target string
	}{
		{entitled.BulkReprocess{}, "filter"},
		{entitled.BulkReprocess{Filter: "state eq"}, "filter"},
		{entitled.BulkReprocess{Filter: "colour eq 'red'"}, "filter"},
		{entitled.BulkReprocess{Filter: "state eq 'deliveryFailed'", SystemID: "nope"}, "system"},
	} {
		e := wantCode(t, errOf(f.s.Operations.ReprocessRequests(ctx, tc.b)), entitled.KindInvalid, "")
		if e.Target != tc.target {
			t.Errorf("%+v: target %q, want %q (%s)", tc.b, e.Target, tc.target, e.Message)
		}
	}
}

// An operation whose stored caller cannot be read fails, saying why,
// instead of retrying for ever; its requests are left alone.
func TestBulkReprocessFailsWithoutItsCaller(t *testing.T) {
	f := newLC(t)
	r := f.partial(f.alice)
	op, err := f.s.Operations.ReprocessRequests(f.as(f.admin), entitled.BulkReprocess{Filter: "state eq 'partiallyDelivered'"})
	mustOK(t, err)
	f.exec(`UPDATE operations SET actor = 'not json' WHERE id = ?`, op.ID)
	got := f.runOperation(op, f.admin)
	if got.Status != entitled.OperationFailed || got.Error == "" || got.CompletedDateTime == nil || got.Reprocessed != 0 {
		t.Fatalf("operation %+v", got)
	}
	f.wantState(r.ID, entitled.StatePartiallyDelivered)
}
