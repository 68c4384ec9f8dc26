package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/entitled-dev/entitled"
)

// Members and owners of a group are two relations of the same shape: users
// linked to a group, managed by those who may manage users and groups. An
// owner of a directory group may add it to a catalog they own
// (entitled.MayAddResource).

// groupRelation is one of the user-to-group relations.
type groupRelation struct {
	table string // group_members or group_owners
	noun  string // member or owner, in audit
	aNoun string // "a member" or "an owner", in messages
}

var (
	groupMembers = groupRelation{table: "group_members", noun: "member", aNoun: "a member"}
	groupOwners  = groupRelation{table: "group_owners", noun: "owner", aNoun: "an owner"}
)

// AddGroupOwner makes a user an owner of a group (OpManageUsers); adding an
// owner twice is a 409.
func (s *GroupService) AddGroupOwner(ctx context.Context, groupID, userID string) error {
	return s.addToGroup(ctx, groupOwners, groupID, userID)
}

// RemoveGroupOwner removes an owner of a group (OpManageUsers); 404 when the
// user is not an owner. Resources the owner added to catalogs stay.
func (s *GroupService) RemoveGroupOwner(ctx context.Context, groupID, userID string) error {
	return s.removeFromGroup(ctx, groupOwners, groupID, userID)
}

// GroupOwners lists the owners of a group, with the user filter fields.
func (s *GroupService) GroupOwners(ctx context.Context, groupID string, opt entitled.ListOptions) (entitled.Page[entitled.User], error) {
	return s.groupUsers(ctx, groupOwners, groupID, opt)
}

// addToGroup links a user to a group; linking twice is a 409.
func (s *GroupService) addToGroup(ctx context.Context, rel groupRelation, groupID, userID string) error {
	return s.db.changeAuthorized(ctx, entitled.OpManageUsers, "", func(t *tx, a *entitled.Actor) error {
		g, err := t.loadGroup(ctx, groupID)
		if err != nil {
			return err
		}
		u, err := t.findUser(ctx, userID)
		if err != nil {
			return asInvalid(err, rel.noun)
		}
		_, err = t.exec(ctx, `INSERT INTO `+rel.table+` (group_id, user_id) VALUES (?,?)`, g.ID, u.ID)
		if isUniqueViolation(err) {
			return entitled.Conflictf("user %s is already %s of group %s", u.UserPrincipalName, rel.aNoun, g.DisplayName).WithKey("err.group.alreadyRelated", "User", u.UserPrincipalName, "RelationKey", "err.group."+rel.noun, "Group", g.DisplayName)
		}
		if err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Add " + rel.noun + " to group", Operation: "Update", TargetID: g.ID, TargetType: "Group",
			TargetName: g.DisplayName, After: map[string]string{rel.noun + "Id": u.ID, "userPrincipalName": u.UserPrincipalName}})
	})
}

// removeFromGroup unlinks a user from a group; 404 when not linked.
func (s *GroupService) removeFromGroup(ctx context.Context, rel groupRelation, groupID, userID string) error {
	return s.db.changeAuthorized(ctx, entitled.OpManageUsers, "", func(t *tx, a *entitled.Actor) error {
		g, err := t.loadGroup(ctx, groupID)
		if err != nil {
			return err
		}
		res, err := t.exec(ctx, `DELETE FROM `+rel.table+` WHERE group_id = ? AND user_id = ?`, g.ID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return entitled.NotFoundf("user %q is not %s of group %s", userID, rel.aNoun, g.DisplayName).WithKey("err.group.notRelated", "User", userID, "RelationKey", "err.group."+rel.noun, "Group", g.DisplayName)
		}
		return t.audit(ctx, a, auditEntry{Activity: "Remove " + rel.noun + " from group", Operation: "Update", TargetID: g.ID,
			TargetType: "Group", TargetName: g.DisplayName, Before: map[string]string{rel.noun + "Id": userID}})
	})
}

// groupUsers lists the users linked to a group, with the user filter fields.
func (s *GroupService) groupUsers(ctx context.Context, rel groupRelation, groupID string, opt entitled.ListOptions) (entitled.Page[entitled.User], error) {
	if _, err := actor(ctx); err != nil {
		return entitled.Page[entitled.User]{}, err
	}
	if err := s.db.read(ctx, func(t *tx) error { _, err := t.loadGroup(ctx, groupID); return err }); err != nil {
		return entitled.Page[entitled.User]{}, err
	}
	return listRows(ctx, s.db, opt, userFields, "users", "id", userCols,
		"id IN (SELECT user_id FROM "+rel.table+" WHERE group_id = ?)", []any{groupID}, valueOf(scanUser), func(u entitled.User) string { return u.ID })
}

// inGroup reports whether the user is linked to the group by rel.
func (t *tx) inGroup(ctx context.Context, rel groupRelation, groupID, userID string) (bool, error) {
	var one int
	err := t.queryRow(ctx, `SELECT 1 FROM `+rel.table+` WHERE group_id = ? AND user_id = ?`, groupID, userID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
