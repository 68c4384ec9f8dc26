package sqlstore

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestPolicyTurnsAssignmentMailOff: under a policy whose
// notificationSettings turn assignment notifications off, the requester's
// notices (approved, partially delivered) no longer apply, while the
// stage's approvers and the catalog's managers are told as before; the
// setting survives a reload of the policy.
func TestPolicyTurnsAssignmentMailOff(t *testing.T) {
	f := newLC(t)
	quiet := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.IsAssignmentNotificationDisabled = true
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{{
			PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.approver.ID}}}}}
	})
	if p, err := f.s.Policies.Policy(f.sys, quiet); err != nil || !p.IsAssignmentNotificationDisabled {
		t.Fatalf("policy read back: %+v, %v; want assignment notifications off", p, err)
	}
	r := f.mustAdd(entitled.RequestUserAdd, quiet, f.alice)
	ask, err := f.s.Notifications.NoticeFacts(f.sys, f.noticeOf(r.ID, entitled.NoticeApprovalPending))
	f.must(err)
	if got := recipientIDs(ask); len(got) != 1 || got[0] != f.approver.ID {
		t.Errorf("approvers asked: %v, want the approver", got)
	}
	stages, err := f.s.Approvals.ApprovalStages(f.as(f.approver), r.ID)
	f.must(err)
	f.must(f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, stages[0].ID, entitled.ReviewApprove, "fine"))
	if _, err := f.s.Notifications.NoticeFacts(f.sys, f.noticeOf(r.ID, entitled.NoticeApproved)); entitled.AsError(err).Code != entitled.CodeStale {
		t.Errorf("requester's approved notice under a quiet policy: err %v, want Stale", err)
	}
	f.deliverAll(failAt(1, "no such user in mail"))
	f.wantState(r.ID, entitled.StatePartiallyDelivered)
	if _, err := f.s.Notifications.NoticeFacts(f.sys, f.noticeOf(r.ID, entitled.NoticePartiallyDelivered)); entitled.AsError(err).Code != entitled.CodeStale {
		t.Errorf("requester's partial-delivery notice under a quiet policy: err %v, want Stale", err)
	}
	mgr, err := f.s.Notifications.NoticeFacts(f.sys, f.noticeOf(r.ID, entitled.NoticeManagersFailed))
	f.must(err)
	if got := recipientIDs(mgr); len(got) != 1 || got[0] != f.admin.ID {
		t.Errorf("managers told: %v, want the assignment manager", got)
	}

	// The same request under a policy that keeps them on tells alice.
	loud := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{{
			PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.approver.ID}}}}}
	})
	r2 := f.mustAdd(entitled.RequestUserAdd, loud, f.bob)
	stages, err = f.s.Approvals.ApprovalStages(f.as(f.approver), r2.ID)
	f.must(err)
	f.must(f.s.Approvals.DecideApprovalStage(f.as(f.approver), r2.ID, stages[0].ID, entitled.ReviewApprove, "fine"))
	told, err := f.s.Notifications.NoticeFacts(f.sys, f.noticeOf(r2.ID, entitled.NoticeApproved))
	f.must(err)
	if got := recipientIDs(told); len(got) != 1 || got[0] != f.bob.ID {
		t.Errorf("approved told %v, want bob", got)
	}
}
