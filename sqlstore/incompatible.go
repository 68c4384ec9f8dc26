package sqlstore

import (
	"context"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// Separation of duties: the incompatible packages and groups of an access
// package (migration 00016), and the check of an add request against them
// (entitled.CheckCompatible; docs/design.md, "Separation of duties").

// relation is one incompatibility list of a package: its table and the
// column naming the other side.
type relation struct {
	table, column, what, activity string
}

var (
	incompatiblePackages = relation{"incompatible_packages", "incompatible_id", "access package", "incompatible access package"}
	incompatibleGroups   = relation{"incompatible_groups", "group_id", "group", "incompatible group"}
)

// IncompatibleAccessPackages lists the packages the package names as
// incompatible (readers of the package).
func (s *AccessPackageService) IncompatibleAccessPackages(ctx context.Context, packageID string) ([]entitled.AccessPackage, error) {
	return s.relatedPackages(ctx, packageID, `SELECT incompatible_id FROM incompatible_packages WHERE access_package_id = ?`)
}

// AccessPackagesIncompatibleWith lists the packages that name the package
// as incompatible (readers of the package).
func (s *AccessPackageService) AccessPackagesIncompatibleWith(ctx context.Context, packageID string) ([]entitled.AccessPackage, error) {
	return s.relatedPackages(ctx, packageID, `SELECT access_package_id FROM incompatible_packages WHERE incompatible_id = ?`)
}

func (s *AccessPackageService) relatedPackages(ctx context.Context, packageID, ids string) ([]entitled.AccessPackage, error) {
	var out []entitled.AccessPackage
	err := s.readPackage(ctx, packageID, func(t *tx) (err error) {
		out, err = queryRows(ctx, t, `SELECT `+packageCols+` FROM access_packages WHERE id IN (`+ids+`) ORDER BY id`, []any{packageID}, valueOf(scanPackage))
		return err
	})
	return out, err
}

// IncompatibleGroups lists the groups the package names as incompatible.
func (s *AccessPackageService) IncompatibleGroups(ctx context.Context, packageID string) ([]entitled.Group, error) {
	var out []entitled.Group
	err := s.readPackage(ctx, packageID, func(t *tx) (err error) {
		out, err = queryRows(ctx, t, `SELECT `+groupCols+` FROM groups WHERE id IN
			(SELECT group_id FROM incompatible_groups WHERE access_package_id = ?) ORDER BY id`, []any{packageID}, valueOf(scanGroup))
		return err
	})
	return out, err
}

// readPackage runs read in a read transaction once the caller may read the
// package.
func (s *AccessPackageService) readPackage(ctx context.Context, packageID string, read func(t *tx) error) error {
	return s.db.readAs(ctx, func(t *tx, a *entitled.Actor) error {
		p, err := t.loadPackage(ctx, packageID)
		if err != nil {
			return err
		}
		if err := s.authorizePackageRead(ctx, t, a, p); err != nil {
			return err
		}
		return read(t)
	})
}

// AddIncompatibleAccessPackage names otherID as incompatible with the
// package (OpManagePackages in its catalog); adding it again changes nothing.
func (s *AccessPackageService) AddIncompatibleAccessPackage(ctx context.Context, packageID, otherID string) error {
	if packageID == otherID {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "@odata.id",
			Message: "an access package cannot be incompatible with itself"}).WithKey("err.package.incompatibleWithItself")
	}
	return s.link(ctx, packageID, otherID, incompatiblePackages, func(t *tx) error {
		_, err := t.loadPackage(ctx, otherID)
		return err
	})
}

// AddIncompatibleGroup names a group as incompatible with the package.
func (s *AccessPackageService) AddIncompatibleGroup(ctx context.Context, packageID, groupID string) error {
	return s.link(ctx, packageID, groupID, incompatibleGroups, func(t *tx) error {
		_, err := t.loadGroup(ctx, groupID)
		return err
	})
}

// RemoveIncompatibleAccessPackage removes otherID from the package's
// incompatible packages; 404 when it is not there.
func (s *AccessPackageService) RemoveIncompatibleAccessPackage(ctx context.Context, packageID, otherID string) error {
	return s.unlink(ctx, packageID, otherID, incompatiblePackages)
}

// RemoveIncompatibleGroup removes a group from the package's incompatible
// groups; 404 when it is not there.
func (s *AccessPackageService) RemoveIncompatibleGroup(ctx context.Context, packageID, groupID string) error {
	return s.unlink(ctx, packageID, groupID, incompatibleGroups)
}

// managePackage runs change once the caller may manage the package.
func (s *AccessPackageService) managePackage(ctx context.Context, packageID string, change func(t *tx, a *entitled.Actor, p *entitled.AccessPackage) error) error {
	return managed(ctx, s.db, func(t *tx) (*entitled.AccessPackage, error) { return t.loadPackage(ctx, packageID) },
		func(p *entitled.AccessPackage) string { return p.CatalogID }, change)
}

