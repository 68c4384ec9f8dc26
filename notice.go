package entitled

import "time"

// NoticeEvent names something people are told about: each is one kind of
// message, sent to one audience.
type NoticeEvent string

// The notice events.
const (
	// NoticeApprovalPending: a stage of a request waits for its approvers.
	NoticeApprovalPending NoticeEvent = "approvalPending"
	// NoticeApprovalReminder: the stage is still undecided halfway to its
	// automatic denial.
	NoticeApprovalReminder NoticeEvent = "approvalReminder"
	// NoticeApprovalEscalated: the stage was not decided within
	// durationBeforeEscalation; its escalation approvers may now decide.
	NoticeApprovalEscalated NoticeEvent = "approvalEscalated"
	// NoticeApproved: the request was approved; delivery starts (or is
	// scheduled).
	NoticeApproved NoticeEvent = "approved"
	// NoticeDenied: an approver denied the request, or nobody decided in time.
	NoticeDenied NoticeEvent = "denied"
	// NoticeDelivered: access arrived (add) or was removed (remove).
	NoticeDelivered NoticeEvent = "delivered"
	// NoticePartiallyDelivered: some resources were delivered, some failed.
	NoticePartiallyDelivered NoticeEvent = "partiallyDelivered"
	// NoticeDeliveryFailed: no resource could be delivered.
	NoticeDeliveryFailed NoticeEvent = "deliveryFailed"
	// NoticeCanceled: the request was canceled.
	NoticeCanceled NoticeEvent = "canceled"
	// NoticeExpiring: the assignment ends in a few days.
	NoticeExpiring NoticeEvent = "expiring"
	// NoticeExpired: the assignment ended on schedule.
	NoticeExpired NoticeEvent = "expired"
	// NoticeManagersFailed: the managers of the package must reprocess a
	// failed or partially delivered request before its deadline.
	NoticeManagersFailed NoticeEvent = "managersFailed"
	// NoticeReprocessDeadline: the deadline to reprocess a request that is
	// still failed is near.
	NoticeReprocessDeadline NoticeEvent = "reprocessDeadline"
	// NoticeReprocessWindowPassed: the request can no longer be
	// reprocessed; the requester cancels it and asks again.
	NoticeReprocessWindowPassed NoticeEvent = "reprocessWindowPassed"
)

// NoticeEvents lists every notice event, for catalogues and tests.
func NoticeEvents() []NoticeEvent {
	return []NoticeEvent{NoticeApprovalPending, NoticeApprovalReminder, NoticeApprovalEscalated, NoticeApproved,
		NoticeDenied, NoticeDelivered, NoticePartiallyDelivered, NoticeDeliveryFailed, NoticeCanceled,
		NoticeExpiring, NoticeExpired, NoticeManagersFailed, NoticeReprocessDeadline, NoticeReprocessWindowPassed}
}

// Audience is who receives the notices of an event.
type Audience string

// The audiences.
const (
	// AudienceApprovers: the approvers of the stage in progress (single
	// users, members of approver groups, the requestor's manager), or its
	// fallback approvers when those name nobody.
	AudienceApprovers Audience = "approvers"
	// AudienceEscalationApprovers: the stage's escalation approvers (or
	// their fallback).
	AudienceEscalationApprovers Audience = "escalationApprovers"
	// AudienceRequester: the request's target and, when someone else asked
	// for them, its requestor.
	AudienceRequester Audience = "requester"
	// AudienceManagers: the access package managers and assignment
	// managers of the package's catalog (catalog owners when it has none).
	AudienceManagers Audience = "managers"
)

// Audience is who is told about the event.
func (e NoticeEvent) Audience() Audience {
	switch e {
	case NoticeApprovalPending, NoticeApprovalReminder:
		return AudienceApprovers
	case NoticeApprovalEscalated:
		return AudienceEscalationApprovers
	case NoticeManagersFailed, NoticeReprocessDeadline:
		return AudienceManagers
	}
	return AudienceRequester
}

