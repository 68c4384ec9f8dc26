package sqlstore

import (
	"context"
	"database/sql"
	"errors"

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
	return s.inTx(ctx, func(t *tx) error {
		name, err := s.membershipCheck(ctx, t, groupID, userID)
		if err != nil {
			return err
		}
		res, err := t.exec(ctx, `INSERT INTO group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			groupID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already a member: nothing changed, nothing to audit
		}
		return s.audit(ctx, t, entitled.SystemActor, auditEntry{Activity: "Add member to group", Operation: "Add",
			TargetID: groupID, TargetType: "Group", TargetName: name,
			After: map[string]string{"groupId": groupID, "userId": userID}})
	})
}

// RevokeMembership removes the user from the group of the built-in
// directory; a non-member is success. Like GrantMembership it does no
// authorization and audits the change in the same transaction.
func (s *Store) RevokeMembership(ctx context.Context, groupID, userID string) error {
	return s.inTx(ctx, func(t *tx) error {
		name, err := s.membershipCheck(ctx, t, groupID, userID)
		if err != nil {
			return err
		}
		res, err := t.exec(ctx, `DELETE FROM group_members WHERE group_id = ? AND user_id = ?`, groupID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // not a member: nothing changed, nothing to audit
		}
		return s.audit(ctx, t, entitled.SystemActor, auditEntry{Activity: "Remove member from group", Operation: "Delete",
			TargetID: groupID, TargetType: "Group", TargetName: name,
			Before: map[string]string{"groupId": groupID, "userId": userID}})
	})
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
