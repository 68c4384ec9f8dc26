package delivery

import (
	"time"

	"github.com/entitled-dev/entitled"
)

// DeliverArgs are the River args of a JobDeliver job. The retry policy
// travels with the job so the backoff does not need the database.
type DeliverArgs struct {
	DeliveryID     string        `json:"deliveryId"`
	Run            int           `json:"run"`
	RequestID      string        `json:"requestId,omitempty"`
	InitialBackoff time.Duration `json:"initialBackoff"`
	MaxBackoff     time.Duration `json:"maxBackoff"`
}

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

// policy is the retry policy carried by the args.
func (a DeliverArgs) policy() entitled.RetryPolicy {
	return entitled.RetryPolicy{InitialBackoff: a.InitialBackoff, MaxBackoff: a.MaxBackoff}
}
