package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// Approvals: the stages of a request's approval, who approves each, and
// their decisions (the rules: entitled.StageReview.Decide, entitled.CheckNotOwnRequest).

const stageCols = `id, request_id, idx, display_name, status, review_result, justification, reviewed_by, reviewed_at, due_at,
	started_at`

func scanStage(r scanner) (*entitled.ApprovalStageRecord, error) {
	var st entitled.ApprovalStageRecord
	var by string
	var reviewed, due, started sql.NullString
	if err := r.Scan(&st.ID, &st.RequestID, &st.Index, &st.DisplayName, &st.Status, &st.ReviewResult, &st.Justification,
		&by, &reviewed, &due, &started); err != nil {
		return nil, err
	}
	if by != "" {
		var a entitled.AuditActor
		if json.Unmarshal([]byte(by), &a) == nil {
			st.ReviewedBy = &a
		}
	}
	st.ReviewedDateTime = parseTimePtr(reviewed)
	st.DueDateTime = parseTimePtr(due)
	st.StartedDateTime = parseTimePtr(started)
	return &st, nil
}

func (t *tx) loadStages(ctx context.Context, requestID string) ([]entitled.ApprovalStageRecord, error) {
	stages, err := queryRows(ctx, t, `SELECT `+stageCols+` FROM approval_stages WHERE request_id = ? ORDER BY idx`, []any{requestID}, valueOf(scanStage))
	return append([]entitled.ApprovalStageRecord{}, stages...), err
}

