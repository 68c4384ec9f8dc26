package entitled

import (
	"reflect"
	"testing"
	"time"
)

func TestNoticesOf(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	window := 14 * 24 * time.Hour
	deadline := at.Add(window)
	type ev struct {
		e  NoticeEvent
		at time.Time
	}
	for _, tc := range []struct {
		name     string
		typ      RequestType
		before   RequestState
		after    RequestState
		settings NoticeSettings
		want     []ev
	}{
		{"approved, delivery starts", RequestUserAdd, StatePendingApproval, StateDelivering, NoticeSettings{}, []ev{{NoticeApproved, time.Time{}}}},
		{"approved, scheduled", RequestUserAdd, StatePendingApproval, StateScheduled, NoticeSettings{}, []ev{{NoticeApproved, time.Time{}}}},
		{"no approval needed: no approved notice", RequestUserAdd, "", StateDelivering, NoticeSettings{}, nil},
		{"scheduled start is not an approval", RequestUserAdd, StateScheduled, StateDelivering, NoticeSettings{}, nil},
		{"reprocess is not an approval", RequestUserAdd, StateDeliveryFailed, StateDelivering, NoticeSettings{}, nil},
		{"denied", RequestUserAdd, StatePendingApproval, StateDenied, NoticeSettings{}, []ev{{NoticeDenied, time.Time{}}}},
		{"canceled", RequestUserAdd, StatePendingApproval, StateCanceled, NoticeSettings{}, []ev{{NoticeCanceled, time.Time{}}}},
		{"delivered", RequestUserAdd, StateDelivering, StateDelivered, NoticeSettings{}, []ev{{NoticeDelivered, time.Time{}}}},
		{"removal delivered", RequestUserRemove, StateDelivering, StateDelivered, NoticeSettings{}, []ev{{NoticeDelivered, time.Time{}}}},
		{"expiry delivered", RequestSystemRemove, StateDelivering, StateDelivered, NoticeSettings{}, []ev{{NoticeExpired, time.Time{}}}},
		{"delivered again: nothing new", RequestUserAdd, StateDelivered, StateDelivered, NoticeSettings{}, nil},
		{"failed", RequestUserAdd, StateDelivering, StateDeliveryFailed, NoticeSettings{}, []ev{
			{NoticeDeliveryFailed, time.Time{}}, {NoticeManagersFailed, time.Time{}},
			{NoticeReprocessDeadline, deadline.Add(-2 * 24 * time.Hour)}, {NoticeReprocessWindowPassed, deadline}}},
		{"partially delivered, reminder 3 days ahead", RequestAdminAdd, StateDelivering, StatePartiallyDelivered,
			NoticeSettings{DeadlineReminder: 3 * 24 * time.Hour}, []ev{
				{NoticePartiallyDelivered, time.Time{}}, {NoticeManagersFailed, time.Time{}},
				{NoticeReprocessDeadline, deadline.Add(-3 * 24 * time.Hour)}, {NoticeReprocessWindowPassed, deadline}}},
		{"failed, reminders off", RequestUserAdd, StateDelivering, StateDeliveryFailed, NoticeSettings{DeadlineReminder: -1}, []ev{
			{NoticeDeliveryFailed, time.Time{}}, {NoticeManagersFailed, time.Time{}}, {NoticeReprocessWindowPassed, deadline}}},
		{"failed, reminder longer than the window", RequestUserAdd, StateDelivering, StateDeliveryFailed,
			NoticeSettings{DeadlineReminder: 20 * 24 * time.Hour}, []ev{
				{NoticeDeliveryFailed, time.Time{}}, {NoticeManagersFailed, time.Time{}}, {NoticeReprocessWindowPassed, deadline}}},
		{"still failed after a reprocess roll-up: nothing new", RequestUserAdd, StateDeliveryFailed, StateDeliveryFailed, NoticeSettings{}, nil},
		{"pending approval is a stage notice", RequestUserAdd, "", StatePendingApproval, NoticeSettings{}, nil},
	} {
		r := &AssignmentRequest{ID: "r1", RequestType: tc.typ, State: tc.after}
		got := NoticesOf(StateChange{Request: r, Before: tc.before, At: at, ReprocessWindow: window}, tc.settings)
		var evs []ev
		for _, n := range got {
			if n.RequestID != "r1" {
				t.Errorf("%s: notice for request %q", tc.name, n.RequestID)
			}
			evs = append(evs, ev{n.Event, n.RunAt})
		}
		if !reflect.DeepEqual(evs, tc.want) {
			t.Errorf("%s: NoticesOf = %v, want %v", tc.name, evs, tc.want)
		}
	}
}

