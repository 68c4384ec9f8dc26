package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/entitled-dev/entitled"
)

// Membership targets: the Target of the 404 *entitled.Error returned by
// GrantMembership and RevokeMembership says which of the two was unknown.
const (
	MembershipTargetGroup = "group"
	MembershipTargetUser  = "user"
)

// DirectoryGroup loads a group of the built-in directory for the directory
// connector, without authorization (the delivery engine calls it).
func (s *Store) DirectoryGroup(ctx context.Context, id string) (*entitled.Group, error) {
	var g entitled.Group
	var created string
	err := s.db.SQL.QueryRowContext(ctx, s.db.rebind(`SELECT id, display_name, description, mail_nickname, created_at
		FROM groups WHERE id = ?`), id).Scan(&g.ID, &g.DisplayName, &g.Description, &g.MailNickname, &created)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, &entitled.Error{Kind: entitled.KindNotFound, Code: entitled.CodeNotFound,
				Target: MembershipTargetGroup, Message: "group " + id + " does not exist in the directory"}
		}
		return nil, err
	}
	g.CreatedDateTime = parseTime(created)
	return &g, nil
}

// GrantMembership adds the user to the group of the built-in directory; a
// member already is left alone. It does no authorization: the delivery
// engine calls it as the system. The change and its audit event commit
// together; a 404 *entitled.Error (Target "group" or "user") names what is
// unknown.
func (s *Store) GrantMembership(ctx context.Context, groupID, userID string) error {
	return s.ApplyMemberships(ctx, []entitled.MembershipChange{{GroupID: groupID, UserID: userID, Add: true}})[0]
}

// RevokeMembership removes the user from the group; not being a member is
// success. Unknown group or user → 404 *entitled.Error.
func (s *Store) RevokeMembership(ctx context.Context, groupID, userID string) error {
	return s.ApplyMemberships(ctx, []entitled.MembershipChange{{GroupID: groupID, UserID: userID}})[0]
}

// membershipCheck returns the group's display name after checking that the
// group and the user exist.
func (s *Store) membershipCheck(ctx context.Context, t *tx, groupID, userID string) (string, error) {
	var name string
	err := t.queryRow(ctx, `SELECT display_name FROM groups WHERE id = ?`, groupID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", &entitled.Error{Kind: entitled.KindNotFound, Code: entitled.CodeNotFound,
			Target: MembershipTargetGroup, Message: "group " + groupID + " does not exist in the directory"}
	}
	if err != nil {
		return "", err
	}
	var one int
	err = t.queryRow(ctx, `SELECT 1 FROM users WHERE id = ?`, userID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return "", &entitled.Error{Kind: entitled.KindNotFound, Code: entitled.CodeNotFound,
			Target: MembershipTargetUser, Message: "user " + userID + " does not exist in the directory"}
	}
	if err != nil {
		return "", err
	}
	return name, nil
}

// ApplyMemberships applies several membership changes in one transaction,
// auditing each change that alters a row. An unknown group or user fails
// only its own change; any other error fails them all. It needs no store
// lock: the insert or delete itself says whether the row changed (and so
// whether to audit), and foreign keys refuse a group or user deleted since
// the check.
func (s *Store) ApplyMemberships(ctx context.Context, changes []entitled.MembershipChange) []error {
	errs := make([]error, len(changes))
	err := s.inUnlockedTx(ctx, func(t *tx) error {
		for i, ch := range changes {
			name, err := s.membershipCheck(ctx, t, ch.GroupID, ch.UserID)
			if err != nil {
				if entitled.ErrorKind(err) == entitled.KindNotFound {
					errs[i] = err
					continue
				}
				return err
			}
			if err := s.applyMembership(ctx, t, ch, name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
	}
	return errs
}

// applyMembership inserts or deletes one membership row and audits a change.
func (s *Store) applyMembership(ctx context.Context, t *tx, ch entitled.MembershipChange, groupName string) error {
	q, activity, op := `DELETE FROM group_members WHERE group_id = ? AND user_id = ?`, "Remove member from group", "Delete"
	if ch.Add {
		q, activity, op = `INSERT INTO group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, "Add member to group", "Add"
	}
	res, err := t.exec(ctx, q, ch.GroupID, ch.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // nothing changed, nothing to audit
	}
	snap := map[string]string{"groupId": ch.GroupID, "userId": ch.UserID}
	e := auditEntry{Activity: activity, Operation: op, TargetID: ch.GroupID, TargetType: "Group", TargetName: groupName}
	if ch.Add {
		e.After = snap
	} else {
		e.Before = snap
	}
	return s.audit(ctx, t, entitled.SystemActor, e)
}

// DirectoryGroups lists groups for the directory connector's browsing: by
// id after the one given, display name containing search.
func (s *Store) DirectoryGroups(ctx context.Context, search, after string, limit int) ([]entitled.Group, error) {
	pattern := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(search)) + "%"
	rows, err := s.db.SQL.QueryContext(ctx, s.db.rebind(`SELECT id, display_name, description, mail_nickname, created_at FROM groups
		WHERE id > ? AND LOWER(display_name) LIKE ? ESCAPE '\' ORDER BY id LIMIT ?`), after, pattern, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []entitled.Group
	for rows.Next() {
		var g entitled.Group
		var created string
		if err := rows.Scan(&g.ID, &g.DisplayName, &g.Description, &g.MailNickname, &created); err != nil {
			return nil, err
		}
		g.CreatedDateTime = parseTime(created)
		out = append(out, g)
	}
	return out, rows.Err()
}
