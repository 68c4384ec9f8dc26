package sqlstore

import (
	"slices"
	"testing"

	"github.com/entitled-dev/entitled"
)

// noticeOf returns the last queued notice of an event for a request.
func (f *lc) noticeOf(requestID string, e entitled.NoticeEvent) entitled.Notice {
	f.t.Helper()
	var found *entitled.Notice
	for _, j := range f.jobs(entitled.JobNotify) {
		if j.Notice != nil && j.Notice.RequestID == requestID && j.Notice.Event == e {
			found = j.Notice
		}
	}
	if found == nil {
		f.t.Fatalf("no %s notice queued for request %s", e, requestID)
	}
	return *found
}

func recipientIDs(fs *entitled.NoticeFacts) []string {
	var ids []string
	for _, u := range fs.Recipients {
		ids = append(ids, u.ID)
	}
	return ids
}

// TestNoticeRecipients: the approvers of a stage are asked (never the
// target or requestor), the requester is told of the outcome, the
// catalog's managers of a failure with its failed resources and deadline;
// a follow-up whose stage was decided no longer applies.
func TestNoticeRecipients(t *testing.T) {
	f := newLC(t)
	// A stage whose approvers include the target herself and a group.
	approval := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{{
			PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.approver.ID},
				{Type: entitled.SubjectSingleUser, UserID: f.alice.ID}, {Type: entitled.SubjectGroupMembers, GroupID: f.group}},
			DurationBeforeAutomaticDenial: 48 * 3600e9}}}
	})
	r := f.mustAdd(entitled.RequestUserAdd, approval, f.alice)
	ask, err := f.s.Notifications.NoticeFacts(f.sys, f.noticeOf(r.ID, entitled.NoticeApprovalPending))
	f.must(err)
	if got := recipientIDs(ask); len(got) != 2 || !slices.Contains(got, f.approver.ID) || !slices.Contains(got, f.bob.ID) {
		t.Errorf("approvers asked: %v; want the approver and the group member bob, never alice (the target)", got)
	}
	if ask.PackageName != "CRM" || ask.CatalogName != "Sales" || ask.Target.ID != f.alice.ID || ask.Stage == nil || ask.Stage.DueDateTime == nil {
		t.Errorf("facts: %+v", ask)
	}
	reminder := f.noticeOf(r.ID, entitled.NoticeApprovalReminder)
	if !reminder.RunAt.Equal(f.now.Add(24 * 3600e9)) {
		t.Errorf("reminder due %s, want halfway to the automatic denial", reminder.RunAt)
	}
	stages, err := f.s.Approvals.ApprovalStages(f.as(f.approver), r.ID)
	f.must(err)
	f.must(f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, stages[0].ID, entitled.ReviewApprove, "fine"))
	if _, err := f.s.Notifications.NoticeFacts(f.sys, reminder); entitled.AsError(err).Code != entitled.CodeStale {
		t.Errorf("reminder of a decided stage: err %v, want Stale", err)
	}
	approved, err := f.s.Notifications.NoticeFacts(f.sys, f.noticeOf(r.ID, entitled.NoticeApproved))
	f.must(err)
	if got := recipientIDs(approved); len(got) != 1 || got[0] != f.alice.ID {
		t.Errorf("approved told %v, want alice only", got)
	}

	// A partial delivery tells the catalog's assignment manager, with the
	// failed resource and the deadline.
	f.deliverAll(failAt(1, "no such user in mail"))
	f.wantState(r.ID, entitled.StatePartiallyDelivered)
	mgr, err := f.s.Notifications.NoticeFacts(f.sys, f.noticeOf(r.ID, entitled.NoticeManagersFailed))
	f.must(err)
	if got := recipientIDs(mgr); len(got) != 1 || got[0] != f.admin.ID {
		t.Errorf("managers told: %v, want the assignment manager", got)
	}
	if len(mgr.Failed) != 1 || mgr.Failed[0].LastError == "" || !mgr.ReprocessDeadline.Equal(f.now.Add(entitled.DefaultReprocessWindow)) {
		t.Errorf("failure facts: %+v, deadline %s", mgr.Failed, mgr.ReprocessDeadline)
	}
	if n := f.noticeOf(r.ID, entitled.NoticeReprocessWindowPassed); !n.RunAt.Equal(mgr.ReprocessDeadline) {
		t.Errorf("window-passed notice due %s, want %s", n.RunAt, mgr.ReprocessDeadline)
	}

	// The outbox keeps one row per notice and recipient, for administrators.
	m := &entitled.Notification{NoticeID: ask.Notice.ID, Event: ask.Notice.Event, RequestID: r.ID, RecipientID: f.bob.ID,
		Subject: "Approval needed", Status: entitled.NotificationQueued}
	other := &entitled.Notification{NoticeID: ask.Notice.ID, Event: ask.Notice.Event, RequestID: r.ID, RecipientID: f.approver.ID,
		Subject: "Approval needed", Status: entitled.NotificationRecorded, Attempts: 1}
	recs, created, err := f.s.Notifications.RecordNotifications(f.sys, []*entitled.Notification{m, other})
	f.must(err)
	if len(recs) != 2 || !created[0] || !created[1] || recs[0].RecipientID != f.bob.ID || recs[1].Status != entitled.NotificationRecorded {
		t.Fatalf("a batch of two new messages: %+v, created %v", recs, created)
	}
	first := recs[0]
	f.must(f.s.Notifications.MarkNotification(f.sys, first.ID, entitled.NotificationSent, ""))
	recs, created, err = f.s.Notifications.RecordNotifications(f.sys, []*entitled.Notification{m})
	f.must(err)
	if created[0] {
		t.Error("recording a message twice created it twice")
	}
	again := recs[0]
	if again.ID != first.ID || again.Status != entitled.NotificationSent || again.Attempts != 1 {
		t.Errorf("recording the same message again: %+v; want the sent row", again)
	}
	if _, err := f.s.Notifications.Notifications(f.as(f.reader), entitled.ListOptions{}); entitled.ErrorKind(err) != entitled.KindForbidden {
		t.Errorf("a catalog reader read the outbox: %v", err)
	}
	if err := f.s.Notifications.MarkNotification(f.sys, first.ID, "delivered", ""); entitled.ErrorKind(err) != entitled.KindInvalid {
		t.Errorf("unknown status accepted: %v", err)
	}
}

