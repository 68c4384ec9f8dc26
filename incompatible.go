package entitled

import (
	"context"
	"fmt"
)

// CodeIncompatible is the error code of a request refused by separation of
// duties.
const CodeIncompatible = "IncompatibleAccessPackage"

// IncompatibilityService manages the separation of duties of access
// packages (Graph's incompatibleAccessPackages, incompatibleGroups,
// accessPackagesIncompatibleWith and additionalAccess); part of
// AccessPackageService.
type IncompatibilityService interface {
	// IncompatibleAccessPackages lists the packages the package names as
	// incompatible with it.
	IncompatibleAccessPackages(ctx context.Context, packageID string) ([]AccessPackage, error)
	// AccessPackagesIncompatibleWith lists the packages that name the
	// package as incompatible.
	AccessPackagesIncompatibleWith(ctx context.Context, packageID string) ([]AccessPackage, error)
	AddIncompatibleAccessPackage(ctx context.Context, packageID, otherID string) error
	RemoveIncompatibleAccessPackage(ctx context.Context, packageID, otherID string) error
	IncompatibleGroups(ctx context.Context, packageID string) ([]Group, error)
	AddIncompatibleGroup(ctx context.Context, packageID, groupID string) error
	RemoveIncompatibleGroup(ctx context.Context, packageID, groupID string) error
	// AdditionalAccess lists the live assignments of packageID whose
	// targets also hold a live assignment of otherID.
	AdditionalAccess(ctx context.Context, packageID, otherID string) ([]Assignment, error)
}

// Incompatibilities are what separation of duties knows about one add
// request: the packages incompatible with the requested one (in either
// direction), the groups it names as incompatible, and, among them, the
// packages the target holds or is getting and the groups the target is a
// member of.
type Incompatibilities struct {
	Packages, Groups       []string
	HeldPackages, MemberOf []string
}

// CheckCompatible is the separation-of-duties rule: a user may not get a
// package while they hold (or have an open request for) a package
// incompatible with it, whichever of the two names the other, nor while they
// are a member of a group the package names as incompatible. It returns nil
// or a 403 *Error with CodeIncompatible naming the conflict.
func CheckCompatible(targetID, packageID string, in Incompatibilities) error {
	incompatible := func(ids []string) map[string]bool {
		m := make(map[string]bool, len(ids))
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	pkgs, groups := incompatible(in.Packages), incompatible(in.Groups)
	for _, p := range in.HeldPackages {
		if pkgs[p] && p != packageID {
			return (&Error{Kind: KindForbidden, Code: CodeIncompatible, Target: "assignment.accessPackageId",
				Message: fmt.Sprintf("user %s holds or is requesting access package %s, which is incompatible with access package %s", targetID, p, packageID)}).
				WithKey("error.incompatiblePackage", "User", targetID, "Held", p, "Package", packageID)
		}
	}
	for _, g := range in.MemberOf {
		if groups[g] {
			return (&Error{Kind: KindForbidden, Code: CodeIncompatible, Target: "assignment.accessPackageId",
				Message: fmt.Sprintf("user %s is a member of group %s, which is incompatible with access package %s", targetID, g, packageID)}).
				WithKey("error.incompatibleGroup", "User", targetID, "Group", g, "Package", packageID)
		}
	}
	return nil
}
