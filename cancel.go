package entitled

// MayCancel reports whether the actor may cancel the request: the request's
// target may cancel their own, a holder of OpCancelAny in its catalog any.
// Whether the request's state allows it is CheckCancel.
func MayCancel(a *Actor, r *AssignmentRequest) bool {
	return a.User.ID == r.TargetID || a.Can(OpCancelAny, r.CatalogID)
}
