package entitled

import "time"

// User is a person in the built-in directory.
type User struct {
	ID                string
	UserPrincipalName string
	DisplayName       string
	Mail              string
	AccountEnabled    bool
	ManagerID         string // empty when the user has no manager
	CreatedDateTime   time.Time
	// PreferredLanguage is Graph's preferredLanguage: a BCP 47 tag such
	// as "fr-FR" (CheckPreferredLanguage), "" when unset. The web UI and
	// emails speak it to the user.
	PreferredLanguage string
	// ExternalID is the identity provider's id of the user (SCIM
	// externalId), "" when none; unique when set.
	ExternalID string
}

// UserUpdate holds the fields of a PATCH to a user; nil means unchanged.
type UserUpdate struct {
	UserPrincipalName *string
	DisplayName       *string
	Mail              *string
	AccountEnabled    *bool
	PreferredLanguage *string
	ExternalID        *string
}

// Group is a group in the built-in directory. Its members are users.
type Group struct {
	ID              string
	DisplayName     string
	Description     string
	MailNickname    string
	CreatedDateTime time.Time
}

// GroupUpdate holds the fields of a PATCH to a group; nil means unchanged.
type GroupUpdate struct {
	DisplayName  *string
	Description  *string
	MailNickname *string
}

// RoleAssignment grants a role definition to a principal, tenant-wide
// (DirectoryScopeID "/") for directory roles, or on the entitlement-management
// app scope: AppScopeID "/" (all catalogs) or "/AccessPackageCatalog/{id}".
type RoleAssignment struct {
	ID               string
	PrincipalID      string
	RoleDefinitionID string
	DirectoryScopeID string
	AppScopeID       string
	CreatedDateTime  time.Time
}

// CatalogScope is the AppScopeID of a role assignment on one catalog.
func CatalogScope(catalogID string) string { return "/AccessPackageCatalog/" + catalogID }

// MembershipChange adds a user to a group of the built-in directory, or
// removes them (Add false).
type MembershipChange struct {
	GroupID string
	UserID  string
	Add     bool
}
