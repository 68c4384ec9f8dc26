package entitled

import "time"

// Catalog is a container of resources and access packages with its own
// delegated administrators.
type Catalog struct {
	ID                  string
	DisplayName         string
	Description         string
	CatalogType         string // userManaged
	State               string // CatalogPublished or CatalogUnpublished
	IsExternallyVisible bool
	CreatedDateTime     time.Time
	ModifiedDateTime    time.Time
}

// Catalog states (Graph's accessPackageCatalogState).
const (
	CatalogPublished   = "published"
	CatalogUnpublished = "unpublished"
)

// Requestable decides the rule "packages of an unpublished catalog cannot be
// requested": nil for a published catalog, else a 400 *Error saying why. It
// holds for every add request, direct assignments included; administrators
// still see and edit what the catalog holds.
func (c *Catalog) Requestable() error {
	if c.State == CatalogUnpublished {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "assignment.accessPackageId",
			Message: "catalog " + c.DisplayName + " is unpublished: its access packages cannot be requested or assigned until an owner publishes it"}).WithKey("err.catalog.unpublished", "Catalog", c.DisplayName)
	}
	return nil
}

// CatalogUpdate holds the fields of a PATCH to a catalog; nil means unchanged.
type CatalogUpdate struct {
	DisplayName         *string
	Description         *string
	State               *string
	IsExternallyVisible *bool
}

// Resource is something in a connected system that access can be granted to,
// added to one catalog. OriginSystem is the connected system's name (or
// "AadGroup" for the built-in directory), OriginID its id there.
type Resource struct {
	ID               string
	CatalogID        string
	SystemID         string
	DisplayName      string
	Description      string
	OriginID         string
	OriginSystem     string
	Roles            []ResourceRole
	CreatedDateTime  time.Time
	ModifiedDateTime time.Time
}

// ResourceRole is a role on a resource, such as Member or Owner.
type ResourceRole struct {
	ID           string
	ResourceID   string
	DisplayName  string
	Description  string
	OriginID     string
	OriginSystem string
}

// ResourceRequest adds a resource to a catalog or removes it
// (requestType adminAdd or adminRemove); it completes at once.
type ResourceRequest struct {
	ID              string
	RequestType     RequestType
	State           RequestState
	CatalogID       string
	Resource        Resource
	CreatedDateTime time.Time
}

// OriginSystemAadGroup is Graph's originSystem for directory groups; entitled
// accepts it for groups of its built-in directory.
const OriginSystemAadGroup = "AadGroup"

// DirectorySystemName is the name of the always-present built-in connected system.
const DirectorySystemName = "directory"
