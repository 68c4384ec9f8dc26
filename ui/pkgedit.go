package ui

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// Editing an access package for catalog owners and access package
// managers: add a resource role from the catalog's resources (policies:
// policyedit.go).

// defaultAutoDeny is how long an approval stage made in the UI waits for a
// decision before the request is denied.
const defaultAutoDeny = 14 * 24 * time.Hour

// roleChoice is a resource role of the catalog offered on the add-role form.
type roleChoice struct {
	// Value is "resourceID:roleID".
	Value    string
	Resource string
	Role     string
	System   string
	Selected bool
}

// roleFormData is the add-resource-role page.
type roleFormData struct {
	base
	Package entitled.AccessPackage
	Tab     string
	Choices []roleChoice
	Error   string
}

// manageablePackage loads the package of the path and refuses a caller who
// may not manage the packages of its catalog.
func (h *handler) manageablePackage(c *call) (*entitled.AccessPackage, bool) {
	return h.allowedPackage(c, entitled.OpManagePackages, "pkg.forbiddenChange")
}

// addRoleForm shows the catalog's resource roles to add to the package.
func (h *handler) addRoleForm(c *call) {
	if p, ok := h.manageablePackage(c); ok {
		h.showRoleForm(c, p, "", "", http.StatusOK)
	}
}

func (h *handler) showRoleForm(c *call, p *entitled.AccessPackage, selected, msg string, status int) {
	// A catalog's resources are few; the form offers the first 500.
	pg, err := h.svc.Catalogs.CatalogResources(c.ctx, p.CatalogID, entitled.ListOptions{Top: 500})
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d := roleFormData{base: c.base(c.T("pkg.pageTitleAction", i18n.V("Package", p.DisplayName), i18n.V("ActionKey", "roleform.heading")), "governance"), Package: *p, Tab: "roles", Error: msg}
	for _, res := range pg.Items {
		for _, role := range res.Roles {
			v := res.ID + ":" + role.ID
			d.Choices = append(d.Choices, roleChoice{Value: v, Resource: firstNonEmpty(res.DisplayName, res.OriginID),
				Role: firstNonEmpty(role.DisplayName, role.OriginID), System: res.OriginSystem, Selected: v == selected})
		}
	}
	h.render(c.w, c.r, status, "roleform", &d)
}

// addRole adds the chosen resource role to the package.
func (h *handler) addRole(c *call) {
	p, ok := h.manageablePackage(c)
	if !ok {
		return
	}
	v := c.r.PostForm.Get("role")
	resID, roleID, found := strings.Cut(v, ":")
	if !found || resID == "" || roleID == "" {
		h.showRoleForm(c, p, "", c.T("roleform.choose"), http.StatusBadRequest)
		return
	}
	if _, err := h.svc.AccessPackages.AddResourceRoleScope(c.ctx, p.ID, entitled.ResourceRoleScopeInput{RoleID: roleID, ResourceID: resID}); err != nil {
		if e := entitled.AsError(err); e.Kind != entitled.KindInternal && e.Kind != entitled.KindForbidden {
			h.showRoleForm(c, p, v, errorText(c.loc, e), e.Kind.HTTPStatus())
			return
		}
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, "/governance/packages/"+url.PathEscape(p.ID)+"/roles?done=roleAdded", http.StatusSeeOther)
}
