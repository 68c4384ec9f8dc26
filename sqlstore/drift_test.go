package sqlstore

import (
	"context"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/connectors/directory"
)

// driftFixture is the lifecycle fixture with its "crm" system made the
// built-in directory (the real directory connector over the store), whose
// resource is the group "Approvers" (bob is a member, not by entitled), and
// alice's request for the package delivered — in the store only: the
// recording queue runs no connector, so the group lacks her.
func driftFixture(t *testing.T) (*lc, string) {
	t.Helper()
	db := openTestDB(t)
	s := newServices(t, db, Config{Connectors: connectors.NewRegistry(directory.NewKind(NewMembership(db)))})
	f := setupLC(t, s, entitled.NewContext(context.Background(), entitled.SystemActor))
	crm := f.systems[0]
	f.exec(`UPDATE systems SET kind = 'directory', config = '{}' WHERE id = ?`, crm)
	f.exec(`UPDATE resources SET origin_id = ? WHERE system_id = ?`, f.group, crm)
	f.exec(`UPDATE resource_roles SET origin_id = ? WHERE resource_id IN (SELECT id FROM resources WHERE system_id = ?)`,
		directory.RoleOriginID(f.group), crm)
	f.mustAddDelivered(entitled.RequestUserAdd, f.policy, f.alice)
	return f, crm
}

// TestReconcileFindsMissingAndUnmanaged: alice (granted, absent from the
// group) is missing and repaired through a new adminUpdate request on her
// assignment with one grant delivery, audited as a drift repair; bob (in
// the group, no assignment) is unmanaged, reported and named. The
// findings replace the previous run's.
func TestReconcileFindsMissingAndUnmanaged(t *testing.T) {
	f, crm := driftFixture(t)
	ctx := f.sys
	sum, err := f.s.Drift.reconcileClaimed(ctx, entitled.SystemActor, crm, false, time.Hour)
	f.must(err)
	if sum.Managed != 1 || sum.Missing != 1 || sum.Unmanaged != 1 || sum.Repaired != 1 || sum.Removed != 0 {
		t.Fatalf("summary %+v", sum)
	}
	fs, err := f.s.Drift.Drift(ctx, crm)
	f.must(err)
	if len(fs) != 2 {
		t.Fatalf("findings %+v, want 2", fs)
	}
	miss, strange := fs[0], fs[1]
	if miss.Kind != entitled.DriftMissing || miss.User.ID != f.alice.ID || miss.User.PrincipalName != f.alice.UserPrincipalName ||
		miss.Action != entitled.DriftRepaired || miss.AssignmentID == "" {
		t.Errorf("missing finding %+v", miss)
	}
	if strange.Kind != entitled.DriftUnmanaged || strange.User.ID != f.bob.ID || strange.User.TargetID != f.bob.ID ||
		strange.Action != entitled.DriftReported {
		t.Errorf("unmanaged finding %+v", strange)
	}
	jobs := f.newDeliverJobs()
	if len(jobs) != 1 || jobs[0].AssignmentID != miss.AssignmentID || jobs[0].SystemID != crm {
		t.Fatalf("repair jobs %+v, want one delivery to the directory on alice's assignment", jobs)
	}
	var typ, activity string
	f.must(f.s.db.tQueryRow(`SELECT request_type FROM assignment_requests WHERE id = ?`, jobs[0].RequestID).Scan(&typ))
	f.must(f.s.db.tQueryRow(`SELECT activity_display_name FROM audit_events WHERE target_id = ? ORDER BY activity_date_time DESC, id DESC`,
		jobs[0].RequestID).Scan(&activity))
	if typ != string(entitled.RequestAdminUpdate) || activity != "Repair access package assignment (drift)" {
		t.Errorf("repair request %s audited %q", typ, activity)
	}

	// Delivered for real, and bob removed by an administrator: the next
	// run finds nothing, and its findings replace the previous ones.
	f.must(f.s.Membership.GrantMembership(ctx, f.group, f.alice.ID))
	f.attempt(jobs[0], nil, true)
	f.must(f.s.Drift.RevokeFinding(ctx, crm, strange.ID))
	if _, err := f.s.Drift.reconcileClaimed(ctx, entitled.SystemActor, crm, false, time.Hour); err != nil {
		t.Fatal(err)
	}
	fs, err = f.s.Drift.Drift(ctx, crm)
	if err != nil || len(fs) != 0 {
		t.Fatalf("after repair and revoke: findings %+v, %v", fs, err)
	}
}

