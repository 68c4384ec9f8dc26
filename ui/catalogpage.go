package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// A catalog's page: its name and description, its resources and the roles
// people hold in it. Catalog owners (and tenant administrators) edit it;
// everyone else who may read the catalog sees it read-only.

// catalogResourceRow is a resource of the catalog as its page shows it.
type catalogResourceRow struct {
	ID, Name, System, OriginID, Roles string
}

// catalogRoleRow is a catalog role assignment as the page shows it.
type catalogRoleRow struct {
	ID     string
	Person person
	Role   string
}

// catalogRoleChoice is a catalog role the add-role form offers.
type catalogRoleChoice struct {
	ID, Name string
	Selected bool
}

// catalogRoleForm is what the add-role form was filled with.
type catalogRoleForm struct {
	UPN, Role, Error string
}

// catalogPageData is a catalog's page.
type catalogPageData struct {
	base
	Catalog     entitled.Catalog
	CanEdit     bool
	Form        catalogForm
	Resources   []catalogResourceRow
	SkipToken   string
	NextToken   string
	Roles       []catalogRoleRow
	RolesHidden bool
	RoleChoices []catalogRoleChoice
	RoleForm    catalogRoleForm
	// Packages are the catalog's access packages (catalogpackages.go);
	// CanAddPackage offers New access package.
	Packages      []catalogPackageRow
	MorePackages  bool
	CanAddPackage bool
}

// catalogRoleIDs are the roles that can be given in a catalog, in the
// order the form offers them.
var catalogRoleIDs = []string{entitled.RoleCatalogOwner, entitled.RoleCatalogReader,
	entitled.RoleAccessPackageManager, entitled.RoleAccessPackageAssignmentManager}

// roleName names a role definition id.
// catalogRoleKeys name the catalog roles in the catalogue.
var catalogRoleKeys = map[string]string{
	entitled.RoleCatalogOwner:                   "catalogRole.owner",
	entitled.RoleCatalogReader:                  "catalogRole.reader",
	entitled.RoleAccessPackageManager:           "catalogRole.packageManager",
	entitled.RoleAccessPackageAssignmentManager: "catalogRole.assignmentManager",
}

func roleName(loc *i18n.Localizer, id string) string {
	if k, ok := catalogRoleKeys[id]; ok {
		return loc.T(k)
	}
	if d, ok := entitled.LookupRoleDefinition(id); ok {
		return d.DisplayName
	}
	return id
}

// readableCatalog loads the catalog of the path and refuses a caller who
// may not read it; it shows the error itself.
func (h *handler) readableCatalog(c *call) (*entitled.Catalog, bool) {
	return h.allowedCatalog(c, entitled.OpReadCatalog, "catalog.forbiddenView")
}

// editableCatalog loads the catalog of the path and refuses a caller who
// may not edit it (403: only catalog owners and tenant administrators).
func (h *handler) editableCatalog(c *call) (*entitled.Catalog, bool) {
	cat, ok := h.readableCatalog(c)
	if !ok || !h.allows(c, entitled.OpEditCatalog, cat.ID, c.T("catalog.forbiddenEdit", i18n.V("Catalog", cat.DisplayName))) {
		return nil, false
	}
	return cat, true
}

// catalogPage shows a catalog.
func (h *handler) catalogPage(c *call) {
	cat, ok := h.readableCatalog(c)
	if !ok {
		return
	}
	h.showCatalog(c, cat, catalogForm{Name: cat.DisplayName, Description: cat.Description}, catalogRoleForm{}, http.StatusOK)
}

// showCatalog renders a catalog's page with the forms as filled.
func (h *handler) showCatalog(c *call, cat *entitled.Catalog, form catalogForm, roleForm catalogRoleForm, status int) {
	skip := c.r.URL.Query().Get("skiptoken")
	d := catalogPageData{base: c.base(c.T("catalog.pageTitle", i18n.V("Catalog", cat.DisplayName)), "catalogs"), Catalog: *cat,
		CanEdit: c.actor.Can(entitled.OpEditCatalog, cat.ID), Form: form, RoleForm: roleForm, SkipToken: skip}
	res, err := h.svc.Catalogs.CatalogResources(c.ctx, cat.ID, entitled.ListOptions{Top: h.cfg.PageSize, SkipToken: skip})
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d.NextToken = res.NextSkipToken
	d.CanAddPackage = c.actor.Can(entitled.OpManagePackages, cat.ID)
	if d.Packages, d.MorePackages, err = h.catalogPackages(c, cat.ID); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	for _, r := range res.Items {
		var roles []string
		for _, role := range r.Roles {
			roles = append(roles, firstNonEmpty(role.DisplayName, role.OriginID))
		}
		d.Resources = append(d.Resources, catalogResourceRow{ID: r.ID, Name: firstNonEmpty(r.DisplayName, r.OriginID),
			System: r.OriginSystem, OriginID: r.OriginID, Roles: strings.Join(roles, ", ")})
	}
	ras, err := h.catalogRoles(c, cat.ID)
	switch k := entitled.ErrorKind(err); {
	case err == nil:
	case k == entitled.KindForbidden:
		d.RolesHidden = true
	default:
		h.fail(c.w, c.r, c, err)
		return
	}
	users, err := h.loadUsers(c.ctx, idsOf(ras, func(ra entitled.RoleAssignment) string { return ra.PrincipalID }))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	l := &lookups{loc: c.loc, users: users}
	for _, ra := range ras {
		d.Roles = append(d.Roles, catalogRoleRow{ID: ra.ID, Person: l.person(ra.PrincipalID), Role: roleName(c.loc, ra.RoleDefinitionID)})
	}
	for _, id := range catalogRoleIDs {
		d.RoleChoices = append(d.RoleChoices, catalogRoleChoice{ID: id, Name: roleName(c.loc, id), Selected: id == roleForm.Role})
	}
	h.render(c.w, c.r, status, "catalog", &d)
}

