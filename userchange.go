package entitled

// PrivilegedRoles are the directory roles whose holders only a Global
// Administrator may change, most privileged first: as in Entra, a User or
// Identity Governance Administrator cannot disable, rename, delete or
// re-manage a tenant administrator, nor handle their credentials. Catalog
// roles are not privileged in this sense: a User Administrator may edit a
// catalog owner as any other user.
var PrivilegedRoles = []string{RoleGlobalAdministrator, RoleIdentityGovernanceAdministrator, RoleUserAdministrator}

// MayChangeUser decides whether the actor may change a user who holds the
// directory roles targetRoles (role definition ids): edit or disable them,
// delete them, set or remove their manager, or issue or revoke their
// tokens and create their sign-in links. Only the system or a Global Administrator may
// change a user who holds a privileged role; anyone else gets a 403 naming
// the most privileged role the user holds. Whether the actor may manage
// users at all (OpManageUsers, or the token rules) is checked separately.
func MayChangeUser(a *Actor, targetRoles []string) error {
	if a == nil {
		return Errorf(KindUnauthorized, CodeUnauthorized, "authentication is required").WithKey("error.unauthenticated")
	}
	if a.System || a.HasDirectoryRole(RoleGlobalAdministrator) {
		return nil
	}
	for _, p := range PrivilegedRoles {
		for _, r := range targetRoles {
			if r == p {
				def, _ := LookupRoleDefinition(p)
				return Forbiddenf("only a Global Administrator may change a user who holds the %s role", def.DisplayName).WithKey("err.user.globalAdminOnly", "Role", def.DisplayName)
			}
		}
	}
	return nil
}
