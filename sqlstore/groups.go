package sqlstore

import (
	"context"
	"strings"

	"github.com/entitled-dev/entitled"
)

// groupFields are the filterable properties of groups.
var groupFields = columnFields("id, display_name", nil)

const groupCols = `id, display_name, description, mail_nickname, created_at`

func scanGroup(r scanner) (*entitled.Group, error) {
	var g entitled.Group
	var created string
	if err := r.Scan(&g.ID, &g.DisplayName, &g.Description, &g.MailNickname, &created); err != nil {
		return nil, err
	}
	g.CreatedDateTime = parseTime(created)
	return &g, nil
}

func (t *tx) loadGroup(ctx context.Context, id string) (*entitled.Group, error) {
	return loadRow(ctx, t, scanGroup, groupCols, "groups", "group", id)
}

func needDisplayName(name string) error {
	if strings.TrimSpace(name) == "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "displayName", Message: "displayName is required"}).WithKey("err.group.nameRequired")
	}
	return nil
}

// CreateGroup adds a group to the built-in directory (OpManageUsers).
func (s *GroupService) CreateGroup(ctx context.Context, g *entitled.Group) error {
	a, err := authorized(ctx, entitled.OpManageUsers, "")
	if err != nil {
		return err
	}
	if err := needDisplayName(g.DisplayName); err != nil {
		return err
	}
	return s.db.change(ctx, func(t *tx) error {
		g.ID = newID()
		g.CreatedDateTime = t.now()
		if _, err := t.exec(ctx, `INSERT INTO groups (id, display_name, description, mail_nickname, created_at) VALUES (?,?,?,?,?)`,
			g.ID, g.DisplayName, g.Description, g.MailNickname, fmtTime(g.CreatedDateTime)); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Create group", Operation: "Add", TargetID: g.ID, TargetType: "Group",
			TargetName: g.DisplayName, After: g})
	})
}

// Group reads a group; any authenticated caller may.
func (s *GroupService) Group(ctx context.Context, id string) (*entitled.Group, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	var g *entitled.Group
	err := s.db.read(ctx, func(t *tx) (err error) { g, err = t.loadGroup(ctx, id); return err })
	return g, err
}

// Groups lists groups, filterable on id and displayName.
func (s *GroupService) Groups(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.Group], error) {
	if _, err := actor(ctx); err != nil {
		return entitled.Page[entitled.Group]{}, err
	}
	return listRows(ctx, s.db, opt, groupFields, "groups", "id", groupCols, "", nil, valueOf(scanGroup), func(g entitled.Group) string { return g.ID })
}

// UpdateGroup applies a PATCH to a group (OpManageUsers).
func (s *GroupService) UpdateGroup(ctx context.Context, id string, upd entitled.GroupUpdate) (*entitled.Group, error) {
	var out *entitled.Group
	err := s.db.changeAuthorized(ctx, entitled.OpManageUsers, "", func(t *tx, a *entitled.Actor) error {
		g, err := t.loadGroup(ctx, id)
		if err != nil {
			return err
		}
		before := *g
		if err := patchNames(&g.DisplayName, &g.Description, upd.DisplayName, upd.Description); err != nil {
			return err
		}
		if upd.MailNickname != nil {
			g.MailNickname = *upd.MailNickname
		}
		if _, err := t.exec(ctx, `UPDATE groups SET display_name = ?, description = ?, mail_nickname = ? WHERE id = ?`,
			g.DisplayName, g.Description, g.MailNickname, g.ID); err != nil {
			return err
		}
		out = g
		return t.audit(ctx, a, auditEntry{Activity: "Update group", Operation: "Update", TargetID: g.ID, TargetType: "Group",
			TargetName: g.DisplayName, Before: before, After: g})
	})
	return out, err
}

// DeleteGroup removes a group (OpManageUsers); 409 while a catalog holds it
// as a resource.
func (s *GroupService) DeleteGroup(ctx context.Context, id string) error {
	return s.db.changeAuthorized(ctx, entitled.OpManageUsers, "", func(t *tx, a *entitled.Actor) error {
		g, err := t.loadGroup(ctx, id)
		if err != nil {
			return err
		}
		if err := conflictIfAny(ctx, t, `SELECT catalog_id FROM resources WHERE system_id = ? AND origin_id = ? ORDER BY catalog_id`, []any{DirectorySystemID, g.ID}, func(cats string) error {
			return entitled.Conflictf("group %s is a resource in catalog(s) %s; remove it from them first", g.DisplayName, cats).WithKey("err.group.inCatalogs", "Group", g.DisplayName, "Catalogs", cats)
		}); err != nil {
			return err
		}
		return t.deleteRow(ctx, a, "groups", g.ID, auditEntry{Activity: "Delete group", Operation: "Delete", TargetID: g.ID, TargetType: "Group",
			TargetName: g.DisplayName, Before: g})
	})
}

// AddGroupMember adds a user to a group (OpManageUsers); adding a member
// twice is a 409.
func (s *GroupService) AddGroupMember(ctx context.Context, groupID, userID string) error {
	return s.addToGroup(ctx, groupMembers, groupID, userID)
}

// RemoveGroupMember removes a user from a group (OpManageUsers); 404 when
// the user is not a member.
func (s *GroupService) RemoveGroupMember(ctx context.Context, groupID, userID string) error {
	return s.removeFromGroup(ctx, groupMembers, groupID, userID)
}

// GroupMembers lists the users of a group, with the user filter fields.
func (s *GroupService) GroupMembers(ctx context.Context, groupID string, opt entitled.ListOptions) (entitled.Page[entitled.User], error) {
	return s.groupUsers(ctx, groupMembers, groupID, opt)
}
