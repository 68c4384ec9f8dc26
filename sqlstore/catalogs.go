package sqlstore

import (
	"context"
	"strings"

	"github.com/entitled-dev/entitled"
)

// catalogFields are the filterable properties of catalogs.
var catalogFields = columnFields("id, display_name, description, created_at, modified_at", fields{
	"state": {expr: "state", enum: enumOf(entitled.CatalogPublished, entitled.CatalogUnpublished)},
})

const catalogCols = `id, display_name, description, catalog_type, state, is_externally_visible, created_at, modified_at`

func scanCatalog(r scanner) (*entitled.Catalog, error) {
	var c entitled.Catalog
	var ext int
	var created, modified string
	if err := r.Scan(&c.ID, &c.DisplayName, &c.Description, &c.CatalogType, &c.State, &ext, &created, &modified); err != nil {
		return nil, err
	}
	c.IsExternallyVisible = ext != 0
	c.CreatedDateTime = parseTime(created)
	c.ModifiedDateTime = parseTime(modified)
	return &c, nil
}

func (t *tx) loadCatalog(ctx context.Context, id string) (*entitled.Catalog, error) {
	return loadRow(ctx, t, scanCatalog, catalogCols, "catalogs", "catalog", id)
}

func normCatalogState(st string) (string, error) {
	if st == "" {
		return entitled.CatalogPublished, nil
	}
	if n, ok := enumOf(entitled.CatalogPublished, entitled.CatalogUnpublished)(st); ok {
		return n, nil
	}
	return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "state",
		Message: "state must be published or unpublished"}).WithKey("err.catalog.badState")
}

// readableCatalogs returns a condition on catalogExpr limiting rows to the
// catalogs where the actor may perform op ("" when every catalog).
func readableCatalogs(a *entitled.Actor, op entitled.Op, catalogExpr string) (string, []any) {
	if a.Can(op, "") {
		return "", nil
	}
	var marks []string
	var args []any
	for _, id := range a.CatalogIDs() {
		if a.Can(op, id) {
			marks = append(marks, "?")
			args = append(args, id)
		}
	}
	if len(marks) == 0 {
		return "1 = 0", nil
	}
	return catalogExpr + " IN (" + strings.Join(marks, ",") + ")", args
}

// CreateCatalog creates a catalog (OpCreateCatalog); its creator becomes its
// Catalog owner in the same transaction.
func (s *CatalogService) CreateCatalog(ctx context.Context, c *entitled.Catalog) error {
	a, err := authorized(ctx, entitled.OpCreateCatalog, "")
	if err != nil {
		return err
	}
	if err := needDisplayName(c.DisplayName); err != nil {
		return err
	}
	if c.State, err = normCatalogState(c.State); err != nil {
		return err
	}
	if c.CatalogType == "" {
		c.CatalogType = "userManaged"
	}
	if n, ok := enumOf("userManaged", "serviceDefault", "serviceManaged")(c.CatalogType); ok {
		c.CatalogType = n
	} else {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "catalogType",
			Message: "catalogType must be userManaged, serviceDefault or serviceManaged, not " + quoteStr(c.CatalogType)}).WithKey("err.catalog.badType", "Type", c.CatalogType)
	}
	return s.db.change(ctx, func(t *tx) error {
		c.ID = newID()
		c.CreatedDateTime = t.now()
		c.ModifiedDateTime = c.CreatedDateTime
		if _, err := t.exec(ctx, `INSERT INTO catalogs (id, display_name, description, catalog_type, state, is_externally_visible, created_at, modified_at)
			VALUES (?,?,?,?,?,?,?,?)`, c.ID, c.DisplayName, c.Description, c.CatalogType, c.State, boolInt(c.IsExternallyVisible),
			fmtTime(c.CreatedDateTime), fmtTime(c.ModifiedDateTime)); err != nil {
			return err
		}
		if err := t.audit(ctx, a, auditEntry{Activity: "Create catalog", Operation: "Add", TargetID: c.ID, TargetType: "AccessPackageCatalog",
			TargetName: c.DisplayName, CatalogID: c.ID, After: c}); err != nil {
			return err
		}
		if a.System {
			return nil
		}
		owner := &entitled.RoleAssignment{PrincipalID: a.User.ID, RoleDefinitionID: entitled.RoleCatalogOwner, AppScopeID: entitled.CatalogScope(c.ID)}
		return t.insertRoleAssignment(ctx, a, owner, c.ID)
	})
}