// NoticeWanted is a policy's say on a notice: under a policy whose
// notificationSettings turn assignment notifications off, requesters are
// told nothing about their requests and assignments; approvers and
// managers are told as always, since a stage must reach its approvers and
// a failure the people who fix it. A nil policy (deleted since) wants
// every notice.
func NoticeWanted(e NoticeEvent, p *AssignmentPolicy) bool {
	return p == nil || !p.IsAssignmentNotificationDisabled || e.Audience() != AudienceRequester
}

// Notice is one event to tell people about, queued as background work in
// the transaction of the change that causes it. The notifier loads the
// request as it is when it runs and sends one message per recipient.
type Notice struct {
	// ID identifies the event: every message about it is named after it,
	// so a retry or a resend after a crash is recognisable.
	ID           string
	Event        NoticeEvent
	RequestID    string // the request ("" for NoticeExpiring)
	StageID      string // the approval stage (approver events)
	AssignmentID string // the assignment (NoticeExpiring)
	// RunAt is when it is due (zero: now); reminders are queued ahead.
	RunAt time.Time
}

// NoticeSettings tune when follow-up notices are sent.
type NoticeSettings struct {
	// Disabled turns notices off altogether (no notify jobs are queued).
	Disabled bool
	// ExpiryWarning is how long before an assignment ends its holder is
	// warned; 0 means DefaultExpiryWarning, negative never.
	ExpiryWarning time.Duration
	// DeadlineReminder is how long before the reprocess deadline the
	// managers are reminded of a request still failed; 0 means
	// DefaultDeadlineReminder, negative never.
	DeadlineReminder time.Duration
}

// The default follow-up delays.
const (
	DefaultExpiryWarning    = 7 * 24 * time.Hour
	DefaultDeadlineReminder = 2 * 24 * time.Hour
)

func (s NoticeSettings) expiryWarning() time.Duration {
	if s.ExpiryWarning == 0 {
		return DefaultExpiryWarning
	}
	return s.ExpiryWarning
}

func (s NoticeSettings) deadlineReminder() time.Duration {
	if s.DeadlineReminder == 0 {
		return DefaultDeadlineReminder
	}
	return s.DeadlineReminder
}

// StateChange is a request moving from one state to another, with what the
// notice rules need to know about it.
type StateChange struct {
	Request *AssignmentRequest
	Before  RequestState // "" for a new request
	// At is when the change happened.
	At time.Time
	// ReprocessWindow is how long a failed request may be reprocessed.
	ReprocessWindow time.Duration
}

// NoticesOf is the notification rule of a request's state change: which
// events it causes now and which follow-ups it schedules.
//
//   - Leaving pendingApproval for delivery (or a schedule) tells the
//     requester it was approved; a denial, that it was denied.
//   - An add or remove request that ends delivered, partially delivered or
//     failed tells the requester; a failure or partial delivery also tells
//     the managers (with the reprocess deadline), reminds them
//     DeadlineReminder before that deadline, and tells the requester when
//     the window has passed (each follow-up checks, when it runs, that the
//     request is still failed).
//   - A cancel tells the requester; the end of an assignment on schedule
//     (a systemRemove request delivered) tells its holder it expired.
//
// Approver notices are not state changes (a request stays pendingApproval
// from stage to stage): StageNotices gives them.
func NoticesOf(c StateChange, s NoticeSettings) []Notice {
	r := c.Request
	at := func(e NoticeEvent, t time.Time) Notice { return Notice{Event: e, RequestID: r.ID, RunAt: t} }
	now := func(e NoticeEvent) Notice { return at(e, time.Time{}) }
	switch r.State {
	case StateDelivering, StateScheduled:
		if c.Before == StatePendingApproval {
			return []Notice{now(NoticeApproved)}
		}
	case StateDenied:
		return []Notice{now(NoticeDenied)}
	case StateCanceled:
		return []Notice{now(NoticeCanceled)}
	case StateDelivered:
		switch {
		case c.Before == StateDelivered:
		case r.RequestType == RequestSystemRemove:
			return []Notice{now(NoticeExpired)}
		default:
			return []Notice{now(NoticeDelivered)}
		}
	case StatePartiallyDelivered, StateDeliveryFailed:
		if c.Before == r.State {
			return nil
		}
		ev := NoticeDeliveryFailed
		if r.State == StatePartiallyDelivered {
			ev = NoticePartiallyDelivered
		}
		out := []Notice{now(ev), now(NoticeManagersFailed)}
		deadline := c.At.Add(c.ReprocessWindow)
		if d := s.deadlineReminder(); d > 0 && d < c.ReprocessWindow {
			out = append(out, at(NoticeReprocessDeadline, deadline.Add(-d)))
		}
		return append(out, at(NoticeReprocessWindowPassed, deadline))
	}
	return nil
}

