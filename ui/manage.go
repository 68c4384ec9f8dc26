package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// Changing and removing what administrators create: a package's name,
// description and visibility; deleting a package, a policy, a catalog;
// removing a resource role from a package and a resource from a catalog.
// Forms are shown only to users whose role allows the action, but every
// handler leaves the decision to the domain service: a forged post is
// refused by the service and changes nothing.

// packageEditForm is what the edit-package form was filled with.
type packageEditForm struct {
	Name, Description string
	Hidden            bool
	Error             string
}

// pkgManageOverviewData is a package's Overview tab with the edit and
// delete forms for those who may manage the package.
type pkgManageOverviewData struct {
	pkgOverviewData
	// CanManage shows the edit and delete forms.
	CanManage   bool
	Edit        packageEditForm
	DeleteError string
}

// packageOverview shows a package's Overview tab.
func (h *handler) packageOverview(c *call) {
	p, ok := h.viewablePackage(c)
	if !ok {
		return
	}
	h.showOverview(c, p, packageEditForm{Name: p.DisplayName, Description: p.Description, Hidden: p.IsHidden}, "", http.StatusOK)
}

// showOverview renders the Overview tab with the forms as filled.
func (h *handler) showOverview(c *call, p *entitled.AccessPackage, edit packageEditForm, deleteErr string, status int) {
	d := pkgManageOverviewData{pkgOverviewData: pkgOverviewData{pkgPage: c.pkgPage(p, "overview"),
		Catalog: p.CatalogID, Created: c.loc.DateTime(p.CreatedDateTime), Modified: c.loc.DateTime(p.ModifiedDateTime)},
		CanManage: c.actor.Can(entitled.OpManagePackages, p.CatalogID), Edit: edit, DeleteError: deleteErr}
	if cat, err := h.svc.Catalogs.Catalog(c.ctx, p.CatalogID); err == nil {
		d.Catalog = cat.DisplayName
	}
	scopes, err := h.svc.AccessPackages.ResourceRoleScopes(c.ctx, p.ID)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	pols, err := h.packagePolicies(c, p.ID)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d.Roles, d.Policies = len(scopes), len(pols)
	h.render(c.w, c.r, status, "pkgoverview", &d)
}

// userError reports whether a service error is one the page should show
// beside its form (bad input, a conflict) rather than as an error page.
func userError(err error) (*entitled.Error, bool) {
	e := entitled.AsError(err)
	switch e.Kind {
	case entitled.KindInternal, entitled.KindForbidden, entitled.KindUnauthorized:
		return e, false
	}
	return e, true
}

// pathPackage loads the package named by the path; it shows the error
// itself. It does not check the caller's role: the services do.
func (h *handler) pathPackage(c *call) (*entitled.AccessPackage, bool) {
	return pathObject(h, c, h.svc.AccessPackages.AccessPackage)
}

// editPackage saves a package's name, description and visibility.
func (h *handler) editPackage(c *call) {
	p, ok := h.pathPackage(c)
	if !ok {
		return
	}
	f := packageEditForm{Name: strings.TrimSpace(c.r.PostForm.Get("name")), Description: strings.TrimSpace(c.r.PostForm.Get("description")),
		Hidden: c.r.PostForm.Get("hidden") == "on"}
	if f.Name == "" {
		f.Error = c.T("package.enterName")
		h.showOverview(c, p, f, "", http.StatusBadRequest)
		return
	}
	upd := entitled.AccessPackageUpdate{DisplayName: &f.Name, Description: &f.Description, IsHidden: &f.Hidden}
	if _, err := h.svc.AccessPackages.UpdateAccessPackage(c.ctx, p.ID, upd); err != nil {
		if e, show := userError(err); show && c.actor.Can(entitled.OpManagePackages, p.CatalogID) {
			f.Error = c.T("form.nothingSaved", i18n.V("Reason", errorText(c.loc, e)))
			h.showOverview(c, p, f, "", e.Kind.HTTPStatus())
			return
		}
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, packagePath(p.ID, "overview")+"?done=packageSaved", http.StatusSeeOther)
}

// confirmed reports whether the "I understand" box of a delete form was
// ticked.
func confirmed(c *call) bool { return c.r.PostForm.Get("confirm") == "on" }

// deletePackage deletes a package after the confirm box was ticked.
func (h *handler) deletePackage(c *call) {
	p, ok := h.pathPackage(c)
	if !ok {
		return
	}
	edit := packageEditForm{Name: p.DisplayName, Description: p.Description, Hidden: p.IsHidden}
	if !confirmed(c) {
		h.showOverview(c, p, edit, c.T("pkgoverview.confirmFirst", i18n.V("Package", p.DisplayName)), http.StatusBadRequest)
		return
	}
	h.deleteThen(c, func() error { return h.svc.AccessPackages.DeleteAccessPackage(c.ctx, p.ID) }, "/governance/?done=packageDeleted",
		func(e *entitled.Error, msg string) bool {
			if !c.actor.Can(entitled.OpManagePackages, p.CatalogID) {
				return false
			}
			h.showOverview(c, p, edit, msg, e.Kind.HTTPStatus())
			return true
		})
}

