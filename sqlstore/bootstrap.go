package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// AdminBootstrap tells what BootstrapAdmin did.
type AdminBootstrap struct {
	// User is the administrator, as it is now.
	User *entitled.User
	// Created is true when the user did not exist.
	Created bool
	// Reenabled is true when the account existed but was disabled.
	Reenabled bool
	// Granted is true when the user did not hold Global Administrator.
	Granted bool
}

// BootstrapAdmin makes sure a user with the userPrincipalName exists, is
// enabled and holds Global Administrator, creating, enabling or granting as
// needed, each audited. It acts as the system and is idempotent; `entitled
// admin create` uses it to bootstrap a database and to recover from the
// host a tenant whose administrators were disabled.
func (s *AdminService) BootstrapAdmin(ctx context.Context, upn, displayName string) (AdminBootstrap, error) {
	var out AdminBootstrap
	if err := checkUPN(upn); err != nil {
		return out, err
	}
	sys := entitled.SystemActor
	err := s.db.change(ctx, func(t *tx) error {
		out = AdminBootstrap{}
		u, err := t.findUser(ctx, upn)
		switch {
		case errIs(err, entitled.KindNotFound):
			u = &entitled.User{UserPrincipalName: upn, DisplayName: displayName, Mail: upn, AccountEnabled: true}
			if err := t.insertUser(ctx, sys, u); err != nil {
				return err
			}
			out.Created = true
		case err != nil:
			return err
		case !u.AccountEnabled:
			before := *u
			u.AccountEnabled = true
			if _, err := t.exec(ctx, `UPDATE users SET account_enabled = ? WHERE id = ?`, boolInt(true), u.ID); err != nil {
				return err
			}
			if err := t.audit(ctx, sys, auditEntry{Activity: "Re-enable administrator account", Operation: "Update",
				TargetID: u.ID, TargetType: "User", TargetName: u.UserPrincipalName, Before: before, After: u}); err != nil {
				return err
			}
			out.Reenabled = true
		}
		out.User = u
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM role_assignments WHERE principal_id = ? AND role_definition_id = ? AND directory_scope_id = '/'`,
			u.ID, entitled.RoleGlobalAdministrator).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		out.Granted = true
		ra := &entitled.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: entitled.RoleGlobalAdministrator, DirectoryScopeID: "/"}
		return t.insertRoleAssignment(ctx, sys, ra, "")
	})
	return out, err
}

// EnsureAdmin is BootstrapAdmin for callers that only need the user.
func (s *AdminService) EnsureAdmin(ctx context.Context, upn, displayName string) (*entitled.User, error) {
	b, err := s.BootstrapAdmin(ctx, upn, displayName)
	return b.User, err
}
