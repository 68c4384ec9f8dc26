package sqlstore

import (
	"context"
	"sort"
	"strings"

	"github.com/entitled-dev/entitled"
)

// A connected system's administrators (tenant administrators) may delegate
// its resources to catalogs: the owners of a delegated catalog may then add
// any resource of that system to it (entitled.MayAddResource).

// setSystemCatalogs replaces the catalogs a system is delegated to. Every
// catalog must exist; the built-in directory cannot be delegated (its groups
// have owners instead).
func (s *SystemService) setSystemCatalogs(ctx context.Context, t *tx, sys *entitled.ConnectedSystem, ids []string) error {
	ids = uniqueSorted(ids)
	if sys.BuiltIn && len(ids) > 0 {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "delegatedCatalogIds",
			Message: "the built-in directory cannot be delegated to catalogs: make catalog owners owners of the groups they may add (/v1.0/groups/{id}/owners)"}).WithKey("err.system.directoryNotDelegable")
	}
	for _, id := range ids {
		if _, err := t.loadCatalog(ctx, id); err != nil {
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "delegatedCatalogIds",
				Message: "delegatedCatalogIds names catalog " + quoteStr(id) + ", which does not exist"}).WithKey("err.system.unknownDelegatedCatalog", "Catalog", id)
		}
	}
	if _, err := t.exec(ctx, `DELETE FROM system_catalogs WHERE system_id = ?`, sys.ID); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := t.exec(ctx, `INSERT INTO system_catalogs (system_id, catalog_id) VALUES (?,?)`, sys.ID, id); err != nil {
			return err
		}
	}
	sys.DelegatedCatalogIDs = ids
	return nil
}

// loadSystemCatalogs fills in the catalogs each system is delegated to, in
// one query.
func (t *tx) loadSystemCatalogs(ctx context.Context, systems []*entitled.ConnectedSystem) error {
	if len(systems) == 0 {
		return nil
	}
	byID := make(map[string]*entitled.ConnectedSystem, len(systems))
	ids := make([]any, 0, len(systems))
	for _, sys := range systems {
		sys.DelegatedCatalogIDs = []string{}
		byID[sys.ID] = sys
		ids = append(ids, sys.ID)
	}
	cond, args, err := t.db.idIn("system_id", ids)
	if err != nil {
		return err
	}
	rows, err := t.query(ctx, `SELECT system_id, catalog_id FROM system_catalogs WHERE `+cond+` ORDER BY system_id, catalog_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sysID, catID string
		if err := rows.Scan(&sysID, &catID); err != nil {
			return err
		}
		byID[sysID].DelegatedCatalogIDs = append(byID[sysID].DelegatedCatalogIDs, catID)
	}
	return rows.Err()
}

// DelegatedSystems lists the systems delegated to a catalog (OpEditCatalog),
// by name: their id, name and kind, no config.
func (s *SystemService) DelegatedSystems(ctx context.Context, catalogID string) ([]entitled.ConnectedSystem, error) {
	if _, err := authorized(ctx, entitled.OpEditCatalog, catalogID); err != nil {
		return nil, err
	}
	out := []entitled.ConnectedSystem{}
	err := s.db.read(ctx, func(t *tx) error {
		if _, err := t.loadCatalog(ctx, catalogID); err != nil {
			return err
		}
		systems, err := queryRows(ctx, t, `SELECT id, name, kind FROM systems WHERE id IN (SELECT system_id FROM system_catalogs WHERE catalog_id = ?) ORDER BY name`, []any{catalogID},
			func(r scanner) (sys entitled.ConnectedSystem, err error) {
				err = r.Scan(&sys.ID, &sys.Name, &sys.Kind)
				return sys, err
			})
		out = append(out, systems...)
		return err
	})
	return out, err
}

// resourceOwnership finds out what links the caller to a resource they want
// to add to a catalog: ownership of a directory group, or a delegation of
// the resource's system to the catalog.
func (t *tx) resourceOwnership(ctx context.Context, a *entitled.Actor, sys *entitled.ConnectedSystem, catalogID, originID string) (entitled.ResourceOwnership, error) {
	o := entitled.ResourceOwnership{SystemName: sys.Name, DirectoryGroup: sys.ID == DirectorySystemID}
	if a.IsTenantAdmin() {
		return o, nil // MayAddResource needs nothing more
	}
	var err error
	if o.DirectoryGroup {
		o.GroupOwner, err = t.inGroup(ctx, groupOwners, originID, a.User.ID)
		return o, err
	}
	ids, err := idList(ctx, t, `SELECT catalog_id FROM system_catalogs WHERE system_id = ? AND catalog_id = ?`, sys.ID, catalogID)
	o.DelegatedToCatalog = len(ids) > 0
	return o, err
}

// uniqueSorted returns the distinct non-empty values, trimmed, sorted.
func uniqueSorted(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
