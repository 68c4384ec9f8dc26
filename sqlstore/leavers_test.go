package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestLeaverLosesAccess: disabling a user's account cancels their request
// pending approval and removes their delivered assignment through a
// systemRemove request that revokes every granted role; the removal is
// delivered like any other, and the assignment ends.
func TestLeaverLosesAccess(t *testing.T) {
	f := newLC(t)
	delivered := f.mustAddDelivered(entitled.RequestUserAdd, f.policy, f.alice)
	approval := f.approvalPolicy(approvedBy(f.approver))
	// A second package, so alice can have a pending request beside her assignment.
	f.exec(`UPDATE policies SET access_package_id = ? WHERE id = ?`, f.otherPackage(), approval)
	pending := f.mustAdd(entitled.RequestUserAdd, approval, f.alice)
	f.wantState(pending.ID, entitled.StatePendingApproval)
	// bob's access is not touched.
	bobs := f.mustAdd(entitled.RequestUserAdd, f.policy, f.bob)
	f.deliverAll(ok)

	off := false
	_, err := f.s.Users.UpdateUser(f.sys, f.alice.ID, entitled.UserUpdate{AccountEnabled: &off})
	mustOK(t, err)

	f.wantState(pending.ID, entitled.StateCanceled)
	removals := f.requestsOf(f.alice.ID, entitled.RequestSystemRemove)
	if len(removals) != 1 || removals[0].AssignmentID != delivered.AssignmentID || !strings.Contains(removals[0].Justification, "left") {
		t.Fatalf("removals of the leaver: %+v", removals)
	}
	ds := f.deliveries(removals[0].ID)
	if len(ds) != 2 || ds[0].Action != entitled.ActionRevoke || ds[1].Action != entitled.ActionRevoke {
		t.Fatalf("the removal should revoke both roles: %+v", ds)
	}
	f.deliverAll(ok)
	f.wantState(removals[0].ID, entitled.StateDelivered)
	if a := f.assignment(delivered.AssignmentID); a.State != entitled.AssignmentExpired {
		t.Fatalf("leaver's assignment is %s, want expired", a.State)
	}
	if a := f.assignment(bobs.AssignmentID); a.State != entitled.AssignmentDelivered {
		t.Fatalf("bob's assignment is %s, want delivered", a.State)
	}
	// Disabling again (already disabled) starts nothing new; enabling
	// does not give access back.
	_, err = f.s.Users.UpdateUser(f.sys, f.alice.ID, entitled.UserUpdate{AccountEnabled: &off})
	mustOK(t, err)
	if n := len(f.requestsOf(f.alice.ID, entitled.RequestSystemRemove)); n != 1 {
		t.Fatalf("a second disable made %d removals", n)
	}
}

// TestLeaverRemovalReprocessable: a leaver's removal that fails is
// reprocessed like any removal.
func TestLeaverRemovalReprocessable(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	f.deliverAll(ok)
	off := false
	_, err := f.s.Users.UpdateUser(f.sys, f.alice.ID, entitled.UserUpdate{AccountEnabled: &off})
	mustOK(t, err)
	rm := f.requestsOf(f.alice.ID, entitled.RequestSystemRemove)[0]
	f.deliverAll(func(int, entitled.Job) error { return entitled.PermanentErrorf("LDAP refused") })
	f.wantState(rm.ID, entitled.StateDeliveryFailed)
	mustOK(t, f.s.Requests.ReprocessRequest(f.as(f.admin), rm.ID))
	f.deliverAll(ok)
	f.wantState(rm.ID, entitled.StateDelivered)
	if a := f.assignment(r.AssignmentID); a.State != entitled.AssignmentExpired {
		t.Fatalf("assignment after the reprocessed removal: %s", a.State)
	}
}

// otherPackage stores a second access package with the fixture's scopes'
// roles and returns its id.
func (f *lc) otherPackage() string {
	id := newID()
	ts := fmtTime(f.now)
	f.exec(`INSERT INTO access_packages (id, catalog_id, display_name, created_at, modified_at) VALUES (?,?,?,?,?)`,
		id, f.catalog, "ERP", ts, ts)
	f.exec(`INSERT INTO resource_role_scopes (id, access_package_id, resource_role_id, resource_id, created_at)
		SELECT ?, ?, resource_role_id, resource_id, created_at FROM resource_role_scopes WHERE id = ?`, newID(), id, f.scopes[0])
	return id
}

