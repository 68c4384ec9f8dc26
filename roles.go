package entitled

import "strings"

// Graph's well-known role definition ids, so scripts carry over.
const (
	RoleGlobalAdministrator             = "62e90394-69f5-4237-9190-012177145e10"
	RoleIdentityGovernanceAdministrator = "45d8d3c5-c802-45c6-b32a-1d70b5e1e86e"
	RoleUserAdministrator               = "fe930be7-5e62-47db-91af-98c3a49a38b1"
	RoleCatalogCreator                  = "ba92d953-d8e0-4e39-a797-0cbedb0a89e8"
	RoleCatalogOwner                    = "ae79f266-94d4-4dab-b730-feca7e132178"
	RoleCatalogReader                   = "44272f93-9762-48e8-af59-1b5351b1d6b3"
	RoleAccessPackageManager            = "7f480852-ebdc-47d4-87de-0d8498384a83"
	RoleAccessPackageAssignmentManager  = "e2182095-804a-4656-ae11-64734e9b7ae5"
)

// RoleDefinition names a role definition id.
type RoleDefinition struct {
	ID          string
	DisplayName string
	// Directory is true for tenant-wide directory roles, false for
	// entitlement-management (catalog-scoped) roles.
	Directory bool
}

// RoleDefinitions lists every role definition entitled knows.
var RoleDefinitions = []RoleDefinition{
	{RoleGlobalAdministrator, "Global Administrator", true},
	{RoleIdentityGovernanceAdministrator, "Identity Governance Administrator", true},
	{RoleUserAdministrator, "User Administrator", true},
	{RoleCatalogCreator, "Catalog creator", false},
	{RoleCatalogOwner, "Catalog owner", false},
	{RoleCatalogReader, "Catalog reader", false},
	{RoleAccessPackageManager, "Access package manager", false},
	{RoleAccessPackageAssignmentManager, "Access package assignment manager", false},
}

// LookupRoleDefinition finds a role definition by id (case-insensitive).
func LookupRoleDefinition(id string) (RoleDefinition, bool) {
	for _, d := range RoleDefinitions {
		if strings.EqualFold(d.ID, id) {
			return d, true
		}
	}
	return RoleDefinition{}, false
}

// Op is an operation guarded by the delegated-role model (Actor.Can).
type Op int

// The guarded operations.
const (
	OpCreateCatalog        Op = iota // create a catalog
	OpReadCatalog                    // read a catalog, its resources, packages and policies
	OpEditCatalog                    // edit/delete a catalog, add/remove resources, assign catalog roles
	OpManagePackages                 // create/edit/delete packages, role scopes and policies
	OpViewRequests                   // view requests, assignments and delivery errors
	OpDirectAssign                   // adminAdd/adminRemove (direct assignment and removal)
	OpReprocess                      // reprocess requests and assignments
	OpCancelAny                      // cancel any request in the catalog
	OpManageUsers                    // create/edit/delete users and groups, set managers
	OpManageDirectoryRoles           // assign directory roles (Global Administrators only)
	OpManageSystems                  // add/edit/delete connected systems
	OpReadAudit                      // read the audit log of every catalog
)

// String is the operation's English description; Key names it in the i18n
// catalogue.
func (o Op) String() string { return opTexts[o].name }

// directoryGrants lists which tenant-wide roles allow which operation in any
// catalog. Global and Identity Governance Administrators may do everything.
var directoryGrants = map[string]map[Op]bool{
	RoleUserAdministrator: {
		OpCreateCatalog: true, OpReadCatalog: true, OpViewRequests: true, OpDirectAssign: true,
		OpReprocess: true, OpCancelAny: true, OpManageUsers: true,
	},
}

// catalogGrants lists which catalog roles allow which operation in their catalog.
var catalogGrants = map[string]map[Op]bool{
	RoleCatalogOwner: {
		OpReadCatalog: true, OpEditCatalog: true, OpManagePackages: true, OpViewRequests: true,
		OpDirectAssign: true, OpReprocess: true, OpCancelAny: true,
	},
	RoleAccessPackageManager: {
		OpReadCatalog: true, OpManagePackages: true, OpViewRequests: true,
		OpDirectAssign: true, OpReprocess: true, OpCancelAny: true,
	},
	RoleAccessPackageAssignmentManager: {
		OpReadCatalog: true, OpViewRequests: true, OpDirectAssign: true, OpReprocess: true, OpCancelAny: true,
	},
	RoleCatalogReader: {OpReadCatalog: true, OpViewRequests: true},
}

