package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/entitled-dev/entitled"
)

// packageFields are the filterable properties of access packages.
var packageFields = columnFields("id, display_name, description, catalog_id, created_at, modified_at", fields{
	"catalog/id": {expr: "catalog_id"},
	"ishidden":   {expr: "is_hidden", kind: colBool},
})

// mayRequest reports whether the actor may request for themself under the
// policy (entitled.CheckSelfAdd); the system actor never does.
func (t *tx) mayRequest(ctx context.Context, a *entitled.Actor, p *entitled.AssignmentPolicy) (bool, error) {
	if a.System {
		return false, nil
	}
	err := t.checkSelfAdd(ctx, a, p)
	if entitled.ErrorKind(err) == entitled.KindForbidden {
		return false, nil
	}
	return err == nil, err
}

// requestablePackageIDs returns the ids of packages (non-hidden unless
// includeHidden) of published catalogs (Catalog.Requestable) the actor may
// request under some policy.
func (t *tx) requestablePackageIDs(ctx context.Context, a *entitled.Actor, packageID string, includeHidden bool) ([]string, error) {
	q := `SELECT ` + prefixCols("pol.", policyCols) + ` FROM policies pol JOIN access_packages ap ON ap.id = pol.access_package_id
		JOIN catalogs cat ON cat.id = ap.catalog_id WHERE cat.state = ?`
	args := []any{entitled.CatalogPublished}
	if !includeHidden {
		q += ` AND ap.is_hidden = 0`
	}
	if packageID != "" {
		q += ` AND ap.id = ?`
		args = append(args, packageID)
	}
	pols, err := queryRows(ctx, t, q+` ORDER BY pol.id`, args, scanPolicy)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var ids []string
	for _, p := range pols {
		if seen[p.AccessPackageID] {
			continue
		}
		ok, err := t.mayRequest(ctx, a, p)
		if err != nil {
			return nil, err
		}
		if ok {
			seen[p.AccessPackageID] = true
			ids = append(ids, p.AccessPackageID)
		}
	}
	return ids, nil
}

// prefixCols prefixes each column of a comma-separated list.
func prefixCols(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// authorizePackageRead allows readers of the package's catalog and anyone
// who may request the package under one of its policies.
func (s *AccessPackageService) authorizePackageRead(ctx context.Context, t *tx, a *entitled.Actor, p *entitled.AccessPackage) error {
	if a.Can(entitled.OpReadCatalog, p.CatalogID) {
		return nil
	}
	ids, err := t.requestablePackageIDs(ctx, a, p.ID, true)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return a.Authorize(entitled.OpReadCatalog, p.CatalogID)
	}
	return nil
}

// CreateAccessPackage creates a package in a catalog (OpManagePackages).
func (s *AccessPackageService) CreateAccessPackage(ctx context.Context, p *entitled.AccessPackage) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if p.CatalogID == "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "catalog", Message: "catalog id is required"}).WithKey("err.package.catalogRequired")
	}
	if err := a.Authorize(entitled.OpManagePackages, p.CatalogID); err != nil {
		return err
	}
	if err := needDisplayName(p.DisplayName); err != nil {
		return err
	}
	return s.db.change(ctx, func(t *tx) error {
		if _, err := t.loadCatalog(ctx, p.CatalogID); err != nil {
			return err
		}
		p.ID = newID()
		p.CreatedDateTime = t.now()
		p.ModifiedDateTime = p.CreatedDateTime
		if _, err := t.exec(ctx, `INSERT INTO access_packages (id, catalog_id, display_name, description, is_hidden, created_at, modified_at)
			VALUES (?,?,?,?,?,?,?)`, p.ID, p.CatalogID, p.DisplayName, p.Description, boolInt(p.IsHidden), fmtTime(p.CreatedDateTime),
			fmtTime(p.ModifiedDateTime)); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Create access package", Operation: "Add", TargetID: p.ID, TargetType: "AccessPackage",
			TargetName: p.DisplayName, CatalogID: p.CatalogID, After: p})
	})
}

