package entitled

import "time"

// LeaverPlan is what happens to the access of a user who left (their
// account was disabled or deleted): PlanLeaver decides it.
type LeaverPlan struct {
	// Cancel lists the open add requests to cancel: those not delivering
	// yet (submitted, pending approval, scheduled).
	Cancel []string
	// Remove lists the live assignments to remove through a systemRemove
	// request each: every one not expired and without an open removal.
	Remove []string
}

// PlanLeaver decides a leaver's plan from their requests, their assignments
// and the assignments that already have an open remove request. Remove
// requests in progress are left alone: they remove access already.
func PlanLeaver(requests []AssignmentRequest, assignments []Assignment, openRemoval map[string]bool) LeaverPlan {
	var p LeaverPlan
	for _, r := range requests {
		if !r.RequestType.IsAdd() {
			continue
		}
		switch r.State {
		case StateSubmitted, StatePendingApproval, StateScheduled:
			p.Cancel = append(p.Cancel, r.ID)
		}
	}
	for _, a := range assignments {
		if a.State.IsLive() && !openRemoval[a.ID] {
			p.Remove = append(p.Remove, a.ID)
		}
	}
	return p
}

// LeaverDue reports whether the access of a user disabled at disabledAt
// should be removed at now, after a grace period (0: at once).
func LeaverDue(disabledAt time.Time, grace time.Duration, now time.Time) bool {
	return !now.Before(disabledAt.Add(grace))
}

// IsLeaving reports whether a change of a user's accountEnabled from before
// to after makes them a leaver: an enabled account being disabled.
func IsLeaving(before, after bool) bool { return before && !after }
