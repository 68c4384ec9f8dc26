package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// move queues the notices of a mover (entitled.MoverNotices): the approval
// stages in progress of the user's pending requests that ask the
// requestor's manager tell their approvers, now the new manager, again.
func (lc *lifecycle) move(ctx context.Context, t *tx, userID string) error {
	type stage struct {
		request, policy, id string
		idx                 int
	}
	stages, err := queryRows(ctx, t, `SELECT r.id, r.policy_id, st.id, st.idx FROM assignment_requests r
		JOIN approval_stages st ON st.request_id = r.id AND st.status = ?
		WHERE r.target_id = ? AND r.state = ? ORDER BY r.id`, []any{entitled.StageInProgress, userID, string(entitled.StatePendingApproval)},
		func(r scanner) (s stage, err error) {
			err = r.Scan(&s.request, &s.policy, &s.id, &s.idx)
			return s, err
		})
	if err != nil {
		return err
	}
	var notices []entitled.Notice
	for _, s := range stages {
		p, err := t.loadPolicy(ctx, s.policy)
		if err != nil {
			return err
		}
		if st := p.RequestApprovalSettings.Stages; s.idx < len(st) {
			notices = append(notices, entitled.MoverNotices(s.request, s.id, st[s.idx])...)
		}
	}
	return lc.queueNotices(ctx, t, notices)
}
