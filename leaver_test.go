package entitled_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestPlanLeaver checks what a leaver's requests and assignments become.
func TestPlanLeaver(t *testing.T) {
	req := func(id string, typ entitled.RequestType, st entitled.RequestState) entitled.AssignmentRequest {
		return entitled.AssignmentRequest{ID: id, RequestType: typ, State: st}
	}
	as := func(id string, st entitled.AssignmentState) entitled.Assignment {
		return entitled.Assignment{ID: id, State: st}
	}
	for _, tc := range []struct {
		name    string
		reqs    []entitled.AssignmentRequest
		assigns []entitled.Assignment
		open    map[string]bool
		want    entitled.LeaverPlan
	}{
		{name: "nothing"},
		{name: "open add requests are canceled, others kept",
			reqs: []entitled.AssignmentRequest{
				req("r1", entitled.RequestUserAdd, entitled.StatePendingApproval),
				req("r2", entitled.RequestAdminAdd, entitled.StateSubmitted),
				req("r3", entitled.RequestUserAdd, entitled.StateScheduled),
				req("r4", entitled.RequestUserAdd, entitled.StateDelivered),
				req("r5", entitled.RequestUserAdd, entitled.StateDelivering),
				req("r6", entitled.RequestUserAdd, entitled.StateDeliveryFailed),
				req("r7", entitled.RequestAdminRemove, entitled.StateDelivering),
			},
			want: entitled.LeaverPlan{Cancel: []string{"r1", "r2", "r3"}}},
		{name: "live assignments are removed unless a removal is open",
			assigns: []entitled.Assignment{
				as("a1", entitled.AssignmentDelivered),
				as("a2", entitled.AssignmentExpired),
				as("a3", entitled.AssignmentDeliveryFailed),
				as("a4", entitled.AssignmentDelivered),
				as("a5", entitled.AssignmentPartiallyDelivered),
			},
			open: map[string]bool{"a4": true},
			want: entitled.LeaverPlan{Remove: []string{"a1", "a3", "a5"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := entitled.PlanLeaver(tc.reqs, tc.assigns, tc.open)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("PlanLeaver = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestLeaverDue checks the grace period.
func TestLeaverDue(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		grace time.Duration
		now   time.Time
		want  bool
	}{
		{0, at, true},
		{time.Hour, at, false},
		{time.Hour, at.Add(59 * time.Minute), false},
		{time.Hour, at.Add(time.Hour), true},
	} {
		if got := entitled.LeaverDue(at, tc.grace, tc.now); got != tc.want {
			t.Errorf("LeaverDue(grace %v, now +%v) = %v, want %v", tc.grace, tc.now.Sub(at), got, tc.want)
		}
	}
	if !entitled.IsLeaving(true, false) || entitled.IsLeaving(false, false) || entitled.IsLeaving(true, true) || entitled.IsLeaving(false, true) {
		t.Error("IsLeaving: only enabled → disabled is a leaver")
	}
}
