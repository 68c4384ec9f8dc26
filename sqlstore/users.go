package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"github.com/entitled-dev/entitled"
)

// userFields are the filterable properties of users.
var userFields = columnFields("id, user_principal_name, display_name, mail, external_id", fields{
	"accountenabled": {expr: "account_enabled", kind: colBool},
})

var upnPattern = regexp.MustCompile(`^[^@\s]+@[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`)

// checkUPN returns a 400 unless upn looks like name@domain.
func checkUPN(upn string) error {
	if !upnPattern.MatchString(upn) {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "userPrincipalName",
			Message: "userPrincipalName " + quoteStr(upn) + " must look like name@domain, e.g. alice@example.com"}).WithKey("err.user.badPrincipalName", "UPN", upn)
	}
	return nil
}

func quoteStr(s string) string { return "'" + s + "'" }

// findUser loads a user by id or userPrincipalName (case-insensitive).
func (t *tx) findUser(ctx context.Context, idOrUPN string) (*entitled.User, error) {
	u, err := scanUser(t.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ? OR upn_key = ?`, idOrUPN, strings.ToLower(idOrUPN)))
	if err != nil {
		return nil, notFound(err, "user", idOrUPN)
	}
	return u, nil
}

// directoryRolesOf lists the directory role definition ids a user holds.
func directoryRolesOf(ctx context.Context, t *tx, userID string) ([]string, error) {
	return idList(ctx, t, `SELECT role_definition_id FROM role_assignments WHERE principal_id = ? AND directory_scope_id = '/' ORDER BY id`, userID)
}

// mayChangeUser loads the directory roles of u and applies
// entitled.MayChangeUser: only a Global Administrator changes holders of a
// privileged role.
func mayChangeUser(ctx context.Context, t *tx, a *entitled.Actor, u *entitled.User) error {
	roles, err := directoryRolesOf(ctx, t, u.ID)
	if err != nil {
		return err
	}
	return entitled.MayChangeUser(a, roles)
}

func dupUPN(upn string) error {
	return (&entitled.Error{Kind: entitled.KindConflict, Code: entitled.CodeConflict, Target: "userPrincipalName",
		Message: "a user with userPrincipalName " + quoteStr(upn) + " already exists; userPrincipalNames are unique regardless of case"}).WithKey("err.user.principalNameTaken", "UPN", upn)
}

// insertUser validates and inserts a new user with its audit event.
func (t *tx) insertUser(ctx context.Context, a *entitled.Actor, u *entitled.User) error {
	if err := checkUPN(u.UserPrincipalName); err != nil {
		return err
	}
	if strings.TrimSpace(u.DisplayName) == "" {
		u.DisplayName, _, _ = strings.Cut(u.UserPrincipalName, "@")
	}
	lang, err := entitled.CheckPreferredLanguage(u.PreferredLanguage)
	if err != nil {
		return err
	}
	u.PreferredLanguage = lang
	if u.ManagerID != "" {
		if _, err := t.loadUser(ctx, u.ManagerID); err != nil {
			return asInvalid(err, "manager")
		}
	}
	if err := t.checkExternalID(ctx, u.ExternalID, ""); err != nil {
		return err
	}
	u.ID = newID()
	u.CreatedDateTime = t.now()
	_, err = t.exec(ctx, `INSERT INTO users (id, user_principal_name, upn_key, display_name, mail, account_enabled, manager_id, created_at, preferred_language, external_id)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, u.ID, u.UserPrincipalName, strings.ToLower(u.UserPrincipalName), u.DisplayName, u.Mail,
		boolInt(u.AccountEnabled), nullIfEmpty(u.ManagerID), fmtTime(u.CreatedDateTime), u.PreferredLanguage, nullIfEmpty(u.ExternalID))
	if err != nil {
		return userInsertFailed(err, u)
	}
	return t.audit(ctx, a, auditEntry{Activity: "Create user", Operation: "Add", TargetID: u.ID, TargetType: "User",
		TargetName: u.UserPrincipalName, After: u})
}

// asInvalid turns a 404 about a referenced object into a 400 naming it.
func asInvalid(err error, target string) error {
	var e *entitled.Error
	if errors.As(err, &e) && e.Kind == entitled.KindNotFound {
		return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: target, Message: e.Message,
			MessageKey: e.MessageKey, MessageArgs: e.MessageArgs}
	}
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateUser adds a user to the built-in directory (OpManageUsers).
//
// It takes no change lock: the database re-makes each check of insertUser
// as it inserts (the unique userPrincipalName and externalId, the
// manager's foreign key; userInsertFailed words what it refuses), so
// creations — an identity provider's SCIM pushes — run beside each other
// and beside lifecycle changes.
func (s *UserService) CreateUser(ctx context.Context, u *entitled.User) error {
	return runAs(ctx, mayDo(entitled.OpManageUsers, ""), s.db.changeUnlocked,
		func(t *tx, a *entitled.Actor) error { return t.insertUser(ctx, a, u) })
}

