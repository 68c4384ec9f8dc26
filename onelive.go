package entitled

// OpenRequestStates are the states in which a request still holds its place
// (RequestState.IsOpen): the states CheckOneLive counts, and the states every
// SQL list of open requests is built from.
var OpenRequestStates = kept(RequestStates, RequestState.IsOpen)

// AddRequestTypes are the request types that grant access (RequestType.IsAdd).
var AddRequestTypes = kept(RequestTypes, RequestType.IsAdd)

// RemoveRequestTypes are the request types that remove access (RequestType.IsRemove).
var RemoveRequestTypes = kept(RequestTypes, RequestType.IsRemove)

// RequestTypes lists every request type.
var RequestTypes = []RequestType{RequestUserAdd, RequestUserUpdate, RequestUserRemove, RequestAdminAdd,
	RequestAdminUpdate, RequestAdminRemove, RequestSystemAdd, RequestSystemRemove}

// kept lists the values of all that keep keeps, in order.
func kept[T any](all []T, keep func(T) bool) []T {
	var out []T
	for _, v := range all {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// LiveHolder is what a store found holding a user's place for a package:
// an open add request (RequestID), or a live assignment (AssignmentID) with
// the add request that created it, if any. The zero LiveHolder is nothing.
type LiveHolder struct {
	RequestID        string
	AssignmentID     string
	FromRequestID    string
	FromRequestState RequestState
}

// CheckOneLive is the rule "one open add request or live assignment per
// user and access package": it returns nil when nothing holds the place, or
// a 409 ExistingOpenRequestOrAssignment *Error naming what does and what the
// user can do about it.
func CheckOneLive(targetID, packageID string, h LiveHolder) error {
	switch {
	case h.RequestID != "":
		return Errorf(KindConflict, CodeExistingAssignment,
			"user %s already has an open request %s for access package %s; wait for it or cancel it", targetID, h.RequestID, packageID).
			WithKey("error.openRequest", "User", targetID, "Request", h.RequestID, "Package", packageID)
	case h.AssignmentID == "":
		return nil
	case h.FromRequestID == "":
		return Errorf(KindConflict, CodeExistingAssignment,
			"user %s already has assignment %s for access package %s; remove it before requesting again", targetID, h.AssignmentID, packageID).
			WithKey("error.liveAssignment", "User", targetID, "Assignment", h.AssignmentID, "Package", packageID)
	}
	// Name the request that created the assignment: that is what the user
	// sees and what they cancel when its delivery failed.
	return Errorf(KindConflict, CodeExistingAssignment,
		"user %s already has assignment %s for access package %s, from request %s (%s); cancel that request or remove the assignment before requesting again",
		targetID, h.AssignmentID, packageID, h.FromRequestID, h.FromRequestState).
		WithKey("error.liveAssignmentFrom", "User", targetID, "Assignment", h.AssignmentID, "Package", packageID, "Request", h.FromRequestID, "State", string(h.FromRequestState))
}