// catalogRoles lists every role assignment in a catalog (a catalog has
// few).
func (h *handler) catalogRoles(c *call, catalogID string) ([]entitled.RoleAssignment, error) {
	return allPages(func(skip string) (entitled.Page[entitled.RoleAssignment], error) {
		return h.svc.Roles.RoleAssignments(c.ctx, false, entitled.ListOptions{Top: entitled.MaxPageSize, SkipToken: skip,
			Filter: entitled.Compare{Op: "eq", Property: "appScopeId", Value: entitled.CatalogScope(catalogID)}})
	})
}

// editCatalog changes a catalog's name and description.
func (h *handler) editCatalog(c *call) {
	cat, ok := h.editableCatalog(c)
	if !ok {
		return
	}
	f := catalogForm{Name: strings.TrimSpace(c.r.PostForm.Get("name")), Description: strings.TrimSpace(c.r.PostForm.Get("description"))}
	again := func(status int, msg string) {
		f.Error = msg
		h.showCatalog(c, cat, f, catalogRoleForm{}, status)
	}
	if f.Name == "" {
		again(http.StatusBadRequest, c.T("catalog.enterName"))
		return
	}
	if _, err := h.svc.Catalogs.UpdateCatalog(c.ctx, cat.ID, entitled.CatalogUpdate{DisplayName: &f.Name, Description: &f.Description}); err != nil {
		h.failForm(c, err, again)
		return
	}
	http.Redirect(c.w, c.r, catalogPath(cat.ID)+"?done=catalogSaved", http.StatusSeeOther)
}

// addCatalogRole gives a user a role in the catalog.
func (h *handler) addCatalogRole(c *call) {
	cat, ok := h.editableCatalog(c)
	if !ok {
		return
	}
	f := catalogRoleForm{UPN: strings.TrimSpace(c.r.PostForm.Get("upn")), Role: c.r.PostForm.Get("role")}
	again := func(status int, msg string) {
		f.Error = msg
		h.showCatalog(c, cat, catalogForm{Name: cat.DisplayName, Description: cat.Description}, f, status)
	}
	if f.UPN == "" {
		again(http.StatusBadRequest, c.T("catalog.enterUPN"))
		return
	}
	known := false
	for _, id := range catalogRoleIDs {
		known = known || id == f.Role
	}
	if !known {
		again(http.StatusBadRequest, c.T("catalog.chooseRole"))
		return
	}
	u, ok := h.formUser(c, f.UPN, again)
	if !ok {
		return
	}
	ra := &entitled.RoleAssignment{PrincipalID: u.ID, RoleDefinitionID: f.Role, AppScopeID: entitled.CatalogScope(cat.ID)}
	if err := h.svc.Roles.CreateRoleAssignment(c.ctx, false, ra); err != nil {
		h.failForm(c, err, again)
		return
	}
	http.Redirect(c.w, c.r, catalogPath(cat.ID)+"?done=catalogRoleAdded", http.StatusSeeOther)
}

// removeCatalogRole takes a catalog role away; the assignment must belong
// to the catalog of the path.
func (h *handler) removeCatalogRole(c *call) {
	cat, ok := h.editableCatalog(c)
	if !ok {
		return
	}
	ra, err := h.svc.Roles.RoleAssignment(c.ctx, false, c.r.PathValue("ra"))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	if ra.AppScopeID != entitled.CatalogScope(cat.ID) {
		h.renderError(c.w, c.r, c, http.StatusNotFound, c.T("catalog.notItsRole", i18n.V("Catalog", cat.DisplayName)))
		return
	}
	if !h.confirmed(c, c.T("confirm.removeCatalogRole", i18n.V("Catalog", cat.DisplayName)), c.T("confirm.removeCatalogRoleButton"), catalogPath(cat.ID)) {
		return
	}
	if err := h.svc.Roles.DeleteRoleAssignment(c.ctx, false, ra.ID); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, catalogPath(cat.ID)+"?done=catalogRoleRemoved", http.StatusSeeOther)
}

// catalogPath is the path of a catalog's page.
func catalogPath(id string) string { return "/admin/catalogs/" + url.PathEscape(id) }