// Actor is the caller of a service method: a user with the roles they hold.
// The System actor is the delivery engine and scheduler acting on its own.
type Actor struct {
	User User
	// DirectoryRoles holds tenant-wide role definition ids.
	DirectoryRoles []string
	// CatalogRoles maps a catalog id to the role definition ids held in it;
	// the key "/" holds roles on every catalog.
	CatalogRoles map[string][]string
	// System marks the engine's own actions; it may do everything.
	System bool
	// Scope is the scope of the token the actor authenticated with
	// (Token.Scope); a scoped actor may only what the scope allows
	// (ScopeAllows), and no more than their roles.
	Scope string
}

// SystemActor is the actor for work the service does by itself (delivery,
// expiry, time-outs).
var SystemActor = &Actor{System: true, User: User{ID: "00000000-0000-0000-0000-000000000000", DisplayName: "entitled", UserPrincipalName: "system"}}

// HasDirectoryRole reports whether the actor holds the tenant-wide role.
func (a *Actor) HasDirectoryRole(id string) bool {
	for _, r := range a.DirectoryRoles {
		if r == id {
			return true
		}
	}
	return false
}

// IsTenantAdmin reports whether the actor is a Global or Identity Governance
// Administrator (or the system).
func (a *Actor) IsTenantAdmin() bool {
	return a.System || a.HasDirectoryRole(RoleGlobalAdministrator) || a.HasDirectoryRole(RoleIdentityGovernanceAdministrator)
}

// Can reports whether the actor may perform op in the catalog (catalogID may
// be empty for tenant-wide operations).
func (a *Actor) Can(op Op, catalogID string) bool {
	if a == nil {
		return false
	}
	if !ScopeAllows(a.Scope, op) {
		return false
	}
	if op == OpManageDirectoryRoles {
		// Every directory role is privileged (PrivilegedRoles): granting
		// or taking one is for a Global Administrator alone, or an
		// Identity Governance Administrator could make themself one.
		return a.System || a.HasDirectoryRole(RoleGlobalAdministrator)
	}
	if a.IsTenantAdmin() {
		return true
	}
	for _, r := range a.DirectoryRoles {
		if directoryGrants[r][op] {
			return true
		}
		if r == RoleCatalogCreator && op == OpCreateCatalog {
			return true
		}
	}
	for _, scope := range []string{"/", catalogID} {
		if scope == "" {
			continue
		}
		for _, r := range a.CatalogRoles[scope] {
			if catalogGrants[r][op] {
				return true
			}
			if r == RoleCatalogCreator && op == OpCreateCatalog {
				return true
			}
		}
	}
	return false
}

// CanSomewhere reports whether the actor may perform op tenant-wide or in
// at least one catalog: whether a section or an action that spans catalogs
// is offered to them at all.
func (a *Actor) CanSomewhere(op Op) bool {
	if a == nil {
		return false
	}
	if a.Can(op, "") {
		return true
	}
	for _, id := range a.CatalogIDs() {
		if a.Can(op, id) {
			return true
		}
	}
	return false
}

// Authorize returns a 403 *Error unless the actor may perform op in the catalog.
func (a *Actor) Authorize(op Op, catalogID string) error {
	if a == nil {
		return Errorf(KindUnauthorized, CodeUnauthorized, "authentication is required").WithKey("error.unauthenticated")
	}
	if a.Can(op, catalogID) {
		return nil
	}
	return Forbiddenf("the caller is not allowed to %s", op).WithKey("error.forbidden", "OpKey", op.Key())
}

// CatalogIDs returns the ids of catalogs where the actor holds any catalog
// role; used to scope lists for catalog-scoped administrators.
func (a *Actor) CatalogIDs() []string {
	ids := make([]string, 0, len(a.CatalogRoles))
	for id := range a.CatalogRoles {
		if id != "/" {
			ids = append(ids, id)
		}
	}
	return ids
}
