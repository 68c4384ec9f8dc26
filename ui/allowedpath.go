package ui

import (
	"context"
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// allowedPackage is pathPackage for a caller who must be allowed op in the
// package's catalog: it refuses anyone else with the message forbidden
// (given the package's name as Package). It shows the error itself.
func (h *handler) allowedPackage(c *call, op entitled.Op, forbidden string) (*entitled.AccessPackage, bool) {
	p, ok := h.pathPackage(c)
	if !ok || !h.allows(c, op, p.CatalogID, c.T(forbidden, i18n.V("Package", p.DisplayName))) {
		return nil, false
	}
	return p, true
}

// allowedCatalog is pathCatalog for a caller who must be allowed op in the
// catalog: it refuses anyone else with the message forbidden (given the
// catalog's name as Catalog). It shows the error itself.
func (h *handler) allowedCatalog(c *call, op entitled.Op, forbidden string) (*entitled.Catalog, bool) {
	cat, ok := h.pathCatalog(c)
	if !ok || !h.allows(c, op, cat.ID, c.T(forbidden, i18n.V("Catalog", cat.DisplayName))) {
		return nil, false
	}
	return cat, true
}

// allows says whether the caller may do op in the catalog catalogID, and
// shows refused (a 403 page) when they may not.
func (h *handler) allows(c *call, op entitled.Op, catalogID, refused string) bool {
	if !c.actor.Can(op, catalogID) {
		h.renderError(c.w, c.r, c, http.StatusForbidden, refused)
		return false
	}
	return true
}

// pathObject loads the object the path's id names with get; it shows the
// error itself.
func pathObject[T any](h *handler, c *call, get func(ctx context.Context, id string) (*T, error)) (*T, bool) {
	v, err := get(c.ctx, c.r.PathValue("id"))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return nil, false
	}
	return v, true
}

// listPage reads the page of a listing that skip (the query's skiptoken)
// names, of the configured size; it shows the error itself.
func listPage[T any](h *handler, c *call, skip string, list func(ctx context.Context, opt entitled.ListOptions) (entitled.Page[T], error)) (entitled.Page[T], bool) {
	pg, err := list(c.ctx, entitled.ListOptions{Top: h.cfg.PageSize, SkipToken: skip})
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return pg, false
	}
	return pg, true
}
