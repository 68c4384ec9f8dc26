package entitled

// MayViewTargetAccess is the rule of the approval card's "current access":
// while a request waits for approval, an approver of it may see the live
// assignments of the request's target in the request's catalog, to judge
// what the person already has. approves says whether the caller approves
// a stage of the request (or decided one). Holders of OpViewRequests in
// the catalog may see them too, as they see the request. It returns nil
// or a 403.
func MayViewTargetAccess(a *Actor, r *AssignmentRequest, approves bool) error {
	if a.Can(OpViewRequests, r.CatalogID) {
		return nil
	}
	if r.State != StatePendingApproval {
		return Forbiddenf("the current access of the person a request is for is shown to its approvers only while it waits for approval").WithKey("err.request.accessWhilePending")
	}
	if !approves {
		return Forbiddenf("only an approver of the request may see the current access of the person it is for").WithKey("err.request.accessApproversOnly")
	}
	return nil
}