// AccessPackage reads a package: readers of its catalog, or anyone who may
// request it.
func (s *AccessPackageService) AccessPackage(ctx context.Context, id string) (*entitled.AccessPackage, error) {
	var p *entitled.AccessPackage
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) (err error) {
		if p, err = t.loadPackage(ctx, id); err != nil {
			return err
		}
		return s.authorizePackageRead(ctx, t, a, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// AccessPackages lists the packages of catalogs the caller may read,
// filterable on id, displayName, description, catalog/id and isHidden.
func (s *AccessPackageService) AccessPackages(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.AccessPackage], error) {
	a, err := actor(ctx)
	if err != nil {
		return entitled.Page[entitled.AccessPackage]{}, err
	}
	base, args := readableCatalogs(a, entitled.OpReadCatalog, "catalog_id")
	return listRows(ctx, s.db, opt, packageFields, "access_packages", "id", packageCols, base, args, valueOf(scanPackage),
		func(p entitled.AccessPackage) string { return p.ID })
}

// RequestableAccessPackages lists the non-hidden packages the caller may
// request for themself under some policy.
func (s *AccessPackageService) RequestableAccessPackages(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.AccessPackage], error) {
	a, err := actor(ctx)
	if err != nil {
		return entitled.Page[entitled.AccessPackage]{}, err
	}
	var ids []string
	if err := s.db.read(ctx, func(t *tx) (err error) { ids, err = t.requestablePackageIDs(ctx, a, "", false); return err }); err != nil {
		return entitled.Page[entitled.AccessPackage]{}, err
	}
	base := "1 = 0"
	var args []any
	if len(ids) > 0 {
		base = "id IN (" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
		for _, id := range ids {
			args = append(args, id)
		}
	}
	return listRows(ctx, s.db, opt, packageFields, "access_packages", "id", packageCols, base, args, valueOf(scanPackage),
		func(p entitled.AccessPackage) string { return p.ID })
}

// UpdateAccessPackage applies a PATCH to a package (OpManagePackages).
func (s *AccessPackageService) UpdateAccessPackage(ctx context.Context, id string, upd entitled.AccessPackageUpdate) (*entitled.AccessPackage, error) {
	var out *entitled.AccessPackage
	err := s.managePackage(ctx, id, func(t *tx, a *entitled.Actor, p *entitled.AccessPackage) error {
		before := *p
		if upd.CatalogID != "" && upd.CatalogID != p.CatalogID {
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "catalog",
				Message: "an access package cannot move to another catalog; create a new package there instead"}).WithKey("err.package.catalogFixed")
		}
		if err := patchNames(&p.DisplayName, &p.Description, upd.DisplayName, upd.Description); err != nil {
			return err
		}
		if upd.IsHidden != nil {
			p.IsHidden = *upd.IsHidden
		}
		p.ModifiedDateTime = t.now()
		if _, err := t.exec(ctx, `UPDATE access_packages SET display_name = ?, description = ?, is_hidden = ?, modified_at = ? WHERE id = ?`,
			p.DisplayName, p.Description, boolInt(p.IsHidden), fmtTime(p.ModifiedDateTime), p.ID); err != nil {
			return err
		}
		out = p
		return t.audit(ctx, a, auditEntry{Activity: "Update access package", Operation: "Update", TargetID: p.ID, TargetType: "AccessPackage",
			TargetName: p.DisplayName, CatalogID: p.CatalogID, Before: before, After: p})
	})
	return out, err
}

