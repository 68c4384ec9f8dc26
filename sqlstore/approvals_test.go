package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// threeStages returns a policy approved by a single user, then a group's
// members, then the requestor's manager's manager.
func (f *lc) threeStages(mutate func(p *entitled.AssignmentPolicy)) string {
	return f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{
			{PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.approver.ID}},
				DurationBeforeAutomaticDenial: 24 * time.Hour},
			{PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectGroupMembers, GroupID: f.group}},
				IsApproverJustificationRequired: true},
			{PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectRequestorManager, ManagerLevel: 2}}},
		}}
		if mutate != nil {
			mutate(p)
		}
	})
}

func (f *lc) stages(ctx context.Context, requestID string) []entitled.ApprovalStageRecord {
	f.t.Helper()
	st, err := f.s.Approvals.ApprovalStages(ctx, requestID)
	f.must(err)
	return st
}

func TestApprovalThreeStages(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.alice)
	if r.State != entitled.StatePendingApproval || r.Status != "PendingApproval" || r.AssignmentID != "" {
		t.Fatalf("request %+v", r)
	}
	if len(f.newDeliverJobs()) != 0 {
		t.Fatal("delivery before approval")
	}
	st := f.stages(f.as(f.approver), r.ID)
	if len(st) != 3 || st[0].Status != entitled.StageInProgress || st[1].Status != entitled.StageNotStarted ||
		!st[0].AssignedToMe || st[1].AssignedToMe {
		t.Fatalf("stages: %+v", st)
	}
	if st[0].DueDateTime == nil || !st[0].DueDateTime.Equal(f.now.Add(24*time.Hour)) {
		t.Fatalf("due: %v", st[0].DueDateTime)
	}
	to := f.jobs(entitled.JobApprovalTimeout)
	if len(to) != 1 || to[0].StageID != st[0].ID || !to[0].RunAt.Equal(f.now.Add(24*time.Hour)) {
		t.Fatalf("timeout jobs: %+v", to)
	}
	// The requestor sees the stages but cannot decide them.
	if mine := f.stages(f.as(f.alice), r.ID); mine[0].AssignedToMe {
		t.Fatal("stage assigned to its own requestor")
	}
	e := wantCode(t, f.s.Approvals.DecideApprovalStage(f.as(f.alice), r.ID, st[0].ID, "Approve", ""), entitled.KindForbidden, "")
	if !strings.Contains(e.Message, "your own request") {
		t.Fatalf("message: %s", e.Message)
	}
	// Someone who is not named, even an administrator, cannot decide.
	wantKind(t, f.s.Approvals.DecideApprovalStage(f.as(f.bob), r.ID, st[0].ID, "Approve", ""), entitled.KindForbidden)
	wantKind(t, f.s.Approvals.DecideApprovalStage(f.as(f.admin), r.ID, st[0].ID, "Approve", ""), entitled.KindForbidden)
	wantKind(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "maybe", ""), entitled.KindInvalid)
	wantKind(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, "nope", "Approve", ""), entitled.KindNotFound)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "approve", "ok"))
	wantCode(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", ""), entitled.KindConflict, entitled.CodeAlreadyDecided)
	f.wantState(r.ID, entitled.StatePendingApproval)
	// Stage 2: bob, a member of the group; justification required.
	st = f.stages(f.as(f.bob), r.ID)
	if st[0].Status != entitled.StageCompleted || st[0].ReviewResult != entitled.ReviewApprove || st[0].ReviewedBy == nil ||
		st[0].ReviewedBy.UserID != f.approver.ID || st[1].Status != entitled.StageInProgress || !st[1].AssignedToMe {
		t.Fatalf("after stage 1: %+v", st)
	}
	wantCode(t, f.s.Approvals.DecideApprovalStage(f.as(f.bob), r.ID, st[1].ID, "Approve", " "), entitled.KindInvalid, entitled.CodeBadRequest)
	// An approver of stage 2 cannot decide stage 3 before it starts.
	wantKind(t, f.s.Approvals.DecideApprovalStage(f.as(f.big), r.ID, st[2].ID, "Approve", ""), entitled.KindConflict)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.bob), r.ID, st[1].ID, "Approve", "needed for sales"))
	// Stage 3: the manager's manager (level 2), not the direct manager.
	wantKind(t, f.s.Approvals.DecideApprovalStage(f.as(f.manager), r.ID, st[2].ID, "Approve", ""), entitled.KindForbidden)
	page, err := f.s.Requests.Requests(f.as(f.big), entitled.RequestQuery{FilterByCurrentUser: entitled.OnApprover})
	mustOK(t, err)
	if len(page.Items) != 1 || page.Items[0].ID != r.ID {
		t.Fatalf("approver's pending list: %+v", page.Items)
	}
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.big), r.ID, st[2].ID, "Approve", ""))
	got := f.wantState(r.ID, entitled.StateDelivering)
	if got.AssignmentID == "" || len(f.newDeliverJobs()) != 2 {
		t.Fatal("approval did not start delivery")
	}
	page, err = f.s.Requests.Requests(f.as(f.big), entitled.RequestQuery{FilterByCurrentUser: entitled.OnApprover})
	mustOK(t, err)
	if len(page.Items) != 0 {
		t.Fatalf("decided request still pending for approver: %+v", page.Items)
	}
	// The approver still sees the request they decided.
	if _, err := f.s.Requests.Request(f.as(f.approver), r.ID); err != nil {
		t.Fatalf("approver cannot read the request: %v", err)
	}
}

