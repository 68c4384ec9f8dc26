package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
)

// Catalogs and access packages for their administrators: list catalogs,
// create a catalog (catalog creators and tenant administrators), create an
// access package in a catalog (catalog owners and access package managers).

// catalogRow is a catalog as the list shows it.
type catalogRow struct {
	entitled.Catalog
	// CanAddPackage shows the catalog's New access package link.
	CanAddPackage bool
}

// catalogsData is the list of catalogs.
type catalogsData struct {
	base
	Rows      []catalogRow
	CanCreate bool
	NextToken string
	Paged     bool
}

// catalogForm is what the create-catalog form was filled with.
type catalogForm struct {
	Name, Description, Error string
}

// catalogFormData is the create-catalog page.
type catalogFormData struct {
	base
	Form catalogForm
}

// packageForm is what the create-package form was filled with.
type packageForm struct {
	Name, Description, Error string
	Hidden                   bool
}

// packageFormData is the create-package page.
type packageFormData struct {
	base
	Catalog entitled.Catalog
	Form    packageForm
}

// canAdminCatalogs reports whether the actor may create catalogs or
// packages in some catalog, so the Catalogs section is shown.
func canAdminCatalogs(a *entitled.Actor) bool {
	return a.Can(entitled.OpCreateCatalog, "") || a.CanSomewhere(entitled.OpManagePackages)
}

// catalogsPage lists the catalogs the caller may read, with the actions
// the caller may use.
func (h *handler) catalogsPage(c *call) {
	if !canAdminCatalogs(c.actor) {
		h.renderError(c.w, c.r, c, http.StatusForbidden, c.T("catalogs.forbidden"))
		return
	}
	skip := c.r.URL.Query().Get("skiptoken")
	pg, ok := listPage(h, c, skip, h.svc.Catalogs.Catalogs)
	if !ok {
		return
	}
	d := catalogsData{base: c.base(c.T("nav.catalogs"), "catalogs"), CanCreate: c.actor.Can(entitled.OpCreateCatalog, ""),
		NextToken: pg.NextSkipToken, Paged: skip != ""}
	for _, cat := range pg.Items {
		d.Rows = append(d.Rows, catalogRow{Catalog: cat, CanAddPackage: c.actor.Can(entitled.OpManagePackages, cat.ID)})
	}
	h.render(c.w, c.r, http.StatusOK, "catalogs", &d)
}

// catalogCreateAllowed refuses a caller who may not create catalogs.
func (h *handler) catalogCreateAllowed(c *call) bool {
	if c.actor.Can(entitled.OpCreateCatalog, "") {
		return true
	}
	h.renderError(c.w, c.r, c, http.StatusForbidden, c.T("catalogform.forbidden"))
	return false
}

// newCatalogForm shows the create-catalog form.
func (h *handler) newCatalogForm(c *call) {
	if !h.catalogCreateAllowed(c) {
		return
	}
	h.render(c.w, c.r, http.StatusOK, "catalogform", &catalogFormData{base: c.base(c.T("catalogform.title"), "catalogs")})
}

// createCatalog creates a catalog from the form; its creator owns it.
func (h *handler) createCatalog(c *call) {
	if !h.catalogCreateAllowed(c) {
		return
	}
	f := catalogForm{Name: strings.TrimSpace(c.r.PostForm.Get("name")), Description: strings.TrimSpace(c.r.PostForm.Get("description"))}
	again := func(status int, msg string) {
		f.Error = msg
		h.render(c.w, c.r, status, "catalogform", &catalogFormData{base: c.base(c.T("catalogform.title"), "catalogs"), Form: f})
	}
	if f.Name == "" {
		again(http.StatusBadRequest, c.T("catalog.enterName"))
		return
	}
	cat := &entitled.Catalog{DisplayName: f.Name, Description: f.Description, State: "published"}
	if err := h.svc.Catalogs.CreateCatalog(c.ctx, cat); err != nil {
		h.failForm(c, err, again)
		return
	}
	http.Redirect(c.w, c.r, catalogPath(cat.ID)+"?done=catalogAdded", http.StatusSeeOther)
}

// packageCatalog loads the catalog of the path and refuses a caller who
// may not manage its packages.
func (h *handler) packageCatalog(c *call) (*entitled.Catalog, bool) {
	return h.allowedCatalog(c, entitled.OpManagePackages, "packageform.forbidden")
}

// newPackageForm shows the create-package form of a catalog.
func (h *handler) newPackageForm(c *call) {
	cat, ok := h.packageCatalog(c)
	if !ok {
		return
	}
	h.render(c.w, c.r, http.StatusOK, "packageform", &packageFormData{base: c.base(c.T("packageform.pageTitle"), "catalogs"), Catalog: *cat})
}

// createPackage creates an access package in the catalog and opens its
// Resource roles tab.
func (h *handler) createPackage(c *call) {
	cat, ok := h.packageCatalog(c)
	if !ok {
		return
	}
	pf := c.r.PostForm
	f := packageForm{Name: strings.TrimSpace(pf.Get("name")), Description: strings.TrimSpace(pf.Get("description")), Hidden: pf.Get("hidden") == "on"}
	again := func(status int, msg string) {
		f.Error = msg
		h.render(c.w, c.r, status, "packageform", &packageFormData{base: c.base(c.T("packageform.pageTitle"), "catalogs"), Catalog: *cat, Form: f})
	}
	if f.Name == "" {
		again(http.StatusBadRequest, c.T("package.enterName"))
		return
	}
	p := &entitled.AccessPackage{CatalogID: cat.ID, DisplayName: f.Name, Description: f.Description, IsHidden: f.Hidden}
	if err := h.svc.AccessPackages.CreateAccessPackage(c.ctx, p); err != nil {
		h.failForm(c, err, again)
		return
	}
	http.Redirect(c.w, c.r, "/governance/packages/"+url.PathEscape(p.ID)+"/roles?done=packageAdded", http.StatusSeeOther)
}
