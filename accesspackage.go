package entitled

import "time"

// AccessPackage is a named bundle of resource role scopes in one catalog.
type AccessPackage struct {
	ID               string
	CatalogID        string
	DisplayName      string
	Description      string
	IsHidden         bool
	CreatedDateTime  time.Time
	ModifiedDateTime time.Time
}

// AccessPackageUpdate holds the fields of a PATCH; nil means unchanged.
type AccessPackageUpdate struct {
	DisplayName *string
	Description *string
	IsHidden    *bool
	// CatalogID is the catalog the caller names ("" when none): a package
	// stays in its catalog, so another one is refused, never ignored.
	CatalogID string
}

// ResourceRoleScope is one resource role included in an access package.
type ResourceRoleScope struct {
	ID              string
	AccessPackageID string
	Role            ResourceRole
	Resource        Resource // without Roles
	CreatedDateTime time.Time
}

// ResourceRoleScopeInput names the role to add to a package: the role by id,
// or by originId + originSystem within the resource given by ResourceID.
type ResourceRoleScopeInput struct {
	RoleID           string
	RoleOriginID     string
	RoleOriginSystem string
	ResourceID       string
}
