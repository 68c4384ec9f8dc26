package delivery

import (
	"time"

	"github.com/entitled-dev/entitled"
)

// DeliverArgs are the River args of a deliver job: the deliveries of one
// request (or of several requests started together: at most
// maxJobDeliveries) to one connected system, each request's attempted in
// order. Grouping them halves
// the queue's work for a typical two-role package; each delivery keeps its
// own status, run and error. The retry policy travels with the job so the
// backoff does not need the database.
type DeliverArgs struct {
	Deliveries []DeliveryRef `json:"deliveries"`
	RequestID  string        `json:"requestId,omitempty"`
	// SystemID is the connected system of the deliveries: a resume of the
	// system wakes its waiting jobs by it (wake.go).
	SystemID string `json:"systemId,omitempty"`
	// MaxAttempts is the connected system's limit; the River job allows
	// rescueHeadroom more, so a crash during the last attempt cannot make
	// River discard a delivery that was never recorded.
	MaxAttempts    int           `json:"maxAttempts,omitempty"`
	InitialBackoff time.Duration `json:"initialBackoff"`
	MaxBackoff     time.Duration `json:"maxBackoff"`
}

// DeliveryRef names one run of one delivery.
type DeliveryRef = entitled.DeliveryRun

// Kind is the River job kind.
func (DeliverArgs) Kind() string { return string(entitled.JobDeliver) }

// ExpireArgs are the River args of a JobExpire job.
type ExpireArgs struct {
	AssignmentID string `json:"assignmentId"`
}

// Kind is the River job kind.
func (ExpireArgs) Kind() string { return string(entitled.JobExpire) }

// StartArgs are the River args of a JobStart job.
type StartArgs struct {
	RequestID string `json:"requestId"`
}

// Kind is the River job kind.
func (StartArgs) Kind() string { return string(entitled.JobStart) }

// ApprovalTimeoutArgs are the River args of a JobApprovalTimeout job.
type ApprovalTimeoutArgs struct {
	RequestID string `json:"requestId"`
	StageID   string `json:"stageId"`
}

// Kind is the River job kind.
func (ApprovalTimeoutArgs) Kind() string { return string(entitled.JobApprovalTimeout) }

// LeaverArgs are the River args of a JobLeaver job.
type LeaverArgs struct {
	UserID string `json:"userId"`
}

// Kind is the River job kind.
func (LeaverArgs) Kind() string { return string(entitled.JobLeaver) }

// NotifyArgs are the River args of a JobNotify job: the notices queued
// together (by one transaction, due at the same time), told in one go.
type NotifyArgs struct {
	Notices []entitled.Notice `json:"notices,omitempty"`
	// Notice is the one notice of a job queued before notices were
	// grouped.
	Notice *entitled.Notice `json:"notice,omitempty"`
}

// all returns the job's notices.
func (a NotifyArgs) all() []entitled.Notice {
	if a.Notice != nil {
		return append([]entitled.Notice{*a.Notice}, a.Notices...)
	}
	return a.Notices
}

// Kind is the River job kind.
func (NotifyArgs) Kind() string { return string(entitled.JobNotify) }

// attemptLimit is the attempt after which a transient error is final.
func (a DeliverArgs) attemptLimit(riverMax int) int {
	if a.MaxAttempts > 0 {
		return a.MaxAttempts
	}
	return riverMax
}

// rescueHeadroom is how many attempts River allows beyond the system's
// limit: each crash mid-attempt costs one when River rescues the job.
const rescueHeadroom = 3

// policy is the retry policy carried by the args.
func (a DeliverArgs) policy() entitled.RetryPolicy {
	return entitled.RetryPolicy{InitialBackoff: a.InitialBackoff, MaxBackoff: a.MaxBackoff}
}
