package entitled

import (
	"errors"
	"fmt"
	"time"
)

// DeliveryAction is what a delivery does to a resource role.
type DeliveryAction string

// The delivery actions.
const (
	ActionGrant  DeliveryAction = "grant"
	ActionRevoke DeliveryAction = "revoke"
)

// DeliveryStatus is the status of one delivery.
type DeliveryStatus string

// The delivery statuses.
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliveryRunning   DeliveryStatus = "running"
	DeliverySucceeded DeliveryStatus = "succeeded"
	DeliveryFailed    DeliveryStatus = "failed"
)

// IsFinal reports whether no more attempts will be made.
func (s DeliveryStatus) IsFinal() bool { return s == DeliverySucceeded || s == DeliveryFailed }

// FinalDeliveryStatuses are the delivery statuses that end a delivery's run
// (DeliveryStatus.IsFinal).
var FinalDeliveryStatuses = []DeliveryStatus{DeliverySucceeded, DeliveryFailed}

// ErrorClass says whether retrying a failed delivery may help.
type ErrorClass string

// The error classes.
const (
	Transient ErrorClass = "transient"
	Permanent ErrorClass = "permanent"
)

// Delivery is one grant or revoke of one resource role for one request: the
// unit of work and of status.
type Delivery struct {
	ID                  string
	RequestID           string
	AssignmentID        string
	ResourceRoleScopeID string
	SystemID            string
	Action              DeliveryAction
	Status              DeliveryStatus
	Attempts            int
	// Run counts the times the delivery was started: 1, then +1 on each
	// reprocess. It is part of the idempotency key sent to targets.
	Run               int
	LastErrorClass    ErrorClass
	LastError         string
	Resource          ResourceRef
	Role              ResourceRoleRef
	CreatedDateTime   time.Time
	ModifiedDateTime  time.Time
	CompletedDateTime *time.Time
	// Waiting says why a delivery that is not final waits (its system is
	// suspended or paused; SystemHealth.WaitingReason), "" when it does not.
	Waiting string
}

// IdempotencyKey identifies one run of a delivery for the target system.
func (d *Delivery) IdempotencyKey() string { return fmt.Sprintf("%s-%d", d.ID, d.Run) }

// ResourceRef names a resource in a delivery.
type ResourceRef struct {
	ID           string
	DisplayName  string
	OriginID     string
	OriginSystem string
}

// ResourceRoleRef names a resource role in a delivery.
type ResourceRoleRef struct {
	ID          string
	DisplayName string
	OriginID    string
}

// DeliveryTally counts the deliveries of one request: how many there are,
// how many are final (succeeded or failed) and how many succeeded.
type DeliveryTally struct {
	Total, Final, Succeeded int
}

// RollUp is the roll-up rule: the request state its deliveries add up to.
// While any delivery is not final it is delivering; then all succeeded →
// delivered (also when there are none), some → partiallyDelivered, none →
// deliveryFailed.
func RollUp(t DeliveryTally) RequestState {
	switch {
	case t.Final < t.Total:
		return StateDelivering
	case t.Succeeded == t.Total:
		return StateDelivered
	case t.Succeeded == 0:
		return StateDeliveryFailed
	}
	return StatePartiallyDelivered
}

// DeliveryError is an error from a connector, classified transient or permanent.
type DeliveryError struct {
	Class   ErrorClass
	Message string
}

func (e *DeliveryError) Error() string { return string(e.Class) + ": " + e.Message }

// TransientErrorf returns a transient *DeliveryError: retrying may help.
func TransientErrorf(format string, args ...any) error {
	return &DeliveryError{Class: Transient, Message: fmt.Sprintf(format, args...)}
}

// PermanentErrorf returns a permanent *DeliveryError: retrying will not help.
func PermanentErrorf(format string, args ...any) error {
	return &DeliveryError{Class: Permanent, Message: fmt.Sprintf(format, args...)}
}

// ClassOf returns the class of a connector error; unclassified errors are
// treated as transient (a retry is safe because grants are idempotent).
func ClassOf(err error) ErrorClass {
	var de *DeliveryError
	if errors.As(err, &de) {
		return de.Class
	}
	return Transient
}

// DeliveryOutcome is the result of one attempt of a delivery, reported by the
// delivery engine to the store.
type DeliveryOutcome struct {
	DeliveryID string
	Run        int
	// Err is nil on success.
	Err error
	// Final is true when no retry follows (success, permanent error, or the
	// last attempt of a transient error).
	Final bool
	At    time.Time
	// SystemID is the delivery's connected system, whose health the
	// outcome counts towards (SystemHealth.Apply); "" counts nowhere.
	SystemID string
}