// requestsOf lists the requests of a type for a target.
func (f *lc) requestsOf(targetID string, typ entitled.RequestType) []entitled.AssignmentRequest {
	f.t.Helper()
	ids := f.column(`SELECT id FROM assignment_requests WHERE target_id = ? AND request_type = ? ORDER BY created_at, id`,
		targetID, string(typ))
	out := make([]entitled.AssignmentRequest, len(ids))
	for i, id := range ids {
		out[i] = *f.request(id)
	}
	return out
}

// TestExternalID: a user's externalId is stored, filterable and unique.
func TestExternalID(t *testing.T) {
	s, sys := newTestStore(t)
	u := &entitled.User{UserPrincipalName: "ext@example.com", AccountEnabled: true, ExternalID: "idp-1"}
	mustOK(t, s.Users.CreateUser(sys, u))
	page, err := s.Users.Users(sys, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "externalId", Value: "idp-1"}})
	mustOK(t, err)
	if len(page.Items) != 1 || page.Items[0].ID != u.ID || page.Items[0].ExternalID != "idp-1" {
		t.Fatalf("filter by externalId: %+v", page.Items)
	}
	wantKind(t, s.Users.CreateUser(sys, &entitled.User{UserPrincipalName: "other@example.com", ExternalID: "idp-1"}), entitled.KindConflict)
	other := mustUser(t, s, sys, "other@example.com")
	taken := "idp-1"
	_, err = s.Users.UpdateUser(sys, other.ID, entitled.UserUpdate{ExternalID: &taken})
	wantKind(t, err, entitled.KindConflict)
	mine := "idp-2"
	got, err := s.Users.UpdateUser(sys, other.ID, entitled.UserUpdate{ExternalID: &mine})
	mustOK(t, err)
	if got.ExternalID != "idp-2" {
		t.Fatalf("externalId after update: %q", got.ExternalID)
	}
}

// TestSCIMToken: a SCIM-scoped token authenticates an actor that may manage
// users and nothing else; an unknown scope is refused.
func TestSCIMToken(t *testing.T) {
	s, sys := newTestStore(t)
	admin := mustUser(t, s, sys, "admin@example.com")
	mustOK(t, s.Roles.CreateRoleAssignment(sys, true, &entitled.RoleAssignment{PrincipalID: admin.ID,
		RoleDefinitionID: entitled.RoleGlobalAdministrator, DirectoryScopeID: "/"}))
	secret, tok, err := s.Tokens.CreateToken(sys, entitled.TokenRequest{User: admin.ID, Scope: entitled.TokenScopeSCIM})
	mustOK(t, err)
	if tok.Scope != entitled.TokenScopeSCIM {
		t.Fatalf("token scope %q", tok.Scope)
	}
	a, got, err := s.Tokens.AuthenticateToken(context.Background(), secret)
	mustOK(t, err)
	if a.Scope != entitled.TokenScopeSCIM || got.Scope != entitled.TokenScopeSCIM {
		t.Fatalf("authenticated scope: actor %q token %q", a.Scope, got.Scope)
	}
	ctx := entitled.NewContext(context.Background(), a)
	mustOK(t, s.Users.CreateUser(ctx, &entitled.User{UserPrincipalName: "new@example.com", AccountEnabled: true}))
	wantKind(t, s.Catalogs.CreateCatalog(ctx, &entitled.Catalog{DisplayName: "no"}), entitled.KindForbidden)
	_, _, err = s.Tokens.CreateToken(sys, entitled.TokenRequest{User: admin.ID, Scope: "everything"})
	wantKind(t, err, entitled.KindInvalid)
}