// StageNotices is the notification rule of an approval stage that starts:
// its approvers are told now, reminded halfway to the automatic denial, and
// its escalation approvers told after durationBeforeEscalation when the
// stage escalates (each follow-up checks, when it runs, that the stage is
// still in progress).
func StageNotices(requestID, stageID string, st ApprovalStage, started time.Time) []Notice {
	n := func(e NoticeEvent, t time.Time) Notice {
		return Notice{Event: e, RequestID: requestID, StageID: stageID, RunAt: t}
	}
	out := []Notice{n(NoticeApprovalPending, time.Time{})}
	if d := st.DurationBeforeAutomaticDenial; d > 0 {
		out = append(out, n(NoticeApprovalReminder, started.Add(d/2)))
	}
	if st.IsEscalationEnabled && st.DurationBeforeEscalation > 0 &&
		(st.DurationBeforeAutomaticDenial == 0 || st.DurationBeforeEscalation < st.DurationBeforeAutomaticDenial) {
		out = append(out, n(NoticeApprovalEscalated, started.Add(st.DurationBeforeEscalation)))
	}
	return out
}

// AssignmentNotices is the notification rule of an assignment that starts
// with an end: its holder is warned ExpiryWarning before the end (when
// that is still ahead).
func AssignmentNotices(assignmentID string, end *time.Time, now time.Time, s NoticeSettings) []Notice {
	w := s.expiryWarning()
	if end == nil || w < 0 || !end.Add(-w).After(now) {
		return nil
	}
	return []Notice{{Event: NoticeExpiring, AssignmentID: assignmentID, RunAt: end.Add(-w)}}
}

// NoticeStillApplies is the rule a follow-up notice checks when it runs:
// a reminder or escalation only while its stage is in progress, a deadline
// reminder or window-passed notice only while the request is still failed,
// an expiry warning only while the assignment is delivered. Immediate
// notices always apply.
func NoticeStillApplies(e NoticeEvent, r *AssignmentRequest, stage *ApprovalStageRecord, assignment *Assignment) bool {
	switch e {
	case NoticeApprovalReminder, NoticeApprovalEscalated:
		return stage != nil && stage.Status == StageInProgress && r.State == StatePendingApproval
	case NoticeReprocessDeadline, NoticeReprocessWindowPassed:
		return r.State == StateDeliveryFailed || r.State == StatePartiallyDelivered
	case NoticeExpiring:
		return assignment != nil && assignment.State == AssignmentDelivered
	}
	return true
}

// Escalated is the escalation rule of an approval stage: once it has been
// in progress for DurationBeforeEscalation, with escalation enabled, its
// escalation approvers may decide it too (and are told: StageNotices).
// A stage whose start is unknown never escalates.
func (st ApprovalStage) Escalated(started *time.Time, now time.Time) bool {
	return st.IsEscalationEnabled && st.DurationBeforeEscalation > 0 && started != nil &&
		!now.Before(started.Add(st.DurationBeforeEscalation))
}
