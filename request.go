package entitled

import (
	"fmt"
	"time"
)

// RequestType is Graph's accessPackageRequestType.
type RequestType string

// The request types entitled handles.
const (
	RequestUserAdd      RequestType = "userAdd"
	RequestUserUpdate   RequestType = "userUpdate"
	RequestUserRemove   RequestType = "userRemove"
	RequestAdminAdd     RequestType = "adminAdd"
	RequestAdminUpdate  RequestType = "adminUpdate"
	RequestAdminRemove  RequestType = "adminRemove"
	RequestSystemAdd    RequestType = "systemAdd"
	RequestSystemRemove RequestType = "systemRemove"
)

// IsAdd reports whether the request grants access.
func (t RequestType) IsAdd() bool {
	return t == RequestUserAdd || t == RequestAdminAdd || t == RequestSystemAdd
}

// IsRemove reports whether the request removes access.
func (t RequestType) IsRemove() bool {
	return t == RequestUserRemove || t == RequestAdminRemove || t == RequestSystemRemove
}

// ParseRequestType reads a request type case-insensitively.
func ParseRequestType(s string) (RequestType, error) {
	if t, ok := parseFold(s, RequestTypes); ok {
		return t, nil
	}
	return "", &Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "requestType",
		Message:    fmt.Sprintf("requestType %q is not one of userAdd, userRemove, adminAdd, adminRemove", s),
		MessageKey: "error.badRequestType", MessageArgs: &Args{"Value": s}}
}

// RequestState is Graph's accessPackageRequestState.
type RequestState string

// The request states of the lifecycle (docs/design.md).
const (
	StateSubmitted          RequestState = "submitted"
	StatePendingApproval    RequestState = "pendingApproval"
	StateScheduled          RequestState = "scheduled"
	StateDelivering         RequestState = "delivering"
	StateDelivered          RequestState = "delivered"
	StatePartiallyDelivered RequestState = "partiallyDelivered"
	StateDeliveryFailed     RequestState = "deliveryFailed"
	StateDenied             RequestState = "denied"
	StateCanceled           RequestState = "canceled"
)

// RequestStates lists every request state.
var RequestStates = []RequestState{StateSubmitted, StatePendingApproval, StateScheduled, StateDelivering,
	StateDelivered, StatePartiallyDelivered, StateDeliveryFailed, StateDenied, StateCanceled}

// ParseRequestState reads a state case-insensitively.
func ParseRequestState(s string) (RequestState, bool) {
	return parseFold(s, RequestStates)
}

// Status is the finer PascalCase status string that goes with a state.
func (s RequestState) Status() string {
	switch s {
	case StateSubmitted:
		return "Accepted"
	case StatePendingApproval:
		return "PendingApproval"
	case StateScheduled:
		return "PendingNotBefore"
	case StateDelivering:
		return "Delivering"
	case StateDelivered:
		return "Delivered"
	case StatePartiallyDelivered:
		return "PartiallyDelivered"
	case StateDeliveryFailed:
		return "DeliveryFailed"
	case StateDenied:
		return "Denied"
	case StateCanceled:
		return "Canceled"
	}
	return ""
}

// IsFinal reports whether the state ends the request (it may still be
// reprocessed or canceled when it failed).
func (s RequestState) IsFinal() bool {
	switch s {
	case StateDelivered, StatePartiallyDelivered, StateDeliveryFailed, StateDenied, StateCanceled:
		return true
	}
	return false
}

// IsOpen reports whether a request in this state still holds its place as the
// one live request of a user for a package (CheckOneLive, OpenRequestStates).
func (s RequestState) IsOpen() bool {
	switch s {
	case StateSubmitted, StatePendingApproval, StateScheduled, StateDelivering:
		return true
	}
	return false
}

// Schedule is when access starts and ends (Graph's entitlementManagementSchedule).
type Schedule struct {
	StartDateTime *time.Time
	Expiration    Expiration
}

// AssignmentRequest is a request to add or remove an assignment.
type AssignmentRequest struct {
	ID                 string
	RequestType        RequestType
	State              RequestState
	Status             string
	Justification      string
	CreatedDateTime    time.Time
	CompletedDateTime  *time.Time
	Schedule           Schedule
	AccessPackageID    string
	AssignmentPolicyID string
	CatalogID          string
	TargetID           string // the user who gets (or loses) access
	RequestorID        string // the user who asked (createdBy)
	AssignmentID       string // set once an assignment exists
	// Answers holds the raw JSON array of answers, kept as sent.
	Answers string
}

// DefaultReprocessWindow is how long after completion a failed request may be
// reprocessed: 14 days.
const DefaultReprocessWindow = 14 * 24 * time.Hour

// CheckReprocess returns nil when the request may be reprocessed now, or a
// 400 *Error saying why not: the reprocess-window rule.
func (r *AssignmentRequest) CheckReprocess(now time.Time, window time.Duration) error {
	if r.State != StateDeliveryFailed && r.State != StatePartiallyDelivered {
		return &Error{Kind: KindInvalid, Code: CodeNotReprocessable,
			Message: fmt.Sprintf("request %s is %s; only requests in deliveryFailed or partiallyDelivered can be reprocessed", r.ID, r.State)}
	}
	if r.CompletedDateTime != nil && now.After(r.CompletedDateTime.Add(window)) {
		return &Error{Kind: KindInvalid, Code: CodeReprocessWindowPassed,
			Message: fmt.Sprintf("request %s completed on %s, more than %s ago; it can no longer be reprocessed: cancel it and request again",
				r.ID, r.CompletedDateTime.UTC().Format(time.RFC3339), FormatWindow(window))}
	}
	return nil
}

// CheckCancel returns nil when the request may be canceled, or a 400 *Error
// saying why not: the state half of the cancel rule; MayCancel is who.
func (r *AssignmentRequest) CheckCancel() error {
	switch r.State {
	case StateSubmitted, StatePendingApproval, StateScheduled, StateDeliveryFailed, StatePartiallyDelivered:
		return nil
	}
	return &Error{Kind: KindInvalid, Code: CodeNotCancelable,
		Message: fmt.Sprintf("request %s is %s; only submitted, pendingApproval, scheduled, deliveryFailed or partiallyDelivered requests can be canceled", r.ID, r.State)}
}

// FormatWindow writes a reprocess window for people: "14 days", "90s".
func FormatWindow(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	}
	return d.String()
}