func TestStageNotices(t *testing.T) {
	start := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tc := range []struct {
		name string
		st   ApprovalStage
		want map[NoticeEvent]time.Time
	}{
		{"no time-out, no escalation", ApprovalStage{}, map[NoticeEvent]time.Time{NoticeApprovalPending: {}}},
		{"reminder halfway", ApprovalStage{DurationBeforeAutomaticDenial: 14 * day},
			map[NoticeEvent]time.Time{NoticeApprovalPending: {}, NoticeApprovalReminder: start.Add(7 * day)}},
		{"escalation before denial", ApprovalStage{DurationBeforeAutomaticDenial: 14 * day, IsEscalationEnabled: true, DurationBeforeEscalation: 3 * day},
			map[NoticeEvent]time.Time{NoticeApprovalPending: {}, NoticeApprovalReminder: start.Add(7 * day), NoticeApprovalEscalated: start.Add(3 * day)}},
		{"escalation after denial never happens", ApprovalStage{DurationBeforeAutomaticDenial: 2 * day, IsEscalationEnabled: true, DurationBeforeEscalation: 3 * day},
			map[NoticeEvent]time.Time{NoticeApprovalPending: {}, NoticeApprovalReminder: start.Add(day)}},
		{"escalation set but disabled", ApprovalStage{IsEscalationEnabled: false, DurationBeforeEscalation: 3 * day},
			map[NoticeEvent]time.Time{NoticeApprovalPending: {}}},
		{"escalation without time-out", ApprovalStage{IsEscalationEnabled: true, DurationBeforeEscalation: day},
			map[NoticeEvent]time.Time{NoticeApprovalPending: {}, NoticeApprovalEscalated: start.Add(day)}},
	} {
		got := map[NoticeEvent]time.Time{}
		for _, n := range StageNotices("r1", "s1", tc.st, start) {
			if n.StageID != "s1" || n.RequestID != "r1" {
				t.Errorf("%s: notice %+v lacks its request or stage", tc.name, n)
			}
			got[n.Event] = n.RunAt
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: StageNotices = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAssignmentNotices(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	end := now.Add(30 * day)
	soon := now.Add(3 * day)
	for _, tc := range []struct {
		name string
		end  *time.Time
		s    NoticeSettings
		want []time.Time
	}{
		{"no end", nil, NoticeSettings{}, nil},
		{"default: a week ahead", &end, NoticeSettings{}, []time.Time{end.Add(-7 * day)}},
		{"configured: a day ahead", &end, NoticeSettings{ExpiryWarning: day}, []time.Time{end.Add(-day)}},
		{"ends sooner than the warning", &soon, NoticeSettings{}, nil},
		{"warnings off", &end, NoticeSettings{ExpiryWarning: -1}, nil},
	} {
		var got []time.Time
		for _, n := range AssignmentNotices("a1", tc.end, now, tc.s) {
			if n.Event != NoticeExpiring || n.AssignmentID != "a1" {
				t.Errorf("%s: %+v", tc.name, n)
			}
			got = append(got, n.RunAt)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNoticeStillApplies(t *testing.T) {
	inProgress := &ApprovalStageRecord{Status: StageInProgress}
	decided := &ApprovalStageRecord{Status: StageCompleted}
	pending := &AssignmentRequest{State: StatePendingApproval}
	failed := &AssignmentRequest{State: StateDeliveryFailed}
	partial := &AssignmentRequest{State: StatePartiallyDelivered}
	fixed := &AssignmentRequest{State: StateDelivered}
	live := &Assignment{State: AssignmentDelivered}
	gone := &Assignment{State: AssignmentExpired}
	for _, tc := range []struct {
		name string
		e    NoticeEvent
		r    *AssignmentRequest
		st   *ApprovalStageRecord
		as   *Assignment
		want bool
	}{
		{"reminder, stage undecided", NoticeApprovalReminder, pending, inProgress, nil, true},
		{"reminder, stage decided", NoticeApprovalReminder, pending, decided, nil, false},
		{"escalation, request canceled", NoticeApprovalEscalated, &AssignmentRequest{State: StateCanceled}, inProgress, nil, false},
		{"escalation, no stage", NoticeApprovalEscalated, pending, nil, nil, false},
		{"deadline, still failed", NoticeReprocessDeadline, failed, nil, nil, true},
		{"deadline, partially delivered", NoticeReprocessDeadline, partial, nil, nil, true},
		{"deadline, reprocessed since", NoticeReprocessDeadline, fixed, nil, nil, false},
		{"window passed, canceled since", NoticeReprocessWindowPassed, &AssignmentRequest{State: StateCanceled}, nil, nil, false},
		{"expiring, still delivered", NoticeExpiring, fixed, nil, live, true},
		{"expiring, already gone", NoticeExpiring, fixed, nil, gone, false},
		{"expiring, no assignment", NoticeExpiring, fixed, nil, nil, false},
		{"immediate", NoticeDelivered, fixed, nil, nil, true},
	} {
		if got := NoticeStillApplies(tc.e, tc.r, tc.st, tc.as); got != tc.want {
			t.Errorf("%s: = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNoticeAudiences(t *testing.T) {
	want := map[NoticeEvent]Audience{NoticeApprovalPending: AudienceApprovers, NoticeApprovalReminder: AudienceApprovers,
		NoticeApprovalEscalated: AudienceEscalationApprovers, NoticeManagersFailed: AudienceManagers,
		NoticeReprocessDeadline: AudienceManagers}
	for _, e := range NoticeEvents() {
		w, ok := want[e]
		if !ok {
			w = AudienceRequester
		}
		if got := e.Audience(); got != w {
			t.Errorf("%s.Audience() = %s, want %s", e, got, w)
		}
	}
}

func TestNoticeWanted(t *testing.T) {
	off := &AssignmentPolicy{IsAssignmentNotificationDisabled: true}
	on := &AssignmentPolicy{}
	for _, tc := range []struct {
		event  NoticeEvent
		policy *AssignmentPolicy
		want   bool
	}{
		{NoticeDelivered, on, true},
		{NoticeDelivered, off, false},
		{NoticeApproved, off, false},
		{NoticeDenied, off, false},
		{NoticeCanceled, off, false},
		{NoticeDeliveryFailed, off, false},
		{NoticeExpiring, off, false},
		{NoticeExpired, off, false},
		{NoticeReprocessWindowPassed, off, false},
		{NoticeApprovalPending, off, true},
		{NoticeApprovalReminder, off, true},
		{NoticeApprovalEscalated, off, true},
		{NoticeManagersFailed, off, true},
		{NoticeReprocessDeadline, off, true},
		{NoticeDelivered, nil, true},
	} {
		if got := NoticeWanted(tc.event, tc.policy); got != tc.want {
			t.Errorf("NoticeWanted(%s, disabled=%v) = %v, want %v", tc.event, tc.policy != nil && tc.policy.IsAssignmentNotificationDisabled, got, tc.want)
		}
	}
}

func TestStageEscalated(t *testing.T) {
	start := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	on := ApprovalStage{IsEscalationEnabled: true, DurationBeforeEscalation: time.Hour}
	for _, tc := range []struct {
		name    string
		st      ApprovalStage
		started *time.Time
		now     time.Time
		want    bool
	}{
		{"before the delay", on, &start, start.Add(59 * time.Minute), false},
		{"at the delay", on, &start, start.Add(time.Hour), true},
		{"after", on, &start, start.Add(2 * time.Hour), true},
		{"disabled", ApprovalStage{DurationBeforeEscalation: time.Hour}, &start, start.Add(2 * time.Hour), false},
		{"no delay", ApprovalStage{IsEscalationEnabled: true}, &start, start.Add(2 * time.Hour), false},
		{"start unknown", on, nil, start.Add(2 * time.Hour), false},
	} {
		if got := tc.st.Escalated(tc.started, tc.now); got != tc.want {
			t.Errorf("%s: Escalated = %v, want %v", tc.name, got, tc.want)
		}
	}
}
