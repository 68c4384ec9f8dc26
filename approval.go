package entitled

import "time"

// Review results of an approval stage.
const (
	ReviewNotReviewed = "NotReviewed"
	ReviewApprove     = "Approve"
	ReviewDeny        = "Deny"
)

// Statuses of an approval stage.
const (
	StageNotStarted = "NotStarted"
	StageInProgress = "InProgress"
	StageCompleted  = "Completed"
	StageExpired    = "Expired"
)

// ApprovalStageRecord is one stage of the approval of one request (Graph's
// approvalStage, under accessPackageAssignmentApprovals/{requestId}/stages).
type ApprovalStageRecord struct {
	ID               string
	RequestID        string
	Index            int // 0-based position in the policy's stages
	DisplayName      string
	Status           string
	ReviewResult     string
	Justification    string
	ReviewedBy       *AuditActor
	ReviewedDateTime *time.Time
	// AssignedToMe is computed for the caller when read.
	AssignedToMe bool
	// DueDateTime is when the stage is denied automatically, if ever.
	DueDateTime *time.Time
	// StartedDateTime is when the stage went in progress (nil before, and
	// for stages started before it was recorded).
	StartedDateTime *time.Time
}