func (s *AccessPackageService) link(ctx context.Context, packageID, otherID string, rel relation, exists func(t *tx) error) error {
	return s.managePackage(ctx, packageID, func(t *tx, a *entitled.Actor, p *entitled.AccessPackage) error {
		if err := exists(t); err != nil {
			if entitled.ErrorKind(err) == entitled.KindNotFound {
				return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "@odata.id",
					Message: fmt.Sprintf("%s %q does not exist", rel.what, otherID)}).WithKey("err.package.incompatibleNotFound", "WhatKey", nounKey(rel.what), "ID", otherID)
			}
			return err
		}
		res, err := t.exec(ctx, `INSERT INTO `+rel.table+` (access_package_id, `+rel.column+`, created_at) VALUES (?,?,?)
			ON CONFLICT DO NOTHING`, p.ID, otherID, fmtTime(t.now()))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return t.audit(ctx, a, auditEntry{Activity: "Add " + rel.activity, Operation: "Add", TargetID: p.ID, TargetType: "AccessPackage",
			TargetName: p.DisplayName, CatalogID: p.CatalogID, After: map[string]string{rel.column: otherID}})
	})
}

func (s *AccessPackageService) unlink(ctx context.Context, packageID, otherID string, rel relation) error {
	return s.managePackage(ctx, packageID, func(t *tx, a *entitled.Actor, p *entitled.AccessPackage) error {
		res, err := t.exec(ctx, `DELETE FROM `+rel.table+` WHERE access_package_id = ? AND `+rel.column+` = ?`, p.ID, otherID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return entitled.NotFoundf("%s %q is not among the incompatible ones of access package %s", rel.what, otherID, p.ID).WithKey("err.package.notIncompatible", "WhatKey", nounKey(rel.what), "ID", otherID, "Package", p.ID)
		}
		return t.audit(ctx, a, auditEntry{Activity: "Remove " + rel.activity, Operation: "Delete", TargetID: p.ID, TargetType: "AccessPackage",
			TargetName: p.DisplayName, CatalogID: p.CatalogID, Before: map[string]string{rel.column: otherID}})
	})
}

// AdditionalAccess lists the live assignments of packageID whose targets
// also hold a live assignment of otherID (OpViewRequests in the package's
// catalog): who would be in conflict if the two were made incompatible.
func (s *AccessPackageService) AdditionalAccess(ctx context.Context, packageID, otherID string) ([]entitled.Assignment, error) {
	var out []entitled.Assignment
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) error {
		p, err := t.loadPackage(ctx, packageID)
		if err != nil {
			return err
		}
		if err := a.Authorize(entitled.OpViewRequests, p.CatalogID); err != nil {
			return err
		}
		out, err = t.assignmentsWhere(ctx, `access_package_id = ? AND state <> 'expired'
			AND target_id IN (SELECT target_id FROM assignments WHERE access_package_id = ? AND state <> 'expired') ORDER BY id`, packageID, otherID)
		return err
	})
	return out, err
}

// checkCompatible loads what entitled.CheckCompatible needs for the target
// and the package, and applies it: one query when the package has no
// incompatibilities, two more when it has.
func (t *tx) checkCompatible(ctx context.Context, targetID, packageID string) error {
	in, err := t.incompatibilitiesOf(ctx, packageID)
	if err != nil {
		return err
	}
	return t.checkCompatibleWith(ctx, targetID, packageID, in)
}

// incompatibilitiesOf loads the packages and groups incompatible with a
// package, either way round.
func (t *tx) incompatibilitiesOf(ctx context.Context, packageID string) (entitled.Incompatibilities, error) {
	var in entitled.Incompatibilities
	rows, err := t.query(ctx, `SELECT 'p', incompatible_id FROM incompatible_packages WHERE access_package_id = ?
		UNION SELECT 'p', access_package_id FROM incompatible_packages WHERE incompatible_id = ?
		UNION SELECT 'g', group_id FROM incompatible_groups WHERE access_package_id = ?`, packageID, packageID, packageID)
	if err != nil {
		return in, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, id string
		if err := rows.Scan(&kind, &id); err != nil {
			return in, err
		}
		if kind == "p" {
			in.Packages = append(in.Packages, id)
		} else {
			in.Groups = append(in.Groups, id)
		}
	}
	return in, rows.Err()
}

// checkCompatibleWith loads what the target holds of the package's
// incompatibilities in and applies entitled.CheckCompatible.
func (t *tx) checkCompatibleWith(ctx context.Context, targetID, packageID string, in entitled.Incompatibilities) error {
	var err error
	if n := len(in.Packages); n > 0 {
		if err := t.lockTarget(ctx, targetID); err != nil {
			return err
		}
		args := append([]any{targetID}, stringArgs(in.Packages)...)
		args = append(append(args, targetID), stringArgs(in.Packages)...)
		if in.HeldPackages, err = idList(ctx, t, `SELECT access_package_id FROM assignments
			WHERE target_id = ? AND state <> 'expired' AND access_package_id IN (`+inList(n)+`)
			UNION SELECT access_package_id FROM assignment_requests WHERE target_id = ? AND request_type IN `+addTypesSQL+`
			AND state IN `+openStatesSQL+` AND access_package_id IN (`+inList(n)+`)`, args...); err != nil {
			return err
		}
	}
	if n := len(in.Groups); n > 0 {
		if in.MemberOf, err = idList(ctx, t, `SELECT group_id FROM group_members WHERE user_id = ? AND group_id IN (`+inList(n)+`)`,
			append([]any{targetID}, stringArgs(in.Groups)...)...); err != nil {
			return err
		}
	}
	return entitled.CheckCompatible(targetID, packageID, in)
}

// stringArgs are ids as query arguments.
func stringArgs(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
