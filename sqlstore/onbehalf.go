package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// checkOnBehalf loads what entitled.CheckOnBehalf needs for a userAdd by a
// for targetID under p (group memberships, the target's managers) and
// applies it; an unknown target is a 400.
func (t *tx) checkOnBehalf(ctx context.Context, a *entitled.Actor, p *entitled.AssignmentPolicy, targetID string) error {
	if _, err := t.loadUser(ctx, targetID); err != nil {
		if entitled.ErrorKind(err) == entitled.KindNotFound {
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "assignment.targetId",
				Message: fmt.Sprintf("target user %q does not exist", targetID)}).WithKey("err.request.targetNotFound", "ID", targetID)
		}
		return err
	}
	f := entitled.OnBehalfFacts{RequestorMemberOf: map[string]bool{}, TargetMemberOf: map[string]bool{}}
	requestorGroups, targetGroups := entitled.OnBehalfGroups(p)
	for _, m := range []struct {
		user   string
		groups []string
		into   map[string]bool
	}{{a.User.ID, requestorGroups, f.RequestorMemberOf}, {targetID, targetGroups, f.TargetMemberOf}} {
		for _, g := range m.groups {
			ok, err := t.isGroupMember(ctx, g, m.user)
			if err != nil {
				return err
			}
			m.into[g] = ok
		}
	}
	var err error
	if f.TargetManagers, err = t.managers(ctx, targetID, entitled.OnBehalfManagerLevels(p)); err != nil {
		return err
	}
	return entitled.CheckOnBehalf(p, a.User.ID, targetID, f)
}

// managers returns the user's managers, level 1 first, up to levels deep;
// fewer when the chain ends.
func (t *tx) managers(ctx context.Context, userID string, levels int) ([]string, error) {
	var out []string
	cur := userID
	for range levels {
		var mgr sql.NullString
		err := t.queryRow(ctx, `SELECT manager_id FROM users WHERE id = ?`, cur).Scan(&mgr)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if !mgr.Valid || mgr.String == "" {
			break
		}
		cur = mgr.String
		out = append(out, cur)
	}
	return out, nil
}
