package entitled

import "time"

// EventTypePrefix begins the CloudEvents type of every event entitled
// sends to subscriptions: org.entitled.assignmentRequest.delivered.
const EventTypePrefix = "org.entitled."

// The event types (without EventTypePrefix). A request's state change is
// "assignmentRequest." and its new state (EventRequestPrefix).
const (
	EventRequestPrefix     = "assignmentRequest."
	EventStagePending      = "approvalStage.pending"
	EventStageApproved     = "approvalStage.approved"
	EventStageDenied       = "approvalStage.denied"
	EventStageTimedOut     = "approvalStage.timedOut"
	EventDeliverySucceeded = "delivery.succeeded"
	EventDeliveryFailed    = "delivery.failed"
	EventAssignmentExpired = "assignment.expired"
	EventSystemSuspended   = "system.suspended"
	EventSystemPaused      = "system.paused"
	EventSystemResumed     = "system.resumed"
)

// EventTypes lists every event type, for validation and documentation.
func EventTypes() []string {
	out := []string{}
	for _, s := range []RequestState{StatePendingApproval, StateScheduled, StateDelivering, StateDelivered,
		StatePartiallyDelivered, StateDeliveryFailed, StateDenied, StateCanceled} {
		out = append(out, EventRequestPrefix+string(s))
	}
	return append(out, EventStagePending, EventStageApproved, EventStageDenied, EventStageTimedOut,
		EventDeliverySucceeded, EventDeliveryFailed, EventAssignmentExpired,
		EventSystemSuspended, EventSystemPaused, EventSystemResumed)
}

// Event is one lifecycle event for subscriptions. Subject is what it is
// about and orders it: the request (request, stage, delivery and expiry
// events) or the connected system (system events); the events of one
// subject reach each subscription in the order they happened.
type Event struct {
	// ID is the event's id, the same in every send and retry of it.
	ID      string
	Type    string
	Subject string
	// Sequence numbers the events of Subject sent to one subscription,
	// from 1.
	Sequence int64
	Time     time.Time
	// Data is the event's payload (JSON object).
	Data map[string]any
}

// RequestEvent is the event rule of a request's state change: a request
// that enters a state (a new one included) tells
// assignmentRequest.<state>; a change that keeps the state tells nothing.
func RequestEvent(c StateChange) (Event, bool) {
	r := c.Request
	if r.State == c.Before {
		return Event{}, false
	}
	data := map[string]any{"id": r.ID, "requestType": string(r.RequestType), "state": string(r.State),
		"accessPackageId": r.AccessPackageID, "catalogId": r.CatalogID, "targetId": r.TargetID,
		"requestorId": r.RequestorID, "assignmentId": r.AssignmentID}
	if c.Before != "" {
		data["previousState"] = string(c.Before)
	}
	return Event{Type: EventRequestPrefix + string(r.State), Subject: r.ID, Time: c.At, Data: data}, true
}

// StageEvent is the event of an approval stage of a request that starts
// (EventStagePending), is decided (EventStageApproved, EventStageDenied,
// with the reviewer and justification) or times out (EventStageTimedOut).
func StageEvent(typ, requestID, stageID string, index int, reviewerID, justification string, at time.Time) Event {
	data := map[string]any{"requestId": requestID, "stageId": stageID, "stage": index + 1}
	if reviewerID != "" {
		data["reviewerId"] = reviewerID
		data["justification"] = justification
	}
	return Event{Type: typ, Subject: requestID, Time: at, Data: data}
}

// DeliveryEvent is the event of a delivery to one resource that became
// final: delivery.succeeded, or delivery.failed with its error.
func DeliveryEvent(d Delivery, at time.Time) Event {
	typ := EventDeliverySucceeded
	data := map[string]any{"id": d.ID, "requestId": d.RequestID, "assignmentId": d.AssignmentID, "systemId": d.SystemID,
		"action": string(d.Action), "resourceId": d.Resource.ID, "resource": d.Resource.DisplayName,
		"roleId": d.Role.ID, "role": d.Role.DisplayName}
	if d.Status == DeliveryFailed {
		typ = EventDeliveryFailed
		data["error"] = d.LastError
	}
	return Event{Type: typ, Subject: d.RequestID, Time: at, Data: data}
}

// ExpiryEvent is the event of an assignment that ended, through the
// removal request that ended it.
func ExpiryEvent(r *AssignmentRequest, at time.Time) Event {
	return Event{Type: EventAssignmentExpired, Subject: r.ID, Time: at, Data: map[string]any{
		"assignmentId": r.AssignmentID, "requestId": r.ID, "requestType": string(r.RequestType),
		"accessPackageId": r.AccessPackageID, "targetId": r.TargetID}}
}

// SystemHealthEvent is the event of a connected system's health transition
// (suspended, paused, resumed); a change without a transition tells
// nothing.
func SystemHealthEvent(systemID, name string, c HealthChange, at time.Time) (Event, bool) {
	var typ string
	switch c.Transition {
	case TransitionSuspend:
		typ = EventSystemSuspended
	case TransitionPause:
		typ = EventSystemPaused
	case TransitionResume:
		typ = EventSystemResumed
	default:
		return Event{}, false
	}
	return Event{Type: typ, Subject: systemID, Time: at, Data: map[string]any{"id": systemID, "name": name,
		"state": string(c.Health.State), "reason": c.Health.Reason, "lastError": c.Health.LastError}}, true
}
