package sqlstore

import (
	"context"
	"strings"

	"github.com/entitled-dev/entitled"
)

// roleAssignmentFields are the filterable properties of role assignments.
var roleAssignmentFields = columnFields("id, principal_id, role_definition_id, app_scope_id, directory_scope_id", nil)

const roleAssignmentCols = `id, principal_id, role_definition_id, directory_scope_id, app_scope_id, created_at`

// familyCond selects directory roles or catalog roles.
func familyCond(directory bool) string {
	if directory {
		return "directory_scope_id = '/'"
	}
	return "directory_scope_id <> '/' AND app_scope_id <> ''"
}

func scanRoleAssignment(r scanner) (*entitled.RoleAssignment, error) {
	var ra entitled.RoleAssignment
	var created string
	if err := r.Scan(&ra.ID, &ra.PrincipalID, &ra.RoleDefinitionID, &ra.DirectoryScopeID, &ra.AppScopeID, &created); err != nil {
		return nil, err
	}
	ra.CreatedDateTime = parseTime(created)
	return &ra, nil
}

// scopeCatalog returns the catalog id of a catalog-role app scope: "" for
// "/" (every catalog); ok is false for a malformed scope.
func scopeCatalog(appScope string) (string, bool) {
	if appScope == "/" {
		return "", true
	}
	prefix := entitled.CatalogScope("")
	if strings.HasPrefix(appScope, prefix) && len(appScope) > len(prefix) && !strings.Contains(appScope[len(prefix):], "/") {
		return appScope[len(prefix):], true
	}
	return "", false
}

func validRoleIDs(directory bool) string {
	var ids []string
	for _, d := range entitled.RoleDefinitions {
		if d.Directory == directory {
			ids = append(ids, d.ID+" ("+d.DisplayName+")")
		}
	}
	return strings.Join(ids, ", ")
}

// authorizeRoleAssignment checks that a may create or delete ra (of the
// family) and normalises it; it returns the catalog id of a catalog role.
func (s *RoleAssignmentService) authorizeRoleAssignment(ctx context.Context, t *tx, a *entitled.Actor, directory bool, ra *entitled.RoleAssignment) (string, error) {
	def, ok := entitled.LookupRoleDefinition(ra.RoleDefinitionID)
	if !ok || def.Directory != directory {
		kind := "catalog (entitlement management)"
		if directory {
			kind = "directory"
		}
		return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "roleDefinitionId",
			Message: "roleDefinitionId " + quoteStr(ra.RoleDefinitionID) + " is not a " + kind + " role; use one of " + validRoleIDs(directory)}).WithKey("err.role.badDefinition", "Role", ra.RoleDefinitionID, "Kind", kind, "Valid", validRoleIDs(directory))
	}
	ra.RoleDefinitionID = def.ID
	if directory {
		if ra.DirectoryScopeID == "" {
			ra.DirectoryScopeID = "/"
		}
		if ra.DirectoryScopeID != "/" || ra.AppScopeID != "" {
			return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "directoryScopeId",
				Message: "directory roles are tenant-wide: directoryScopeId must be \"/\" and appScopeId empty"}).WithKey("err.role.directoryTenantWide")
		}
		return "", a.Authorize(entitled.OpManageDirectoryRoles, "")
	}
	if ra.DirectoryScopeID != "" {
		return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "directoryScopeId",
			Message: "catalog roles take appScopeId, not directoryScopeId"}).WithKey("err.role.catalogScope")
	}
	catalogID, ok := scopeCatalog(ra.AppScopeID)
	if !ok {
		return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "appScopeId",
			Message: "appScopeId must be \"/\" (every catalog) or \"/AccessPackageCatalog/{catalogId}\""}).WithKey("err.role.badAppScope")
	}
	if catalogID == "" {
		if !a.IsTenantAdmin() {
			return "", entitled.Forbiddenf("only Global and Identity Governance Administrators may assign catalog roles on every catalog").WithKey("err.role.everyCatalogAdminsOnly")
		}
		return "", nil
	}
	if _, err := t.loadCatalog(ctx, catalogID); err != nil {
		return "", err
	}
	return catalogID, a.Authorize(entitled.OpEditCatalog, catalogID)
}

// insertRoleAssignment inserts a validated role assignment with its audit event.
func (t *tx) insertRoleAssignment(ctx context.Context, a *entitled.Actor, ra *entitled.RoleAssignment, catalogID string) error {
	ra.ID = newID()
	ra.CreatedDateTime = t.now()
	_, err := t.exec(ctx, `INSERT INTO role_assignments (id, principal_id, role_definition_id, directory_scope_id, app_scope_id, created_at)
		VALUES (?,?,?,?,?,?)`, ra.ID, ra.PrincipalID, ra.RoleDefinitionID, ra.DirectoryScopeID, ra.AppScopeID, fmtTime(ra.CreatedDateTime))
	if isUniqueViolation(err) {
		return entitled.Conflictf("principal %s already holds role %s on this scope", ra.PrincipalID, ra.RoleDefinitionID).WithKey("err.role.alreadyHeld", "Principal", ra.PrincipalID, "Role", ra.RoleDefinitionID)
	}
	if err != nil {
		return err
	}
	def, _ := entitled.LookupRoleDefinition(ra.RoleDefinitionID)
	return t.audit(ctx, a, auditEntry{Activity: "Create role assignment", Operation: "Add", TargetID: ra.ID,
		TargetType: "RoleAssignment", TargetName: def.DisplayName, CatalogID: catalogID, After: ra})
}