// User finds a user by id or userPrincipalName; any authenticated caller may.
func (s *UserService) User(ctx context.Context, id string) (*entitled.User, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	var u *entitled.User
	err := s.db.read(ctx, func(t *tx) (err error) { u, err = t.findUser(ctx, id); return err })
	return u, err
}

// Users lists users, filterable on id, userPrincipalName, displayName, mail
// and accountEnabled; any authenticated caller may.
func (s *UserService) Users(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.User], error) {
	if _, err := actor(ctx); err != nil {
		return entitled.Page[entitled.User]{}, err
	}
	return listRows(ctx, s.db, opt, userFields, "users", "id", userCols, notServicePrincipal, nil, valueOf(scanUser), func(u entitled.User) string { return u.ID })
}

// UpdateUser applies a PATCH to a user (OpManageUsers; holders of a
// privileged directory role only by a Global Administrator, MayChangeUser).
func (s *UserService) UpdateUser(ctx context.Context, id string, upd entitled.UserUpdate) (*entitled.User, error) {
	var out *entitled.User
	err := s.changeUser(ctx, id, func(t *tx, a *entitled.Actor, u *entitled.User) error {
		before := *u
		if upd.UserPrincipalName != nil {
			if err := checkUPN(*upd.UserPrincipalName); err != nil {
				return err
			}
			u.UserPrincipalName = *upd.UserPrincipalName
		}
		if upd.DisplayName != nil {
			if strings.TrimSpace(*upd.DisplayName) == "" {
				return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "displayName", Message: "displayName cannot be empty"}).WithKey("err.user.emptyName")
			}
			u.DisplayName = *upd.DisplayName
		}
		if upd.Mail != nil {
			u.Mail = *upd.Mail
		}
		if upd.AccountEnabled != nil {
			u.AccountEnabled = *upd.AccountEnabled
		}
		if upd.PreferredLanguage != nil {
			lang, err := entitled.CheckPreferredLanguage(*upd.PreferredLanguage)
			if err != nil {
				return err
			}
			u.PreferredLanguage = lang
		}
		if upd.ExternalID != nil {
			if err := t.checkExternalID(ctx, *upd.ExternalID, u.ID); err != nil {
				return err
			}
			u.ExternalID = *upd.ExternalID
		}
		_, err := t.exec(ctx, `UPDATE users SET user_principal_name = ?, upn_key = ?, display_name = ?, mail = ?, account_enabled = ?, preferred_language = ?, external_id = ? WHERE id = ?`,
			u.UserPrincipalName, strings.ToLower(u.UserPrincipalName), u.DisplayName, u.Mail, boolInt(u.AccountEnabled), u.PreferredLanguage, nullIfEmpty(u.ExternalID), u.ID)
		if isUniqueViolation(err) {
			return dupUPN(u.UserPrincipalName)
		}
		if err != nil {
			return err
		}
		out = u
		if err := t.audit(ctx, a, auditEntry{Activity: "Update user", Operation: "Update", TargetID: u.ID, TargetType: "User",
			TargetName: u.UserPrincipalName, Before: before, After: u}); err != nil {
			return err
		}
		return s.lc.accountChanged(ctx, t, a, before.AccountEnabled, u)
	})
	return out, err
}

// DeleteUser removes a user (OpManageUsers and MayChangeUser). A user with
// live assignments, open requests or request history cannot be deleted
// (409): remove their access first, or disable the account instead.
func (s *UserService) DeleteUser(ctx context.Context, id string) error {
	return s.changeUser(ctx, id, func(t *tx, a *entitled.Actor, u *entitled.User) error {
		if err := conflictIfAny(ctx, t, `SELECT id FROM assignments WHERE target_id = ? AND state <> 'expired' ORDER BY id LIMIT 5`, []any{u.ID}, func(live string) error {
			return entitled.Conflictf("user %s still has live access package assignments (%s); remove them before deleting the user",
				u.UserPrincipalName, live).WithKey("err.user.hasAssignments", "User", u.UserPrincipalName, "Assignments", live)
		}); err != nil {
			return err
		}
		if err := conflictIfAny(ctx, t, `SELECT id FROM assignment_requests WHERE target_id = ? ORDER BY id LIMIT 5`, []any{u.ID}, func(reqs string) error {
			return entitled.Conflictf("user %s has assignment request history (%s) that must be kept; disable the account (accountEnabled false) instead of deleting it",
				u.UserPrincipalName, reqs).WithKey("err.user.hasHistory", "User", u.UserPrincipalName, "Requests", reqs)
		}); err != nil {
			return err
		}
		// The user's tokens go with the user; what they minted for others
		// is revoked first, as when they are revoked.
		own, err := idList(ctx, t, `SELECT id FROM tokens WHERE user_id = ? ORDER BY id`, u.ID)
		if err != nil {
			return err
		}
		if err := t.revokeDescendants(ctx, a, own, t.now()); err != nil {
			return err
		}
		return t.deleteRow(ctx, a, "users", u.ID, auditEntry{Activity: "Delete user", Operation: "Delete", TargetID: u.ID, TargetType: "User",
			TargetName: u.UserPrincipalName, Before: u})
	})
}

