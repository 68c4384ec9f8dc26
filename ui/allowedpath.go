package ui

import (
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
