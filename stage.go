package entitled

import (
	"fmt"
	"strings"
)

// ParseReviewResult reads an approver's review result case-insensitively:
// Approve or Deny, else a 400 *Error.
func ParseReviewResult(s string) (string, error) {
	switch {
	case strings.EqualFold(s, ReviewApprove):
		return ReviewApprove, nil
	case strings.EqualFold(s, ReviewDeny):
		return ReviewDeny, nil
	}
	return "", (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "reviewResult",
		Message: fmt.Sprintf("reviewResult %q must be Approve or Deny", s)}).WithKey("err.approval.badReviewResult", "Value", s)
}

// CheckNotOwnRequest is the rule "an approver cannot be the target or the
// requestor": it returns nil when the user may review the request, or a 403
// *Error.
func CheckNotOwnRequest(userID string, r *AssignmentRequest) error {
	if userID == r.TargetID || userID == r.RequestorID {
		return Forbiddenf("you cannot approve your own request: request %s was made by or for you", r.ID).WithKey("err.approval.ownRequest", "ID", r.ID)
	}
	return nil
}

// StageStep is what follows an approver's decision of an approval stage.
type StageStep int

// The steps that follow a decision.
const (
	// StepDeny ends the request denied.
	StepDeny StageStep = iota + 1
	// StepNextStage starts the next approval stage.
	StepNextStage
	// StepDeliver ends the approval: delivery starts (or is scheduled).
	StepDeliver
)

// StageReview is an approver's decision of one stage of a request's
// approval, with what the store loaded to judge it.
type StageReview struct {
	Request *AssignmentRequest
	Stage   *ApprovalStageRecord
	Policy  *AssignmentPolicy
	// ReviewerID is the deciding user; IsApprover whether they are among
	// the approvers of the stage.
	ReviewerID string
	IsApprover bool
	// Result is ReviewApprove or ReviewDeny (ParseReviewResult).
	Result        string
	Justification string
}

// Decide is the approval-stage transition rule: it checks the review (not
// the approver's own request, an approver of the stage, the stage in
// progress on a pendingApproval request, a justification where the stage
// requires one) and returns what follows: a denial ends the request, the
// approval of an earlier stage starts the next one, the approval of the
// last stage starts delivery.
func (v StageReview) Decide() (StageStep, error) {
	r, st, p := v.Request, v.Stage, v.Policy
	if err := CheckNotOwnRequest(v.ReviewerID, r); err != nil {
		return 0, err
	}
	if !v.IsApprover {
		return 0, Forbiddenf("you are not an approver of %s of request %s under policy %q", st.DisplayName, r.ID, p.DisplayName).WithKey("err.approval.notApprover", "Stage", st.DisplayName, "ID", r.ID, "Policy", p.DisplayName)
	}
	if st.Status != StageInProgress || r.State != StatePendingApproval {
		return 0, Errorf(KindConflict, CodeAlreadyDecided,
			"%s of request %s is %s (request %s); it can no longer be decided", st.DisplayName, r.ID, st.Status, r.State).WithKey("err.approval.alreadyDecided", "Stage", st.DisplayName, "ID", r.ID, "Status", st.Status, "State", r.State)
	}
	stages := p.RequestApprovalSettings.Stages
	if st.Index < len(stages) && stages[st.Index].IsApproverJustificationRequired && strings.TrimSpace(v.Justification) == "" {
		return 0, (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "justification",
			Message: fmt.Sprintf("%s requires a justification from the approver", st.DisplayName)}).WithKey("err.approval.justificationRequired", "Stage", st.DisplayName)
	}
	switch {
	case v.Result == ReviewDeny:
		return StepDeny, nil
	case st.Index+1 < len(stages):
		return StepNextStage, nil
	}
	return StepDeliver, nil
}