// idList returns the first column of a query as strings.
func idList(ctx context.Context, t *tx, q string, args ...any) ([]string, error) {
	return queryRows(ctx, t, q, args, func(r scanner) (id string, err error) { err = r.Scan(&id); return id, err })
}

// SetManager sets a user's manager (OpManageUsers and MayChangeUser); a user cannot manage
// themself, directly or through a chain of managers (400).
func (s *UserService) SetManager(ctx context.Context, userID, managerID string) error {
	return s.changeUser(ctx, userID, func(t *tx, a *entitled.Actor, u *entitled.User) error {
		m, err := t.findUser(ctx, managerID)
		if err != nil {
			return asInvalid(err, "manager")
		}
		if m.ID == u.ID {
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "manager",
				Message: "a user cannot be their own manager"}).WithKey("err.user.ownManager")
		}
		// Walk up from the new manager: reaching the user would close a cycle.
		seen := map[string]bool{}
		for cur := m.ManagerID; cur != "" && !seen[cur]; {
			if cur == u.ID {
				return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "manager",
					Message: "setting " + m.UserPrincipalName + " as manager of " + u.UserPrincipalName + " would create a cycle of managers"}).WithKey("err.user.managerCycle", "Manager", m.UserPrincipalName, "User", u.UserPrincipalName)
			}
			seen[cur] = true
			var next sql.NullString
			if err := t.queryRow(ctx, `SELECT manager_id FROM users WHERE id = ?`, cur).Scan(&next); err != nil {
				return err
			}
			cur = next.String
		}
		before := *u
		u.ManagerID = m.ID
		if _, err := t.exec(ctx, `UPDATE users SET manager_id = ? WHERE id = ?`, m.ID, u.ID); err != nil {
			return err
		}
		if err := t.audit(ctx, a, auditEntry{Activity: "Set manager", Operation: "Update", TargetID: u.ID, TargetType: "User",
			TargetName: u.UserPrincipalName, Before: before, After: u}); err != nil || before.ManagerID == m.ID {
			return err
		}
		return s.lc.move(ctx, t, u.ID)
	})
}

// RemoveManager clears a user's manager (OpManageUsers and MayChangeUser).
func (s *UserService) RemoveManager(ctx context.Context, userID string) error {
	return s.changeUser(ctx, userID, func(t *tx, a *entitled.Actor, u *entitled.User) error {
		if u.ManagerID == "" {
			return entitled.NotFoundf("user %s has no manager", u.UserPrincipalName).WithKey("err.user.noManager", "User", u.UserPrincipalName)
		}
		before := *u
		u.ManagerID = ""
		if _, err := t.exec(ctx, `UPDATE users SET manager_id = NULL WHERE id = ?`, u.ID); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Remove manager", Operation: "Update", TargetID: u.ID, TargetType: "User",
			TargetName: u.UserPrincipalName, Before: before, After: u})
	})
}

// Manager returns a user's manager; 404 when none is set.
func (s *UserService) Manager(ctx context.Context, userID string) (*entitled.User, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	var m *entitled.User
	err := s.db.read(ctx, func(t *tx) error {
		u, err := t.findUser(ctx, userID)
		if err != nil {
			return err
		}
		if u.ManagerID == "" {
			return entitled.NotFoundf("user %s has no manager", u.UserPrincipalName).WithKey("err.user.noManager", "User", u.UserPrincipalName)
		}
		m, err = t.loadUser(ctx, u.ManagerID)
		return err
	})
	return m, err
}

// listRows runs a keyset-paged list over one table: base is an extra
// condition, cols the selected columns, scan reads one row.
func listRows[T any](ctx context.Context, db *DB, opt entitled.ListOptions, f fields, from, idExpr, cols, base string, baseArgs []any,
	scan func(scanner) (T, error), idOf func(T) string) (entitled.Page[T], error) {
	var page entitled.Page[T]
	q, err := buildList(opt, f, idExpr, base, baseArgs...)
	if err != nil {
		return page, err
	}
	err = db.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT `+cols+` FROM `+from+` `+q.where+q.orderLimit(), q.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var items []T
		for rows.Next() {
			it, err := scan(rows)
			if err != nil {
				return err
			}
			items = append(items, it)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		page = finishPage(items, q.limit, idOf)
		if err := q.rekey(ctx, t, from, &page.NextSkipToken); err != nil {
			return err
		}
		if opt.Count {
			w, args, err := countWhere(opt, f, base, baseArgs...)
			if err != nil {
				return err
			}
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM `+from+` `+w, args...).Scan(&n); err != nil {
				return err
			}
			page.Count = &n
		}
		return nil
	})
	return page, err
}
