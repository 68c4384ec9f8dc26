package entitled

// MayDelete reports whether a may delete request r (DELETE
// assignmentRequests/{id}): administrators who may cancel any request of
// its catalog (OpCancelAny).
func MayDelete(a *Actor, r *AssignmentRequest) bool {
	return a.Can(OpCancelAny, r.CatalogID)
}

// CheckDelete reports whether request r, with the given number of
// deliveries, may be deleted. Graph deletes finished requests that hold no
// assignment: entitled deletes a request once it is final (IsFinal) and
// nothing was delivered through it (denied, canceled before delivery,
// failed before any target was asked), since deliveries are the history of
// what an assignment holds.
func (r *AssignmentRequest) CheckDelete(deliveries int) error {
	if !r.State.IsFinal() {
		return Conflictf("request %s is %s; only a finished request (delivered, partiallyDelivered, deliveryFailed, denied or canceled) can be deleted; cancel it first", r.ID, r.State).WithKey("err.request.notDeletable", "ID", r.ID, "State", r.State)
	}
	if deliveries > 0 {
		return Conflictf("request %s delivered access (%d deliveries), which is part of its assignment's history; only requests that delivered nothing (denied, canceled) can be deleted", r.ID, deliveries).WithKey("err.request.deliveredNotDeletable", "ID", r.ID, "Count", deliveries)
	}
	return nil
}
