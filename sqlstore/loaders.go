package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// Loaders read inside a transaction without authorization; callers have
// already decided the actor may see what they load.

const userCols = `id, user_principal_name, display_name, mail, account_enabled, COALESCE(manager_id,''), created_at, preferred_language, COALESCE(external_id,'')`

type scanner interface{ Scan(dest ...any) error }

func scanUser(r scanner) (*entitled.User, error) {
	var u entitled.User
	var enabled int
	var created string
	if err := r.Scan(&u.ID, &u.UserPrincipalName, &u.DisplayName, &u.Mail, &enabled, &u.ManagerID, &created, &u.PreferredLanguage, &u.ExternalID); err != nil {
		return nil, err
	}
	u.AccountEnabled = enabled != 0
	u.CreatedDateTime = parseTime(created)
	return &u, nil
}

// loadUser loads a user by id; 404 when missing.
func (t *tx) loadUser(ctx context.Context, id string) (*entitled.User, error) {
	return loadRow(ctx, t, scanUser, userCols, "users", "user", id)
}

const packageCols = `id, catalog_id, display_name, description, is_hidden, created_at, modified_at`

func scanPackage(r scanner) (*entitled.AccessPackage, error) {
	var p entitled.AccessPackage
	var hidden int
	var created, modified string
	if err := r.Scan(&p.ID, &p.CatalogID, &p.DisplayName, &p.Description, &hidden, &created, &modified); err != nil {
		return nil, err
	}
	p.IsHidden = hidden != 0
	p.CreatedDateTime = parseTime(created)
	p.ModifiedDateTime = parseTime(modified)
	return &p, nil
}

// loadPackage loads an access package by id; 404 when missing.
func (t *tx) loadPackage(ctx context.Context, id string) (*entitled.AccessPackage, error) {
	return loadRow(ctx, t, scanPackage, packageCols, "access_packages", "access package", id)
}

const policyCols = `id, access_package_id, catalog_id, display_name, description, allowed_target_scope, settings, created_at, modified_at`

func scanPolicy(r scanner) (*entitled.AssignmentPolicy, error) {
	var p entitled.AssignmentPolicy
	var settings, created, modified string
	if err := r.Scan(&p.ID, &p.AccessPackageID, &p.CatalogID, &p.DisplayName, &p.Description, &p.AllowedTargetScope,
		&settings, &created, &modified); err != nil {
		return nil, err
	}
	if err := decodePolicySettings(settings, &p); err != nil {
		return nil, fmt.Errorf("policy %s settings: %w", p.ID, err)
	}
	p.CreatedDateTime = parseTime(created)
	p.ModifiedDateTime = parseTime(modified)
	return &p, nil
}

// loadPolicy loads an assignment policy by id; 404 when missing.
func (t *tx) loadPolicy(ctx context.Context, id string) (*entitled.AssignmentPolicy, error) {
	return loadRow(ctx, t, scanPolicy, policyCols, "policies", "assignment policy", id)
}

const scopeSelect = `SELECT rs.id, rs.access_package_id, rs.created_at,
	rr.id, rr.resource_id, rr.display_name, rr.description, rr.origin_id, rr.origin_system,
	r.id, r.catalog_id, r.system_id, r.display_name, r.description, r.origin_id, r.origin_system, r.created_at, r.modified_at
	FROM resource_role_scopes rs
	JOIN resource_roles rr ON rr.id = rs.resource_role_id
	JOIN resources r ON r.id = rs.resource_id`

func scanScope(r scanner) (*entitled.ResourceRoleScope, error) {
	var sc entitled.ResourceRoleScope
	var created, rCreated, rModified string
	if err := r.Scan(&sc.ID, &sc.AccessPackageID, &created,
		&sc.Role.ID, &sc.Role.ResourceID, &sc.Role.DisplayName, &sc.Role.Description, &sc.Role.OriginID, &sc.Role.OriginSystem,
		&sc.Resource.ID, &sc.Resource.CatalogID, &sc.Resource.SystemID, &sc.Resource.DisplayName, &sc.Resource.Description,
		&sc.Resource.OriginID, &sc.Resource.OriginSystem, &rCreated, &rModified); err != nil {
		return nil, err
	}
	sc.CreatedDateTime = parseTime(created)
	sc.Resource.CreatedDateTime = parseTime(rCreated)
	sc.Resource.ModifiedDateTime = parseTime(rModified)
	return &sc, nil
}

// loadRoleScopes loads the resource role scopes of a package, oldest first,
// with Role and Resource (including SystemID) filled in.
func (t *tx) loadRoleScopes(ctx context.Context, packageID string) ([]entitled.ResourceRoleScope, error) {
	scopes, err := queryRows(ctx, t, scopeSelect+` WHERE rs.access_package_id = ? ORDER BY rs.id`, []any{packageID}, valueOf(scanScope))
	return append([]entitled.ResourceRoleScope{}, scopes...), err
}

const systemCols = `id, name, kind, config, retry, built_in, created_at, modified_at, health_policy`

// scanSystem reads a row of systemCols, opening a sealed config with the
// database's keys.
func (db *DB) scanSystem(r scanner) (*entitled.ConnectedSystem, error) {
	var sys entitled.ConnectedSystem
	var stored, retry, created, modified, health string
	var builtIn int
	if err := r.Scan(&sys.ID, &sys.Name, &sys.Kind, &stored, &retry, &builtIn, &created, &modified, &health); err != nil {
		return nil, err
	}
	config, err := db.secrets.Open(stored)
	if err != nil {
		return nil, fmt.Errorf("connected system %s: %w", sys.Name, err)
	}
	sys.Config = map[string]any{}
	if len(config) > 0 {
		if err := json.Unmarshal(config, &sys.Config); err != nil {
			return nil, fmt.Errorf("system %s config: %w", sys.ID, err)
		}
	}
	rp, err := decodeRetry(retry)
	if err != nil {
		return nil, fmt.Errorf("system %s retry: %w", sys.ID, err)
	}
	sys.Retry = rp
	if sys.HealthPolicy, err = decodeHealthPolicy(health); err != nil {
		return nil, fmt.Errorf("system %s health policy: %w", sys.ID, err)
	}
	sys.BuiltIn = builtIn != 0
	sys.CreatedDateTime = parseTime(created)
	sys.ModifiedDateTime = parseTime(modified)
	return &sys, nil
}

// loadSystem loads a connected system by id with its full config, secrets
// included (for the delivery engine only; never return it from a service).
func (t *tx) loadSystem(ctx context.Context, id string) (*entitled.ConnectedSystem, error) {
	return loadRow(ctx, t, t.db.scanSystem, systemCols, "systems", "connected system", id)
}

// isGroupMember reports whether the user is a member of the group.
func (t *tx) isGroupMember(ctx context.Context, groupID, userID string) (bool, error) {
	return t.inGroup(ctx, groupMembers, groupID, userID)
}

// groupMemberIDs lists the user ids of a group's members, in id order.
func (t *tx) groupMemberIDs(ctx context.Context, groupID string) ([]string, error) {
	return idList(ctx, t, `SELECT user_id FROM group_members WHERE group_id = ? ORDER BY user_id`, groupID)
}