// removePackageRole removes a resource role from a package. The form
// names the role as the Resource roles tab shows it: connected system,
// resource origin id and role origin id.
func (h *handler) removePackageRole(c *call) {
	p, ok := h.pathPackage(c)
	if !ok {
		return
	}
	pf := c.r.PostForm
	system, resource, role := pf.Get("system"), pf.Get("resource"), pf.Get("role")
	scopes, err := h.svc.AccessPackages.ResourceRoleScopes(c.ctx, p.ID)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	id := ""
	for _, s := range scopes {
		if firstNonEmpty(s.Role.OriginSystem, s.Resource.OriginSystem) == system && s.Resource.OriginID == resource && s.Role.OriginID == role {
			id = s.ID
			break
		}
	}
	if id == "" {
		h.renderError(c.w, c.r, c, http.StatusNotFound, c.T("pkgroles.notPart", i18n.V("Role", role), i18n.V("Resource", resource), i18n.V("System", system), i18n.V("Package", p.DisplayName)))
		return
	}
	if c.actor.Can(entitled.OpManagePackages, p.CatalogID) && !h.confirmed(c,
		c.T("confirm.removeRole", i18n.V("Role", role), i18n.V("Resource", resource), i18n.V("Package", p.DisplayName)), c.T("confirm.removeRoleButton"), packagePath(p.ID, "roles")) {
		return
	}
	if err := h.svc.AccessPackages.RemoveResourceRoleScope(c.ctx, p.ID, id); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, packagePath(p.ID, "roles")+"?done=roleRemoved", http.StatusSeeOther)
}

// deletePackagePolicy deletes a policy of the package of the path.
func (h *handler) deletePackagePolicy(c *call) {
	p, ok := h.pathPackage(c)
	if !ok {
		return
	}
	pol, err := h.svc.Policies.Policy(c.ctx, c.r.PathValue("policy"))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	if pol.AccessPackageID != p.ID {
		h.renderError(c.w, c.r, c, http.StatusNotFound, c.T("pkgpolicies.notItsPolicy", i18n.V("Package", p.DisplayName)))
		return
	}
	if err := h.svc.Policies.DeletePolicy(c.ctx, pol.ID); err != nil {
		if e, show := userError(err); show {
			h.renderError(c.w, c.r, c, e.Kind.HTTPStatus(), c.T("pkgpolicies.notDeleted", i18n.V("Policy", pol.DisplayName), i18n.V("Reason", errorText(c.loc, e))))
			return
		}
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, packagePath(p.ID, "policies")+"?done=policyDeleted", http.StatusSeeOther)
}

// pathCatalog loads the catalog named by the path; it shows the error
// itself. It does not check the caller's role: the services do.
func (h *handler) pathCatalog(c *call) (*entitled.Catalog, bool) {
	return pathObject(h, c, h.svc.Catalogs.Catalog)
}

// catalogRefused shows why a change to a catalog was refused: beside the
// catalog's details for its editors, else as an error page.
func (h *handler) catalogRefused(c *call, cat *entitled.Catalog, status int, msg string) {
	if c.actor.Can(entitled.OpEditCatalog, cat.ID) {
		h.showCatalog(c, cat, catalogForm{Name: cat.DisplayName, Description: cat.Description, Error: msg}, catalogRoleForm{}, status)
		return
	}
	h.renderError(c.w, c.r, c, status, msg)
}

// deleteCatalog deletes a catalog after the confirm box was ticked.
func (h *handler) deleteCatalog(c *call) {
	cat, ok := h.pathCatalog(c)
	if !ok {
		return
	}
	if !confirmed(c) {
		h.catalogRefused(c, cat, http.StatusBadRequest, c.T("catalog.confirmFirst", i18n.V("Catalog", cat.DisplayName)))
		return
	}
	h.deleteThen(c, func() error { return h.svc.Catalogs.DeleteCatalog(c.ctx, cat.ID) }, "/admin/catalogs?done=catalogDeleted",
		func(e *entitled.Error, msg string) bool {
			h.catalogRefused(c, cat, e.Kind.HTTPStatus(), msg)
			return true
		})
}

// removeCatalogResource removes a resource from a catalog (an adminRemove
// resource request).
func (h *handler) removeCatalogResource(c *call) {
	cat, ok := h.pathCatalog(c)
	if !ok {
		return
	}
	if c.actor.Can(entitled.OpEditCatalog, cat.ID) && !h.confirmed(c, c.T("confirm.removeResource", i18n.V("Catalog", cat.DisplayName)),
		c.T("confirm.removeResourceButton"), catalogPath(cat.ID)) {
		return
	}
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminRemove, CatalogID: cat.ID,
		Resource: entitled.Resource{ID: c.r.PathValue("resource")}}
	if err := h.svc.Catalogs.CreateResourceRequest(c.ctx, rr); err != nil {
		if e, show := userError(err); show {
			h.catalogRefused(c, cat, e.Kind.HTTPStatus(), c.T("catalog.resourceNotRemoved", i18n.V("Reason", errorText(c.loc, e))))
			return
		}
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, catalogPath(cat.ID)+"?done=resourceRemoved", http.StatusSeeOther)
}

// packagePath is the path of a package's tab.
func packagePath(id, tab string) string {
	return "/governance/packages/" + url.PathEscape(id) + "/" + tab
}
