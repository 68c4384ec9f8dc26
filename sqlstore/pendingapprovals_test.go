package sqlstore

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// pendingFor runs pendingApprovalsFor for a user.
func (f *lc) pendingFor(u *entitled.User) ([]string, error) {
	var ids []string
	err := f.s.db.read(context.Background(), func(t *tx) error {
		var err error
		ids, err = t.pendingApprovalsFor(context.Background(), u.ID)
		return err
	})
	return ids, err
}

// wantPending checks which requests each user may decide now.
func (f *lc) wantPending(want map[*entitled.User][]string) {
	f.t.Helper()
	for u, w := range want {
		got, err := f.pendingFor(u)
		f.must(err)
		slices.Sort(got)
		slices.Sort(w)
		if !slices.Equal(got, w) && len(got)+len(w) > 0 {
			f.t.Errorf("pending approvals of %s: %v, want %v", u.UserPrincipalName, got, w)
		}
	}
}

// TestPendingApprovalsFor: a user is offered the requests whose stage in
// progress names them directly, through a group, or as the target's
// manager at the stage's level, and fallback approvers only when the
// primary ones name nobody; never their own request.
func TestPendingApprovalsFor(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.alice)
	f.wantPending(map[*entitled.User][]string{f.approver: {r.ID}, f.bob: nil, f.big: nil, f.manager: nil, f.alice: nil})
	st := f.stages(f.as(f.approver), r.ID)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", ""))
	f.wantPending(map[*entitled.User][]string{f.approver: nil, f.bob: {r.ID}, f.big: nil})
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.bob), r.ID, st[1].ID, "Approve", "ok"))
	f.wantPending(map[*entitled.User][]string{f.approver: nil, f.bob: nil, f.big: {r.ID}, f.manager: nil})

	// The target's manager, else the fallback approver: bob has no manager.
	fallback := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{
			{PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectRequestorManager, ManagerLevel: 1}},
				FallbackPrimaryApprovers:      []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.approver.ID}},
				DurationBeforeAutomaticDenial: time.Hour}}}
	})
	rb := f.mustAdd(entitled.RequestUserAdd, fallback, f.bob)
	f.wantPending(map[*entitled.User][]string{f.approver: {rb.ID}, f.manager: nil, f.big: {r.ID}})
}

// TestPendingApprovalsPolicyError: a policy that cannot be read is an
// error, not a request silently left out of the approver's list.
func TestPendingApprovalsPolicyError(t *testing.T) {
	f := newLC(t)
	pol := f.threeStages(nil)
	f.mustAdd(entitled.RequestUserAdd, pol, f.alice)
	f.exec(`UPDATE policies SET settings = ? WHERE id = ?`, "not json", pol)
	if _, err := f.pendingFor(f.approver); err == nil {
		t.Fatal("pendingApprovalsFor read past a policy it could not load")
	}
}
