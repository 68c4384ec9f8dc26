package sqlstore

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestSeparationOfDuties: a package's incompatible packages and groups are
// added (by its managers only), listed both ways and removed; a request
// that would give a user two incompatible packages, whichever names the
// other, or a package while in an incompatible group, is refused with
// CodeIncompatible; additionalAccess lists who holds both.
func TestSeparationOfDuties(t *testing.T) {
	f := newLC(t)
	other := &entitled.AccessPackage{CatalogID: f.catalog, DisplayName: "Accounting"}
	f.must(f.s.AccessPackages.CreateAccessPackage(f.sys, other))
	f.exec(`INSERT INTO resource_role_scopes (id, access_package_id, resource_role_id, resource_id, created_at)
		SELECT ?, ?, resource_role_id, resource_id, created_at FROM resource_role_scopes WHERE id = ?`, newID(), other.ID, f.scopes[0])
	otherPolicy := f.newPolicy(func(p *entitled.AssignmentPolicy) { p.AccessPackageID = other.ID })

	// bob already holds both when nothing is incompatible yet.
	f.mustAdd(entitled.RequestAdminAdd, f.policy, f.bob)
	f.mustAdd(entitled.RequestAdminAdd, otherPolicy, f.bob)

	wantKind(t, f.s.AccessPackages.AddIncompatibleAccessPackage(f.as(f.reader), other.ID, f.pkg), entitled.KindForbidden)
	wantKind(t, f.s.AccessPackages.AddIncompatibleAccessPackage(f.sys, other.ID, other.ID), entitled.KindInvalid)
	wantKind(t, f.s.AccessPackages.AddIncompatibleAccessPackage(f.sys, other.ID, "missing"), entitled.KindInvalid)
	f.must(f.s.AccessPackages.AddIncompatibleAccessPackage(f.sys, other.ID, f.pkg))
	f.must(f.s.AccessPackages.AddIncompatibleAccessPackage(f.sys, other.ID, f.pkg)) // again: no change
	list, err := f.s.AccessPackages.IncompatibleAccessPackages(f.sys, other.ID)
	f.must(err)
	with, err := f.s.AccessPackages.AccessPackagesIncompatibleWith(f.sys, f.pkg)
	f.must(err)
	if len(list) != 1 || list[0].ID != f.pkg || len(with) != 1 || with[0].ID != other.ID {
		t.Fatalf("incompatible %v, incompatible with %v", list, with)
	}
	both, err := f.s.AccessPackages.AdditionalAccess(f.sys, f.pkg, other.ID)
	f.must(err)
	if len(both) != 1 || both[0].TargetID != f.bob.ID {
		t.Fatalf("additional access %+v", both)
	}

	// alice holds the CRM: accounting is refused, and the other way round
	// for the manager who holds accounting.
	f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
	_, err = f.add(entitled.RequestUserAdd, otherPolicy, f.alice)
	wantCode(t, err, entitled.KindForbidden, entitled.CodeIncompatible)
	f.mustAdd(entitled.RequestAdminAdd, otherPolicy, f.manager)
	_, err = f.add(entitled.RequestAdminAdd, f.policy, f.manager)
	wantCode(t, err, entitled.KindForbidden, entitled.CodeIncompatible)

	// A group: bob's approvers group is incompatible with accounting.
	f.must(f.s.AccessPackages.AddIncompatibleGroup(f.sys, other.ID, f.group))
	groups, err := f.s.AccessPackages.IncompatibleGroups(f.sys, other.ID)
	f.must(err)
	if len(groups) != 1 || groups[0].ID != f.group {
		t.Fatalf("incompatible groups %+v", groups)
	}
	f.must(f.s.AccessPackages.RemoveIncompatibleAccessPackage(f.sys, other.ID, f.pkg))
	_, err = f.add(entitled.RequestUserAdd, otherPolicy, f.approver)
	f.must(err)
	f.exec(`INSERT INTO group_members (group_id, user_id) VALUES (?,?)`, f.group, f.big.ID)
	_, err = f.add(entitled.RequestUserAdd, otherPolicy, f.big)
	wantCode(t, err, entitled.KindForbidden, entitled.CodeIncompatible)
	f.must(f.s.AccessPackages.RemoveIncompatibleGroup(f.sys, other.ID, f.group))
	wantKind(t, f.s.AccessPackages.RemoveIncompatibleGroup(f.sys, other.ID, f.group), entitled.KindNotFound)
	_, err = f.add(entitled.RequestUserAdd, otherPolicy, f.big)
	f.must(err)
}
