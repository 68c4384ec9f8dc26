package entitled

// AssignmentEffect is what a request that settled (RollUp) does to its
// assignment. The zero AssignmentEffect leaves the assignment as it is.
type AssignmentEffect struct {
	// State is the assignment's new state; "" leaves it unchanged.
	State AssignmentState
	// ExpireNow ends the assignment at once.
	ExpireNow bool
	// ScheduleExpiry schedules the end of the assignment's access.
	ScheduleExpiry bool
}

// SettleAssignment is the settle rule: what a request of type rt that rolled
// up to state does to its assignment; ends reports whether the request's
// schedule has an end. An add request gives the assignment the state that
// goes with its own (AssignmentStateFor) and, unless it failed, schedules
// the end. A removal that revoked everything ends the assignment at once;
// one that revoked only part leaves it partially delivered, which is what
// the user still has (reprocess the removal, or remove again, to finish);
// one that revoked nothing changes nothing.
func SettleAssignment(rt RequestType, state RequestState, ends bool) AssignmentEffect {
	if rt.IsRemove() {
		switch state {
		case StateDelivered:
			return AssignmentEffect{ExpireNow: true}
		case StatePartiallyDelivered:
			return AssignmentEffect{State: AssignmentPartiallyDelivered}
		}
		return AssignmentEffect{}
	}
	return AssignmentEffect{State: AssignmentStateFor(state), ScheduleExpiry: state != StateDeliveryFailed && ends}
}

// Ends reports whether the expiration ends access at some point.
func (e Expiration) Ends() bool {
	return e.EndDateTime != nil || e.Duration > 0
}