// Catalog reads a catalog (OpReadCatalog in it).
func (s *CatalogService) Catalog(ctx context.Context, id string) (*entitled.Catalog, error) {
	var c *entitled.Catalog
	err := s.db.readAuthorized(ctx, entitled.OpReadCatalog, id, func(t *tx, a *entitled.Actor) (err error) { c, err = t.loadCatalog(ctx, id); return err })
	return c, err
}

// Catalogs lists the catalogs the caller may read, filterable on id,
// displayName and state.
func (s *CatalogService) Catalogs(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.Catalog], error) {
	a, err := actor(ctx)
	if err != nil {
		return entitled.Page[entitled.Catalog]{}, err
	}
	base, args := readableCatalogs(a, entitled.OpReadCatalog, "id")
	return listRows(ctx, s.db, opt, catalogFields, "catalogs", "id", catalogCols, base, args, valueOf(scanCatalog), func(c entitled.Catalog) string { return c.ID })
}

// UpdateCatalog applies a PATCH to a catalog (OpEditCatalog).
func (s *CatalogService) UpdateCatalog(ctx context.Context, id string, upd entitled.CatalogUpdate) (*entitled.Catalog, error) {
	var out *entitled.Catalog
	err := s.db.changeAuthorized(ctx, entitled.OpEditCatalog, id, func(t *tx, a *entitled.Actor) error {
		c, err := t.loadCatalog(ctx, id)
		if err != nil {
			return err
		}
		before := *c
		if err := patchNames(&c.DisplayName, &c.Description, upd.DisplayName, upd.Description); err != nil {
			return err
		}
		if upd.State != nil {
			if c.State, err = normCatalogState(*upd.State); err != nil {
				return err
			}
		}
		if upd.IsExternallyVisible != nil {
			c.IsExternallyVisible = *upd.IsExternallyVisible
		}
		c.ModifiedDateTime = t.now()
		if _, err := t.exec(ctx, `UPDATE catalogs SET display_name = ?, description = ?, state = ?, is_externally_visible = ?, modified_at = ? WHERE id = ?`,
			c.DisplayName, c.Description, c.State, boolInt(c.IsExternallyVisible), fmtTime(c.ModifiedDateTime), c.ID); err != nil {
			return err
		}
		out = c
		return t.audit(ctx, a, auditEntry{Activity: "Update catalog", Operation: "Update", TargetID: c.ID, TargetType: "AccessPackageCatalog",
			TargetName: c.DisplayName, CatalogID: c.ID, Before: before, After: c})
	})
	return out, err
}

// DeleteCatalog deletes a catalog with its resources and catalog role
// assignments (OpEditCatalog); 409 while it still has access packages.
func (s *CatalogService) DeleteCatalog(ctx context.Context, id string) error {
	return s.db.changeAuthorized(ctx, entitled.OpEditCatalog, id, func(t *tx, a *entitled.Actor) error {
		c, err := t.loadCatalog(ctx, id)
		if err != nil {
			return err
		}
		if err := conflictIfAny(ctx, t, `SELECT id FROM access_packages WHERE catalog_id = ? ORDER BY id LIMIT 5`, []any{id}, func(pkgs string) error {
			return entitled.Conflictf("catalog %s still has access packages (%s); delete them first", c.DisplayName, pkgs).WithKey("err.catalog.hasPackages", "Catalog", c.DisplayName, "Packages", pkgs)
		}); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM role_assignments WHERE app_scope_id = ?`, `DELETE FROM resources WHERE catalog_id = ?`, `DELETE FROM catalogs WHERE id = ?`} {
			arg := id
			if strings.Contains(q, "app_scope_id") {
				arg = entitled.CatalogScope(id)
			}
			if _, err := t.exec(ctx, q, arg); err != nil {
				return err
			}
		}
		return t.audit(ctx, a, auditEntry{Activity: "Delete catalog", Operation: "Delete", TargetID: c.ID, TargetType: "AccessPackageCatalog",
			TargetName: c.DisplayName, CatalogID: c.ID, Before: c})
	})
}