// TestMoverManagerApprovals: when a requestor's manager changes, their
// pending "requestor's manager" stage asks the new manager; the old one
// may no longer decide.
func TestMoverManagerApprovals(t *testing.T) {
	f := newLC(t)
	p := f.approvalPolicy(entitled.ApprovalStage{
		PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectRequestorManager, ManagerLevel: 1}}})
	r := f.mustAdd(entitled.RequestUserAdd, p, f.alice)
	st := f.stages(f.sys, r.ID)
	pendingNotices := func() int {
		n := 0
		for _, j := range f.jobs(entitled.JobNotify) {
			if j.Notice != nil && j.Notice.RequestID == r.ID && j.Notice.Event == entitled.NoticeApprovalPending {
				n++
			}
		}
		return n
	}
	before := pendingNotices()
	mustOK(t, f.s.Users.SetManager(f.sys, f.alice.ID, f.approver.ID))
	// The new manager is told, through a new approvalPending notice.
	if got := pendingNotices(); got != before+1 {
		t.Fatalf("approvalPending notices after the manager change: %d, want %d", got, before+1)
	}
	wantKind(t, f.s.Approvals.DecideApprovalStage(f.as(f.manager), r.ID, st[0].ID, "Approve", ""), entitled.KindForbidden)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", ""))
	f.wantState(r.ID, entitled.StateDelivering)
}

// TestLeaverGracePeriod: with a grace period, disabling a user queues a
// leaver job for its end and removes nothing yet; the job removes their
// access once due, and does nothing for a user enabled again meanwhile.
func TestLeaverGracePeriod(t *testing.T) {
	f := newLC(t)
	f.s = withConfig(t, f.s, func(c *Config) { c.LeaverGrace = 24 * time.Hour })
	r := f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	f.deliverAll(ok)
	b := f.mustAdd(entitled.RequestUserAdd, f.policy, f.bob)
	f.deliverAll(ok)
	off, on := false, true
	for _, u := range []*entitled.User{f.alice, f.bob} {
		_, err := f.s.Users.UpdateUser(f.sys, u.ID, entitled.UserUpdate{AccountEnabled: &off})
		mustOK(t, err)
	}
	if n := len(f.requestsOf(f.alice.ID, entitled.RequestSystemRemove)); n != 0 {
		t.Fatalf("removals within the grace period: %d", n)
	}
	jobs := f.jobs(entitled.JobLeaver)
	if len(jobs) != 2 || jobs[0].UserID != f.alice.ID || !jobs[0].RunAt.Equal(f.now.Add(24*time.Hour)) {
		t.Fatalf("leaver jobs: %+v", jobs)
	}
	// bob comes back within the period.
	_, err := f.s.Users.UpdateUser(f.sys, f.bob.ID, entitled.UserUpdate{AccountEnabled: &on})
	mustOK(t, err)
	// Too early: nothing.
	mustOK(t, f.s.Deliveries.RemoveLeaverAccess(context.Background(), f.alice.ID))
	if n := len(f.requestsOf(f.alice.ID, entitled.RequestSystemRemove)); n != 0 {
		t.Fatalf("removals before the grace period ended: %d", n)
	}
	f.now = f.now.Add(24 * time.Hour)
	mustOK(t, f.s.Deliveries.RemoveLeaverAccess(context.Background(), f.alice.ID))
	mustOK(t, f.s.Deliveries.RemoveLeaverAccess(context.Background(), f.bob.ID))
	rms := f.requestsOf(f.alice.ID, entitled.RequestSystemRemove)
	if len(rms) != 1 || rms[0].AssignmentID != r.AssignmentID {
		t.Fatalf("alice's removals after the grace period: %+v", rms)
	}
	if n := len(f.requestsOf(f.bob.ID, entitled.RequestSystemRemove)); n != 0 {
		t.Fatalf("bob, enabled again, lost access: %d removals", n)
	}
	if a := f.assignment(b.AssignmentID); a.State != entitled.AssignmentDelivered {
		t.Fatalf("bob's assignment: %s", a.State)
	}
	// A job run twice removes nothing more.
	mustOK(t, f.s.Deliveries.RemoveLeaverAccess(context.Background(), f.alice.ID))
	if n := len(f.requestsOf(f.alice.ID, entitled.RequestSystemRemove)); n != 1 {
		t.Fatalf("a second run made %d removals", n)
	}
}