func TestApprovalDeny(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.alice)
	st := f.stages(f.sys, r.ID)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "DENY", "no"))
	got := f.wantState(r.ID, entitled.StateDenied)
	if got.CompletedDateTime == nil {
		t.Fatal("completedDateTime not set")
	}
	if len(f.newDeliverJobs()) != 0 {
		t.Fatal("denied request delivered")
	}
	wantCode(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", ""), entitled.KindConflict, entitled.CodeAlreadyDecided)
	// The user may request again after a denial.
	f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	states := f.auditStates(r.ID)
	if len(states) != 2 || !strings.Contains(states[1], "denied") {
		t.Fatalf("audit: %v", states)
	}
}

func TestApprovalTimeout(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.alice)
	job := f.jobs(entitled.JobApprovalTimeout)[0]
	mustOK(t, f.s.Deliveries.TimeOutApprovalStage(context.Background(), job.RequestID, job.StageID))
	f.wantState(r.ID, entitled.StateDenied)
	if st := f.stages(f.sys, r.ID); st[0].Status != entitled.StageExpired {
		t.Fatalf("stage %s", st[0].Status)
	}
	// A time-out after a decision does nothing.
	r2 := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.bob)
	st := f.stages(f.sys, r2.ID)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r2.ID, st[0].ID, "Approve", ""))
	mustOK(t, f.s.Deliveries.TimeOutApprovalStage(context.Background(), r2.ID, st[0].ID))
	f.wantState(r2.ID, entitled.StatePendingApproval)
}

func TestApprovalManagerAndFallback(t *testing.T) {
	f := newLC(t)
	p := f.approvalPolicy(entitled.ApprovalStage{
		PrimaryApprovers:         []entitled.SubjectSet{{Type: entitled.SubjectRequestorManager, ManagerLevel: 1}},
		FallbackPrimaryApprovers: approvedBy(f.approver).PrimaryApprovers,
	})
	// alice has a manager: the manager approves, the fallback may not.
	r := f.mustAdd(entitled.RequestUserAdd, p, f.alice)
	st := f.stages(f.sys, r.ID)
	wantKind(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", ""), entitled.KindForbidden)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.manager), r.ID, st[0].ID, "Approve", ""))
	f.wantState(r.ID, entitled.StateDelivering)
	// bob has none: the fallback approver decides.
	r2 := f.mustAdd(entitled.RequestUserAdd, p, f.bob)
	st = f.stages(f.sys, r2.ID)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r2.ID, st[0].ID, "Approve", ""))
	f.wantState(r2.ID, entitled.StateDelivering)
}

// adminAdd never needs approval; approval-free self requests neither.
func TestAdminAddSkipsApproval(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestAdminAdd, f.threeStages(nil), f.alice)
	if r.State != entitled.StateDelivering {
		t.Fatalf("adminAdd state %s", r.State)
	}
}

// Canceling a request pending approval ends it; approvers can no longer act.
func TestCancelPendingApproval(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.alice)
	st := f.stages(f.sys, r.ID)
	mustOK(t, f.s.Requests.CancelRequest(f.as(f.alice), r.ID))
	f.wantState(r.ID, entitled.StateCanceled)
	wantCode(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", ""), entitled.KindConflict, entitled.CodeAlreadyDecided)
	mustOK(t, f.s.Deliveries.TimeOutApprovalStage(context.Background(), r.ID, st[0].ID))
	f.wantState(r.ID, entitled.StateCanceled)
}

// entitled.CheckNotOwnRequest: a requestor named as approver still cannot approve their own request.
func TestNoSelfApprovalEvenWhenNamed(t *testing.T) {
	f := newLC(t)
	p := f.approvalPolicy(approvedBy(f.alice, f.approver))
	r := f.mustAdd(entitled.RequestUserAdd, p, f.alice)
	st := f.stages(f.as(f.alice), r.ID)
	if st[0].AssignedToMe {
		t.Fatal("own request's stage assigned to the requestor")
	}
	e := wantCode(t, f.s.Approvals.DecideApprovalStage(f.as(f.alice), r.ID, st[0].ID, "Approve", ""), entitled.KindForbidden, "")
	if !strings.Contains(e.Message, "own request") {
		t.Fatalf("message: %s", e.Message)
	}
	page, err := f.s.Requests.Requests(f.as(f.alice), entitled.RequestQuery{FilterByCurrentUser: entitled.OnApprover})
	f.must(err)
	if len(page.Items) != 0 {
		t.Fatal("own request listed for approval")
	}
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", ""))
	f.wantState(r.ID, entitled.StateDelivering)
}
