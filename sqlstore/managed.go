package sqlstore

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// managed runs change in a change transaction on what load loads (a
// package, a policy) once the caller may manage the packages of its catalog,
// which catalogOf names (OpManagePackages).
func managed[T any](ctx context.Context, db *DB, load func(t *tx) (*T, error), catalogOf func(*T) string,
	change func(t *tx, a *entitled.Actor, v *T) error) error {
	return db.changeAs(ctx, func(t *tx, a *entitled.Actor) error {
		v, err := load(t)
		if err != nil {
			return err
		}
		if err := a.Authorize(entitled.OpManagePackages, catalogOf(v)); err != nil {
			return err
		}
		return change(t, a, v)
	})
}

// managePolicy runs change on the policy id once the caller may manage the
// packages of its catalog (OpManagePackages).
func (s *PolicyService) managePolicy(ctx context.Context, id string, change func(t *tx, a *entitled.Actor, p *entitled.AssignmentPolicy) error) error {
	return managed(ctx, s.db, func(t *tx) (*entitled.AssignmentPolicy, error) { return t.loadPolicy(ctx, id) },
		func(p *entitled.AssignmentPolicy) string { return p.CatalogID }, change)
}