// createStages writes the approval stages of a request under the policy:
// the first in progress (with its time-out job), the others not started.
func (lc *lifecycle) createStages(ctx context.Context, t *tx, q *reqRow, p *entitled.AssignmentPolicy) error {
	for i := range p.RequestApprovalSettings.Stages {
		status := entitled.StageNotStarted
		if i == 0 {
			status = entitled.StageInProgress
		}
		id := newID()
		if _, err := t.exec(ctx, `INSERT INTO approval_stages (id, request_id, idx, display_name, status) VALUES (?,?,?,?,?)`,
			id, q.ID, i, fmt.Sprintf("Stage %d", i+1), status); err != nil {
			return fmt.Errorf("insert approval stage: %w", err)
		}
		if i == 0 {
			if err := lc.startStage(ctx, t, q, p, id, 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// startStage puts a stage in progress with its due time and time-out job.
func (lc *lifecycle) startStage(ctx context.Context, t *tx, q *reqRow, p *entitled.AssignmentPolicy, stageID string, idx int) error {
	var due any
	var d = p.RequestApprovalSettings.Stages[idx].DurationBeforeAutomaticDenial
	if d > 0 {
		at := t.now().Add(d)
		due = fmtTime(at)
		if err := lc.enqueue(ctx, t, entitled.Job{Kind: entitled.JobApprovalTimeout, RequestID: q.ID, StageID: stageID,
			RunAt: at}); err != nil {
			return err
		}
	}
	if _, err := t.exec(ctx, `UPDATE approval_stages SET status = ?, due_at = ?, started_at = ? WHERE id = ?`,
		entitled.StageInProgress, due, fmtTime(t.now()), stageID); err != nil {
		return err
	}
	t.emit(entitled.StageEvent(entitled.EventStagePending, q.ID, stageID, idx, "", "", t.now()))
	return lc.queueNotices(ctx, t, entitled.StageNotices(q.ID, stageID, p.RequestApprovalSettings.Stages[idx], t.now()))
}

// approvers returns the user ids who may decide stage idx of a request for
// target under the policy: its primary approvers, or its fallback approvers
// when the primary ones name nobody.
func (t *tx) approvers(ctx context.Context, p *entitled.AssignmentPolicy, idx int, targetID string) (map[string]bool, error) {
	stages := p.RequestApprovalSettings.Stages
	if idx < 0 || idx >= len(stages) {
		return map[string]bool{}, nil
	}
	return t.resolveWithFallback(ctx, stages[idx].PrimaryApprovers, stages[idx].FallbackPrimaryApprovers, targetID)
}

// resolveWithFallback resolves the subject sets of a stage's approvers,
// or, when they name nobody, its fallback sets.
func (t *tx) resolveWithFallback(ctx context.Context, sets, fallback []entitled.SubjectSet, targetID string) (map[string]bool, error) {
	ids, err := t.resolveSubjects(ctx, sets, targetID)
	if err != nil || len(ids) > 0 {
		return ids, err
	}
	return t.resolveSubjects(ctx, fallback, targetID)
}

// deciders returns the user ids who may decide a stage of a request for
// target now: its approvers and, once it has escalated
// (entitled.ApprovalStage.Escalated), its escalation approvers.
func (t *tx) deciders(ctx context.Context, p *entitled.AssignmentPolicy, st *entitled.ApprovalStageRecord, targetID string) (map[string]bool, error) {
	ids, err := t.approvers(ctx, p, st.Index, targetID)
	stages := p.RequestApprovalSettings.Stages
	if err != nil || st.Index >= len(stages) || st.Status != entitled.StageInProgress ||
		!stages[st.Index].Escalated(st.StartedDateTime, t.now()) {
		return ids, err
	}
	more, err := t.escalationApprovers(ctx, p, st.Index, targetID)
	if err != nil {
		return nil, err
	}
	for id := range more {
		ids[id] = true
	}
	return ids, nil
}

// resolveSubjects turns subject sets into user ids, now.
func (t *tx) resolveSubjects(ctx context.Context, sets []entitled.SubjectSet, targetID string) (map[string]bool, error) {
	ids := map[string]bool{}
	for _, ss := range sets {
		switch ss.Type {
		case entitled.SubjectSingleUser:
			if ss.UserID != "" {
				ids[ss.UserID] = true
			}
		case entitled.SubjectGroupMembers:
			members, err := t.groupMemberIDs(ctx, ss.GroupID)
			if err != nil {
				return nil, err
			}
			for _, m := range members {
				ids[m] = true
			}
		case entitled.SubjectRequestorManager:
			level := max(ss.ManagerLevel, 1)
			chain, err := t.managers(ctx, targetID, level)
			if err != nil {
				return nil, err
			}
			if len(chain) == level {
				ids[chain[level-1]] = true
			}
		}
	}
	return ids, nil
}

// isApproverOf reports whether the user approves any stage of the request
// (now, or did decide one).
func (t *tx) isApproverOf(ctx context.Context, userID string, q *reqRow) (bool, error) {
	stages, err := t.loadStages(ctx, q.ID)
	if err != nil || len(stages) == 0 {
		return false, err
	}
	for _, st := range stages {
		if st.ReviewedBy != nil && st.ReviewedBy.UserID == userID {
			return true, nil
		}
	}
	p, err := t.loadPolicy(ctx, q.AssignmentPolicyID)
	if err != nil {
		return false, nil
	}
	for i := range stages {
		ids, err := t.deciders(ctx, p, &stages[i], q.TargetID)
		if err != nil {
			return false, err
		}
		if ids[userID] {
			return true, nil
		}
	}
	return false, nil
}

// ApprovalStages lists the stages of a request's approval, for its target
// and requestor, its approvers and holders of OpViewRequests.
func (s *ApprovalService) ApprovalStages(ctx context.Context, requestID string) ([]entitled.ApprovalStageRecord, error) {
	var out []entitled.ApprovalStageRecord
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) error {
		q, err := t.loadRequest(ctx, requestID)
		if err != nil {
			return err
		}
		if ok, err := t.canSeeRequest(ctx, a, q); err != nil {
			return err
		} else if !ok {
			return entitled.NotFoundf("access package assignment approval %q was not found", requestID).WithKey("err.approval.notFound", "ID", requestID)
		}
		if out, err = t.loadStages(ctx, requestID); err != nil {
			return err
		}
		return s.markAssignedToMe(ctx, t, a, q, out)
	})
	return out, err
}

// markAssignedToMe computes AssignedToMe of in-progress stages.
func (s *ApprovalService) markAssignedToMe(ctx context.Context, t *tx, a *entitled.Actor, q *reqRow, stages []entitled.ApprovalStageRecord) error {
	if entitled.CheckNotOwnRequest(a.User.ID, &q.AssignmentRequest) != nil || q.State != entitled.StatePendingApproval {
		return nil
	}
	for i := range stages {
		if stages[i].Status != entitled.StageInProgress {
			continue
		}
		p, err := t.loadPolicy(ctx, q.AssignmentPolicyID)
		if err != nil {
			return nil
		}
		ids, err := t.deciders(ctx, p, &stages[i], q.TargetID)
		if err != nil {
			return err
		}
		stages[i].AssignedToMe = ids[a.User.ID]
	}
	return nil
}

// ApprovalStage reads one stage of a request's approval.
func (s *ApprovalService) ApprovalStage(ctx context.Context, requestID, stageID string) (*entitled.ApprovalStageRecord, error) {
	stages, err := s.ApprovalStages(ctx, requestID)
	if err != nil {
		return nil, err
	}
	for i := range stages {
		if stages[i].ID == stageID {
			return &stages[i], nil
		}
	}
	return nil, entitled.NotFoundf("approval stage %q of request %s was not found", stageID, requestID).WithKey("err.approval.stageNotFound", "Stage", stageID, "ID", requestID)
}

// DecideApprovalStage records an approver's Approve or Deny of the stage in
// progress. Denial ends the request; approval of the last stage starts (or
// schedules) delivery; approval of an earlier stage starts the next one.
func (s *ApprovalService) DecideApprovalStage(ctx context.Context, requestID, stageID, reviewResult, justification string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	result, err := entitled.ParseReviewResult(reviewResult)
	if err != nil {
		return err
	}
	return s.db.changeLifecycle(ctx, func(t *tx) error {
		q, err := t.lockRequest(ctx, requestID)
		if err != nil {
			return err
		}
		st, err := scanStage(t.queryRow(ctx, `SELECT `+stageCols+` FROM approval_stages WHERE id = ? AND request_id = ?`,
			stageID, requestID))
		if err != nil {
			return notFound(err, "approval stage", stageID)
		}
		if err := entitled.CheckNotOwnRequest(a.User.ID, &q.AssignmentRequest); err != nil {
			return err
		}
		p, err := t.loadPolicy(ctx, q.AssignmentPolicyID)
		if err != nil {
			return err
		}
		ids, err := t.deciders(ctx, p, st, q.TargetID)
		if err != nil {
			return err
		}
		step, err := entitled.StageReview{Request: &q.AssignmentRequest, Stage: st, Policy: p, ReviewerID: a.User.ID,
			IsApprover: ids[a.User.ID], Result: result, Justification: justification}.Decide()
		if err != nil {
			return err
		}
		by, _ := json.Marshal(entitled.AuditActorOf(a))
		now := t.now()
		res, err := t.exec(ctx, `UPDATE approval_stages SET status = ?, review_result = ?, justification = ?, reviewed_by = ?,
			reviewed_by_id = ?, reviewed_at = ? WHERE id = ? AND status = ?`, entitled.StageCompleted, result, justification, string(by),
			a.User.ID, fmtTime(now), stageID, entitled.StageInProgress)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return entitled.Errorf(entitled.KindConflict, entitled.CodeAlreadyDecided, "%s of request %s was decided meanwhile", st.DisplayName, q.ID).WithKey("err.approval.decidedMeanwhile", "Stage", st.DisplayName, "ID", q.ID)
		}
		t.emit(entitled.StageEvent(stageEventOf(result), q.ID, stageID, st.Index, a.User.ID, justification, now))
		if step == entitled.StepDeny {
			return s.lc.setRequestState(ctx, t, a, q, entitled.StateDenied, &now, "Deny access package assignment request")
		}
		if err := t.audit(ctx, a, auditEntry{Activity: "Approve access package assignment request", Operation: "Update",
			TargetID: q.ID, TargetType: requestTargetType, TargetName: st.DisplayName, CatalogID: q.CatalogID,
			Before: map[string]string{"state": string(q.State)}, After: map[string]string{"state": string(q.State)}}); err != nil {
			return err
		}
		if step == entitled.StepNextStage {
			next := st.Index + 1
			var nextID string
			if err := t.queryRow(ctx, `SELECT id FROM approval_stages WHERE request_id = ? AND idx = ?`, q.ID, next).Scan(&nextID); err != nil {
				return fmt.Errorf("next stage: %w", err)
			}
			if err := s.lc.startStage(ctx, t, q, p, nextID, next); err != nil {
				return err
			}
			res, err := t.exec(ctx, `UPDATE assignment_requests SET version = version + 1 WHERE id = ? AND version = ?`, q.ID, q.version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errChanged(q.ID)
			}
			return nil
		}
		if q.RequestType.IsUpdate() {
			return s.lc.applyUpdate(ctx, t, a, q)
		}
		if err := t.checkNoLiveAssignment(ctx, q.TargetID, q.AccessPackageID, q.ID); err != nil {
			return err
		}
		if err := t.checkCompatible(ctx, q.TargetID, q.AccessPackageID); err != nil {
			return err
		}
		return s.lc.startOrSchedule(ctx, t, a, q, nil, false)
	})
}

// timeOutStage denies a request whose stage is still in progress.
func (s *DeliveryService) timeOutStage(ctx context.Context, t *tx, requestID, stageID string) error {
	q, err := t.lockRequest(ctx, requestID)
	if err != nil {
		return ignoreNotFound(err)
	}
	if q.State != entitled.StatePendingApproval {
		return nil
	}
	now := t.now()
	res, err := t.exec(ctx, `UPDATE approval_stages SET status = ?, reviewed_at = ? WHERE id = ? AND request_id = ? AND status = ?`,
		entitled.StageExpired, fmtTime(now), stageID, requestID, entitled.StageInProgress)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	var idx int
	if err := t.queryRow(ctx, `SELECT idx FROM approval_stages WHERE id = ?`, stageID).Scan(&idx); err != nil {
		return err
	}
	t.emit(entitled.StageEvent(entitled.EventStageTimedOut, q.ID, stageID, idx, "", "", now))
	return s.lc.setRequestState(ctx, t, entitled.SystemActor, q, entitled.StateDenied, &now, "Request denied: approval timed out")
}
