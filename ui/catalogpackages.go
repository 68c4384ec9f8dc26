package ui

import (
	"github.com/entitled-dev/entitled"
)

// The access packages of a catalog, listed on its page with "New access
// package" for those who may manage them: the build flow goes catalog →
// package → resource roles → policy without hunting for links.

// catalogPackageRow is a package of the catalog as its page lists it.
type catalogPackageRow struct {
	ID, Name, Description string
	Hidden                bool
}

// catalogPackages lists the catalog's packages the caller may read (at
// most one page of the largest size; the page says when there are more).
func (h *handler) catalogPackages(c *call, catalogID string) (rows []catalogPackageRow, more bool, err error) {
	pg, err := h.svc.AccessPackages.AccessPackages(c.ctx, entitled.ListOptions{Top: entitled.MaxPageSize,
		Filter: entitled.Compare{Op: "eq", Property: "catalogId", Value: catalogID}})
	if err != nil {
		return nil, false, err
	}
	for _, p := range pg.Items {
		rows = append(rows, catalogPackageRow{ID: p.ID, Name: p.DisplayName, Description: p.Description, Hidden: p.IsHidden})
	}
	return rows, pg.NextSkipToken != "", nil
}