// CreateRoleAssignment grants a directory role (OpManageDirectoryRoles) or a
// catalog role (OpEditCatalog in the catalog; tenant admins for "/").
func (s *RoleAssignmentService) CreateRoleAssignment(ctx context.Context, directory bool, ra *entitled.RoleAssignment) error {
	return s.db.changeAs(ctx, func(t *tx, a *entitled.Actor) error {
		catalogID, err := s.authorizeRoleAssignment(ctx, t, a, directory, ra)
		if err != nil {
			return err
		}
		u, err := t.findUser(ctx, ra.PrincipalID)
		if err != nil {
			return asInvalid(err, "principalId")
		}
		ra.PrincipalID = u.ID
		return t.insertRoleAssignment(ctx, a, ra, catalogID)
	})
}

// roleVisibility is the condition limiting role assignments to those the
// actor may read: tenant admins all; others their own and those of
// catalogs they may read.
func roleVisibility(a *entitled.Actor, directory bool) (string, []any) {
	if a.IsTenantAdmin() {
		return "", nil
	}
	if !directory && a.Can(entitled.OpReadCatalog, "") {
		return "", nil
	}
	cond := "principal_id = ?"
	args := []any{a.User.ID}
	if !directory {
		var scopes []string
		for _, id := range a.CatalogIDs() {
			if a.Can(entitled.OpReadCatalog, id) {
				scopes = append(scopes, "?")
				args = append(args, entitled.CatalogScope(id))
			}
		}
		if len(scopes) > 0 {
			cond = "(" + cond + " OR app_scope_id IN (" + strings.Join(scopes, ",") + "))"
		}
	}
	return cond, args
}

func andCond(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " AND " + b
}

// RoleAssignment reads one role assignment of the family; 404 when the
// caller may not see it.
func (s *RoleAssignmentService) RoleAssignment(ctx context.Context, directory bool, id string) (*entitled.RoleAssignment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	vis, args := roleVisibility(a, directory)
	var ra *entitled.RoleAssignment
	err = s.db.read(ctx, func(t *tx) (err error) {
		ra, err = scanRoleAssignment(t.queryRow(ctx, `SELECT `+roleAssignmentCols+` FROM role_assignments WHERE `+
			andCond("id = ? AND "+familyCond(directory), vis), append([]any{id}, args...)...))
		return notFound(err, "role assignment", id)
	})
	return ra, err
}

// RoleAssignments lists role assignments of the family the caller may see,
// filterable on principalId, roleDefinitionId, appScopeId and directoryScopeId.
func (s *RoleAssignmentService) RoleAssignments(ctx context.Context, directory bool, opt entitled.ListOptions) (entitled.Page[entitled.RoleAssignment], error) {
	a, err := actor(ctx)
	if err != nil {
		return entitled.Page[entitled.RoleAssignment]{}, err
	}
	vis, args := roleVisibility(a, directory)
	return listRows(ctx, s.db, opt, roleAssignmentFields, "role_assignments", "id", roleAssignmentCols, andCond(familyCond(directory), vis), args,
		valueOf(scanRoleAssignment), func(ra entitled.RoleAssignment) string { return ra.ID })
}

// DeleteRoleAssignment removes a role assignment; the same roles that may
// create it may delete it.
func (s *RoleAssignmentService) DeleteRoleAssignment(ctx context.Context, directory bool, id string) error {
	return s.db.changeAs(ctx, func(t *tx, a *entitled.Actor) error {
		ra, err := scanRoleAssignment(t.queryRow(ctx, `SELECT `+roleAssignmentCols+` FROM role_assignments WHERE id = ? AND `+familyCond(directory), id))
		if err != nil {
			return notFound(err, "role assignment", id)
		}
		check := *ra
		catalogID, err := s.authorizeRoleAssignment(ctx, t, a, directory, &check)
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM role_assignments WHERE id = ?`, id); err != nil {
			return err
		}
		def, _ := entitled.LookupRoleDefinition(ra.RoleDefinitionID)
		return t.audit(ctx, a, auditEntry{Activity: "Delete role assignment", Operation: "Delete", TargetID: ra.ID,
			TargetType: "RoleAssignment", TargetName: def.DisplayName, CatalogID: catalogID, Before: ra})
	})
}