// DeleteAccessPackage deletes a package with its policies and role scopes
// (OpManagePackages); 409 while it has live assignments or open requests,
// or any request history (hide it instead: isHidden true).
func (s *AccessPackageService) DeleteAccessPackage(ctx context.Context, id string) error {
	return s.managePackage(ctx, id, func(t *tx, a *entitled.Actor, p *entitled.AccessPackage) error {
		if err := conflictIfAny(ctx, t, `SELECT id FROM assignments WHERE access_package_id = ? AND state <> 'expired' ORDER BY id LIMIT 5`, []any{id}, func(live string) error {
			return entitled.Conflictf("access package %s still has live assignments (%s); remove them first", p.DisplayName, live).WithKey("err.package.hasAssignments", "Package", p.DisplayName, "Assignments", live)
		}); err != nil {
			return err
		}
		if err := conflictIfAny(ctx, t, `SELECT id FROM assignment_requests WHERE access_package_id = ? AND state IN `+openStatesSQL+` ORDER BY id LIMIT 5`, []any{id}, func(open string) error {
			return entitled.Conflictf("access package %s has open requests (%s); wait for them or cancel them first", p.DisplayName, open).WithKey("err.package.hasOpenRequests", "Package", p.DisplayName, "Requests", open)
		}); err != nil {
			return err
		}
		if err := conflictIfAny(ctx, t, `SELECT id FROM assignment_requests WHERE access_package_id = ? ORDER BY id LIMIT 1`, []any{id}, func(string) error {
			return entitled.Conflictf("access package %s has request history that must be kept; hide it (isHidden true) instead of deleting it", p.DisplayName).WithKey("err.package.hasHistory", "Package", p.DisplayName)
		}); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM policies WHERE access_package_id = ?`, `DELETE FROM resource_role_scopes WHERE access_package_id = ?`,
			`DELETE FROM access_packages WHERE id = ?`} {
			if _, err := t.exec(ctx, q, id); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, auditEntry{Activity: "Delete access package", Operation: "Delete", TargetID: p.ID, TargetType: "AccessPackage",
			TargetName: p.DisplayName, CatalogID: p.CatalogID, Before: p})
	})
}

// badScope is the 400 for a resource role scope that names no role of the
// catalog; callers add the message key.
//
//i18n:keyed-by-caller
func badScope(format string, args ...any) *entitled.Error {
	e := entitled.Invalidf(format, args...)
	e.Target = "role"
	return e
}

// AddResourceRoleScope adds a resource role of the package's catalog to the
// package (OpManagePackages): by role id, or by the role's originId within
// the resource given by ResourceID. 409 when the role is already in it.
func (s *AccessPackageService) AddResourceRoleScope(ctx context.Context, packageID string, in entitled.ResourceRoleScopeInput) (*entitled.ResourceRoleScope, error) {
	var out *entitled.ResourceRoleScope
	err := s.managePackage(ctx, packageID, func(t *tx, a *entitled.Actor, p *entitled.AccessPackage) (err error) {
		var roleID, resourceID, catalogID string
		switch {
		case in.RoleID != "":
			err = t.queryRow(ctx, `SELECT rr.id, r.id, r.catalog_id FROM resource_roles rr JOIN resources r ON r.id = rr.resource_id WHERE rr.id = ?`,
				in.RoleID).Scan(&roleID, &resourceID, &catalogID)
			if errors.Is(err, sql.ErrNoRows) {
				return badScope("resource role %q does not exist; add its resource to the catalog first", in.RoleID).WithKey("err.package.roleNotFound", "Role", in.RoleID)
			}
		case in.RoleOriginID != "" && in.ResourceID != "":
			q := `SELECT rr.id, r.id, r.catalog_id FROM resource_roles rr JOIN resources r ON r.id = rr.resource_id WHERE r.id = ? AND rr.origin_id = ?`
			args := []any{in.ResourceID, in.RoleOriginID}
			if in.RoleOriginSystem != "" {
				q += ` AND LOWER(idtext(rr.origin_system)) = ?`
				args = append(args, keepText(strings.ToLower(in.RoleOriginSystem)))
			}
			err = t.queryRow(ctx, q, args...).Scan(&roleID, &resourceID, &catalogID)
			if errors.Is(err, sql.ErrNoRows) {
				return badScope("resource %q has no role with originId %q", in.ResourceID, in.RoleOriginID).WithKey("err.package.noRoleWithOriginId", "Resource", in.ResourceID, "Role", in.RoleOriginID)
			}
		default:
			return badScope("name the role by role.id, or by role.originId with role.resource.id").WithKey("err.package.nameRole")
		}
		if err != nil {
			return err
		}
		if catalogID != p.CatalogID {
			return badScope("resource role %s belongs to a resource of another catalog; add the resource to catalog %s first", roleID, p.CatalogID).WithKey("err.package.roleOfOtherCatalog", "Role", roleID, "Catalog", p.CatalogID)
		}
		id := newID()
		_, err = t.exec(ctx, `INSERT INTO resource_role_scopes (id, access_package_id, resource_role_id, resource_id, created_at) VALUES (?,?,?,?,?)`,
			id, p.ID, roleID, resourceID, fmtTime(t.now()))
		if isUniqueViolation(err) {
			return entitled.Conflictf("access package %s already includes resource role %s", p.DisplayName, roleID).WithKey("err.package.roleAlreadyIncluded", "Package", p.DisplayName, "Role", roleID)
		}
		if err != nil {
			return err
		}
		out, err = scanScope(t.queryRow(ctx, scopeSelect+` WHERE rs.id = ?`, id))
		if err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Add resource role to access package", Operation: "Add", TargetID: p.ID,
			TargetType: "AccessPackage", TargetName: p.DisplayName, CatalogID: p.CatalogID, After: out})
	})
	return out, err
}

// ResourceRoleScopes lists the role scopes of a package (package readers).
func (s *AccessPackageService) ResourceRoleScopes(ctx context.Context, packageID string) ([]entitled.ResourceRoleScope, error) {
	var out []entitled.ResourceRoleScope
	err := s.readPackage(ctx, packageID, func(t *tx) (err error) {
		out, err = t.loadRoleScopes(ctx, packageID)
		return err
	})
	return out, err
}

// RemoveResourceRoleScope removes a role scope from a package (OpManagePackages).
func (s *AccessPackageService) RemoveResourceRoleScope(ctx context.Context, packageID, scopeID string) error {
	return s.managePackage(ctx, packageID, func(t *tx, a *entitled.Actor, p *entitled.AccessPackage) error {
		sc, err := scanScope(t.queryRow(ctx, scopeSelect+` WHERE rs.id = ? AND rs.access_package_id = ?`, scopeID, packageID))
		if err != nil {
			return notFound(err, "resource role scope", scopeID)
		}
		return t.deleteRow(ctx, a, "resource_role_scopes", scopeID, auditEntry{Activity: "Remove resource role from access package", Operation: "Delete", TargetID: p.ID,
			TargetType: "AccessPackage", TargetName: p.DisplayName, CatalogID: p.CatalogID, Before: sc})
	})
}
