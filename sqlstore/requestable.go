package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// RequestablePolicies lists the policies of an access package under which
// the caller may request it for themself, so a requestor (who may not list a
// catalog's policies) can pick one. Readers of the package's catalog see every
// policy that lets users request for themselves; an unknown package is a 404,
// a package of an unpublished catalog has none.
func (s *PolicyService) RequestablePolicies(ctx context.Context, packageID string) ([]entitled.AssignmentPolicy, error) {
	var out []entitled.AssignmentPolicy
	err := s.db.readAs(ctx, func(t *tx, a *entitled.Actor) error {
		pkg, err := t.loadPackage(ctx, packageID)
		if err != nil {
			return err
		}
		cat, err := t.loadCatalog(ctx, pkg.CatalogID)
		if err != nil {
			return err
		}
		if cat.Requestable() != nil {
			return nil // nothing of an unpublished catalog can be requested
		}
		pols, err := queryRows(ctx, t, `SELECT `+policyCols+` FROM policies WHERE access_package_id = ? ORDER BY id`, []any{packageID}, scanPolicy)
		if err != nil {
			return err
		}
		for _, p := range pols {
			ok, err := t.mayRequest(ctx, a, p)
			if err != nil {
				return err
			}
			if ok {
				out = append(out, *p)
			}
		}
		return nil
	})
	return out, err
}
