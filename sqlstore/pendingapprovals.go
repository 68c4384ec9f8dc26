package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/entitled-dev/entitled"
)

// pendingApprovalsFor lists ids of requests pending approval whose stage in
// progress the user may decide. It reads the policies of pending requests,
// works out which of their stages could name the user (directly, through a
// group the user is in, or as the target's manager at some level) and asks
// only for the requests at those stages, not for every pending request;
// approvers then decides each of those (fallback approvers count only when
// the primary ones name nobody; escalation approvers once the stage has
// escalated). Errors, a policy's included, are returned.
func (t *tx) pendingApprovalsFor(ctx context.Context, userID string) ([]string, error) {
	policies, err := t.pendingPolicies(ctx)
	if err != nil || len(policies) == 0 {
		return []string{}, err
	}
	groups, err := t.userGroupIDs(ctx, userID)
	if err != nil {
		return nil, err
	}
	cands := approvalCandidates(policies, userID, groups)
	if len(cands) == 0 {
		return []string{}, nil
	}
	var conds []string
	// The user's own requests are left out (entitled.CheckNotOwnRequest).
	args := []any{entitled.StageInProgress, string(entitled.StatePendingApproval), userID, userID}
	for _, c := range cands {
		cond, ids, err := t.db.idIn("r.policy_id", c.policyIDs)
		if err != nil {
			return nil, err
		}
		args = append(append(args, c.idx), ids...)
		if c.level == 0 {
			conds = append(conds, "(st.idx = ? AND "+cond+")")
			continue
		}
		conds = append(conds, "(st.idx = ? AND "+cond+" AND r.target_id IN ("+reportsAt(c.level)+"))")
		args = append(args, userID)
	}
	rows, err := t.bulkQuery(ctx, `SELECT r.id, r.policy_id, r.target_id, st.idx, st.started_at FROM assignment_requests r
		JOIN approval_stages st ON st.request_id = r.id AND st.status = ?
		WHERE r.state = ? AND r.target_id <> ? AND r.requestor_id <> ? AND (`+strings.Join(conds, " OR ")+`)
		ORDER BY r.id`, args...)
	if err != nil {
		return nil, err
	}
	type pend struct {
		id, policy, target string
		idx                int
		started            sql.NullString
	}
	var ps []pend
	for rows.Next() {
		var p pend
		if err := rows.Scan(&p.id, &p.policy, &p.target, &p.idx, &p.started); err != nil {
			rows.Close()
			return nil, err
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids := []string{}
	for _, p := range ps {
		st := &entitled.ApprovalStageRecord{Index: p.idx, Status: entitled.StageInProgress, StartedDateTime: parseTimePtr(p.started)}
		who, err := t.deciders(ctx, policies[p.policy], st, p.target)
		if err != nil {
			return nil, err
		}
		if who[userID] {
			ids = append(ids, p.id)
		}
	}
	return ids, nil
}

// approvalCandidate is a stage index of some policies whose approvers may
// include the user: always (level 0), or when the user is the target's
// manager at that level.
type approvalCandidate struct {
	idx, level int
	policyIDs  []any
}

// approvalCandidates lists, for each stage index and manager level, the
// policies whose primary or fallback approvers of that stage (or, with
// escalation enabled, its escalation approvers) could name the user; groups
// holds the groups the user is a member of.
func approvalCandidates(policies map[string]*entitled.AssignmentPolicy, userID string, groups map[string]bool) []approvalCandidate {
	type key struct{ idx, level int }
	byKey := map[key][]any{}
	add := func(k key, id string) {
		if !slices.Contains(byKey[k], any(id)) {
			byKey[k] = append(byKey[k], id)
		}
	}
	for id, p := range policies {
		for idx, st := range p.RequestApprovalSettings.Stages {
			sets := slices.Concat(st.PrimaryApprovers, st.FallbackPrimaryApprovers)
			if st.IsEscalationEnabled {
				sets = slices.Concat(sets, st.EscalationApprovers, st.FallbackEscalationApprovers)
			}
			for _, ss := range sets {
				switch ss.Type {
				case entitled.SubjectSingleUser:
					if ss.UserID == userID {
						add(key{idx, 0}, id)
					}
				case entitled.SubjectGroupMembers:
					if groups[ss.GroupID] {
						add(key{idx, 0}, id)
					}
				case entitled.SubjectRequestorManager:
					add(key{idx, max(ss.ManagerLevel, 1)}, id)
				}
			}
		}
	}
	out := make([]approvalCandidate, 0, len(byKey))
	for k, ids := range byKey {
		slices.SortFunc(ids, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
		out = append(out, approvalCandidate{idx: k.idx, level: k.level, policyIDs: ids})
	}
	slices.SortFunc(out, func(a, b approvalCandidate) int {
		if a.idx != b.idx {
			return a.idx - b.idx
		}
		return a.level - b.level
	})
	return out
}

// reportsAt is a subquery of the users whose manager at the given level
// (1: their manager) is the user bound to its one placeholder.
func reportsAt(level int) string {
	q := `SELECT id FROM users WHERE manager_id = ?`
	for i := 1; i < level; i++ {
		q = fmt.Sprintf(`SELECT id FROM users WHERE manager_id IN (%s)`, q)
	}
	return q
}

// pendingPolicies loads the policies of requests pending approval, by id.
func (t *tx) pendingPolicies(ctx context.Context) (map[string]*entitled.AssignmentPolicy, error) {
	rows, err := t.query(ctx, `SELECT `+policyCols+` FROM policies WHERE id IN
		(SELECT policy_id FROM assignment_requests WHERE state = ?)`, string(entitled.StatePendingApproval))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*entitled.AssignmentPolicy{}
	for rows.Next() {
		p, err := scanPolicy(rows)
		if err != nil {
			return nil, fmt.Errorf("policy of a pending request: %w", err)
		}
		out[p.ID] = p
	}
	return out, rows.Err()
}

// userGroupIDs returns the groups the user is a direct member of.
func (t *tx) userGroupIDs(ctx context.Context, userID string) (map[string]bool, error) {
	rows, err := t.query(ctx, `SELECT group_id FROM group_members WHERE user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
