package entitled

// Who brings a resource into a catalog. Whatever is in a catalog can be
// packaged and requested, and a catalog owner may write a policy without
// approval, so adding a resource is the same as being able to grant it.
// MayAddResource keeps that power with those who already hold it.

// ResourceOwnership is what links the caller to a resource they want to add
// to a catalog; the store finds it out, MayAddResource decides.
type ResourceOwnership struct {
	// DirectoryGroup is set when the resource is a group of the built-in
	// directory (originSystem AadGroup).
	DirectoryGroup bool
	// GroupOwner is set when the caller is an owner of that group
	// (/v1.0/groups/{id}/owners).
	GroupOwner bool
	// SystemName names the connected system the resource lives in.
	SystemName string
	// DelegatedToCatalog is set when the connected system's administrators
	// delegated its resources to the catalog (the system's
	// delegatedCatalogIds).
	DelegatedToCatalog bool
}

// MayAddResource decides the rule "who brings a resource into a catalog": a
// Global or Identity Governance Administrator may add any resource; anyone
// else who may edit the catalog (its owners) only a directory group they own
// or a resource of a connected system delegated to that catalog. Otherwise a
// 403 *Error says who may add it. The caller's right to edit the catalog
// (OpEditCatalog) is checked before.
func MayAddResource(a *Actor, o ResourceOwnership) error {
	if a == nil {
		return Errorf(KindUnauthorized, CodeUnauthorized, "authentication is required").WithKey("error.unauthenticated")
	}
	if a.IsTenantAdmin() {
		return nil
	}
	switch {
	case o.DirectoryGroup && o.GroupOwner:
		return nil
	case o.DirectoryGroup:
		return (&Error{Kind: KindForbidden, Code: CodeForbidden, Target: "resource.originId",
			Message: "only a Global or Identity Governance Administrator, or an owner of this group, may add it to a catalog; " +
				"ask one of them to add it, or to make you an owner of the group"}).WithKey("err.resource.groupOwnerOnly")
	case o.DelegatedToCatalog:
		return nil
	}
	return (&Error{Kind: KindForbidden, Code: CodeForbidden, Target: "resource.originSystem",
		Message: "only a Global or Identity Governance Administrator may add resources of connected system " + o.SystemName +
			" to this catalog, unless they delegate the system to it (delegatedCatalogIds)"}).WithKey("err.resource.systemNotDelegated", "System", o.SystemName)
}