// TestEscalationApproversDecideOnceEscalated: the escalation approvers of
// a stage are told after durationBeforeEscalation and may decide from then
// on (not before); the request is on their list of pending approvals.
func TestEscalationApproversDecideOnceEscalated(t *testing.T) {
	f := newLC(t)
	policy := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.RequestApprovalSettings = entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{{
			PrimaryApprovers:         []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.approver.ID}},
			IsEscalationEnabled:      true,
			DurationBeforeEscalation: 2 * 3600e9,
			EscalationApprovers:      []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: f.manager.ID}},
		}}}
	})
	r := f.mustAdd(entitled.RequestUserAdd, policy, f.alice)
	esc := f.noticeOf(r.ID, entitled.NoticeApprovalEscalated)
	if !esc.RunAt.Equal(f.now.Add(2 * 3600e9)) {
		t.Errorf("escalation notice due %s, want two hours after the stage started", esc.RunAt)
	}
	stages, err := f.s.Approvals.ApprovalStages(f.sys, r.ID)
	f.must(err)
	if err := f.s.Approvals.DecideApprovalStage(f.as(f.manager), r.ID, stages[0].ID, entitled.ReviewApprove, "early"); entitled.ErrorKind(err) != entitled.KindForbidden {
		t.Fatalf("the escalation approver decided before the escalation: %v", err)
	}
	if page, err := f.s.Requests.Requests(f.as(f.manager), entitled.RequestQuery{FilterByCurrentUser: entitled.OnApprover}); err != nil || len(page.Items) != 0 {
		t.Errorf("before the escalation the manager's approvals list %d requests (%v)", len(page.Items), err)
	}

	f.now = f.now.Add(2 * 3600e9)
	facts, err := f.s.Notifications.NoticeFacts(f.sys, esc)
	f.must(err)
	if got := recipientIDs(facts); len(got) != 1 || got[0] != f.manager.ID {
		t.Errorf("escalation told %v, want the escalation approver", got)
	}
	if page, err := f.s.Requests.Requests(f.as(f.manager), entitled.RequestQuery{FilterByCurrentUser: entitled.OnApprover}); err != nil ||
		len(page.Items) != 1 || page.Items[0].ID != r.ID {
		t.Errorf("after the escalation the manager's approvals list %v (%v), want the request", page.Items, err)
	}
	f.must(f.s.Approvals.DecideApprovalStage(f.as(f.manager), r.ID, stages[0].ID, entitled.ReviewApprove, "escalated to me"))
	if got := f.request(r.ID).State; got != entitled.StateDelivering {
		t.Errorf("state after the escalation approver's approval: %s", got)
	}
}

// TestRecordNotificationsReadsBackOnlyEarlierRows: new messages are
// stored and returned by one statement; only a message stored by an
// earlier attempt is read back.
func TestRecordNotificationsReadsBackOnlyEarlierRows(t *testing.T) {
	f := newLC(t)
	var statements []string
	f.s.db.onStatement = func(q string) { statements = append(statements, q) }
	msg := func(recipient string) *entitled.Notification {
		return &entitled.Notification{NoticeID: "n-1", Event: entitled.NoticeApprovalPending, RecipientID: recipient,
			Subject: "Approval needed", Status: entitled.NotificationRecorded}
	}
	recs, created, err := f.s.Notifications.RecordNotifications(f.sys, []*entitled.Notification{msg(f.bob.ID), msg(f.approver.ID)})
	f.must(err)
	if len(recs) != 2 || !created[0] || !created[1] || recs[0].ID == "" || recs[1].RecipientID != f.approver.ID {
		t.Fatalf("two new messages: %+v, created %v", recs, created)
	}
	if len(statements) != 1 {
		t.Errorf("recording two new messages ran %d statements, want 1: %q", len(statements), statements)
	}
	statements = nil
	again, created, err := f.s.Notifications.RecordNotifications(f.sys, []*entitled.Notification{msg(f.manager.ID), msg(f.bob.ID)})
	f.must(err)
	if created[1] || !created[0] || again[1].ID != recs[0].ID || again[0].RecipientID != f.manager.ID {
		t.Errorf("one new, one earlier message: %+v, created %v", again, created)
	}
	if len(statements) != 2 {
		t.Errorf("recording one new and one earlier message ran %d statements, want 2: %q", len(statements), statements)
	}
}
