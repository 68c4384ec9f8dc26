package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// TargetAccess lists the live (not expired) assignments of a request's
// target in the request's catalog, for the approval card: its approvers
// may read them while the request waits for approval
// (entitled.MayViewTargetAccess), holders of OpViewRequests in the catalog
// always; 403 otherwise, 404 for an unknown request.
func (s *RequestService) TargetAccess(ctx context.Context, requestID string) ([]entitled.Assignment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []entitled.Assignment
	err = s.db.read(ctx, func(t *tx) error {
		q, err := t.loadRequest(ctx, requestID)
		if err != nil {
			return err
		}
		approves, err := t.isApproverOf(ctx, a.User.ID, q)
		if err != nil {
			return err
		}
		if err := entitled.MayViewTargetAccess(a, &q.AssignmentRequest, approves); err != nil {
			return err
		}
		out, err = t.assignmentsWhere(ctx, `target_id = ? AND catalog_id = ? AND state <> 'expired' ORDER BY created_at, id`, q.TargetID, q.CatalogID)
		return err
	})
	return out, err
}

// assignmentsWhere reads the assignments a condition (with its ORDER BY)
// selects.
func (t *tx) assignmentsWhere(ctx context.Context, cond string, args ...any) ([]entitled.Assignment, error) {
	rows, err := t.query(ctx, `SELECT `+assignmentCols+` FROM assignments WHERE `+cond, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []entitled.Assignment
	for rows.Next() {
		as, _, err := scanAssignment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *as)
	}
	return out, rows.Err()
}