// TestReconcileClaims: one reconciliation of a system at a time, across
// replicas; the periodic run waits for the system's interval.
func TestReconcileClaims(t *testing.T) {
	f, crm := driftFixture(t)
	ctx := context.Background()
	d := f.s.Drift
	other := withConfig(t, f.s, func(*Config) {}).Drift // another replica
	for i, step := range []struct {
		d         *DriftService
		due, want bool
	}{{d, false, true}, {other, false, false}, {d, true, false}} {
		got, err := step.d.claim(ctx, crm, step.due, time.Hour)
		if err != nil || got != step.want {
			t.Fatalf("claim %d: %v, %v; want %v", i, got, err, step.want)
		}
	}
	if _, err := other.reconcileClaimed(f.sys, entitled.SystemActor, crm, false, time.Hour); entitled.ErrorKind(err) != entitled.KindConflict {
		t.Fatalf("reconcile while claimed: %v, want a 409", err)
	}
	f.must(d.release(ctx, crm, entitled.DefaultReconcileInterval))
	if got, _ := other.claim(ctx, crm, true, time.Hour); got {
		t.Fatal("the periodic run claimed a system reconciled just now")
	}
	if got, _ := other.claim(ctx, crm, false, time.Hour); !got {
		t.Fatal("reconcile now could not claim a released system")
	}
}

// TestReconcileRefusesNonListers: a webhook system cannot list members; a
// reconciliation of it is a 400 naming why.
func TestReconcileRefusesNonListers(t *testing.T) {
	f, _ := driftFixture(t)
	_, err := f.s.Drift.Reconcile(f.sys, "mail")
	wantCode(t, err, entitled.KindInvalid, entitled.CodeBadRequest)
	_, err = f.s.Drift.Reconcile(f.sys, "nope")
	wantCode(t, err, entitled.KindNotFound, entitled.CodeNotFound)
}

// TestReconcileDue: the periodic run reconciles a system one interval
// after it first sees it, then once per interval; a system whose
// config.reconcile.interval is off, and one whose kind cannot list
// members, never.
func TestReconcileDue(t *testing.T) {
	f, crm := driftFixture(t)
	ctx := context.Background()
	f.exec(`UPDATE systems SET config = '{"reconcile":{"interval":"PT10M","missing":"report"}}' WHERE id = ?`, crm)
	runs := func() int {
		var n int
		f.must(f.s.db.tQueryRow(`SELECT COUNT(*) FROM audit_events WHERE activity_display_name = 'Reconcile connected system'`).Scan(&n))
		return n
	}
	f.must(f.s.Drift.ReconcileDue(ctx))
	if runs() != 0 {
		t.Fatal("reconciled at once a system first seen now")
	}
	f.now = f.now.Add(11 * time.Minute)
	f.must(f.s.Drift.ReconcileDue(ctx))
	if runs() != 1 {
		t.Fatalf("%d runs after the interval, want 1", runs())
	}
	fs, err := f.s.Drift.Drift(f.sys, crm)
	f.must(err)
	if len(fs) != 2 || fs[0].Action != entitled.DriftReported {
		t.Fatalf("findings %+v, want alice missing (reported, missing: report) and bob", fs)
	}
	f.now = f.now.Add(5 * time.Minute)
	f.must(f.s.Drift.ReconcileDue(ctx))
	if runs() != 1 {
		t.Fatal("reconciled again within the interval")
	}
	f.exec(`UPDATE systems SET config = '{"reconcile":{"interval":"off"}}' WHERE id = ?`, crm)
	f.now = f.now.Add(time.Hour)
	f.must(f.s.Drift.ReconcileDue(ctx))
	if runs() != 1 {
		t.Fatal("reconciled a system whose interval is off")
	}
	var n int
	f.must(f.s.db.tQueryRow(`SELECT COUNT(*) FROM reconcile_schedule WHERE system_id = ?`, f.systems[1]).Scan(&n))
	if n != 0 {
		t.Fatal("the webhook system was scheduled")
	}
}

// TestRemoveSparesFreshGrants: an unmanaged membership whose user entitled
// started granting the role since the run began is not removed (409).
func TestRemoveSparesFreshGrants(t *testing.T) {
	f, crm := driftFixture(t)
	ctx := context.Background()
	var res, role string
	f.must(f.s.db.tQueryRow(`SELECT dt.resource_origin_id, dt.role_origin_id FROM `+deliveriesFrom+` WHERE d.system_id = ?`, crm).Scan(&res, &role))
	fd := &entitled.DriftFinding{SystemID: crm, Resource: entitled.ResourceRef{OriginID: res}, Role: entitled.ResourceRoleRef{OriginID: role},
		User: entitled.DriftUser{ID: f.alice.ID}}
	if err := f.s.Drift.grantedSince(ctx, fd, f.now.Add(-time.Minute)); entitled.ErrorKind(err) != entitled.KindConflict {
		t.Fatalf("granted during the run: %v, want a 409", err)
	}
	if err := f.s.Drift.grantedSince(ctx, fd, f.now.Add(time.Minute)); err != nil {
		t.Fatalf("granted before the run: %v", err)
	}
	fd.User.ID = f.bob.ID
	if err := f.s.Drift.grantedSince(ctx, fd, f.now.Add(-time.Minute)); err != nil {
		t.Fatalf("never granted: %v", err)
	}
}
