package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// Editing an access package for catalog owners and access package
// managers: add a resource role from the catalog's resources, add a simple
// policy.

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

// policyForm is what the add-policy form was filled with.
type policyForm struct {
	Name, Description string
	// Who is allMemberUsers or specificDirectoryUsers; Users are the
	// allowed users' principal names, one a line.
	Who, Users string
	// Approval is none or single; Approver is a principal name.
	Approval, Approver string
	Justification      bool
	// Expiration is none or days.
	Expiration, Days string
	Error            string
}

// policyFormData is the add-policy page.
type policyFormData struct {
	base
	Package entitled.AccessPackage
	Tab     string
	Form    policyForm
}

// manageablePackage loads the package of the path and refuses a caller who
// may not manage the packages of its catalog.
func (h *handler) manageablePackage(c *call) (*entitled.AccessPackage, bool) {
	p, err := h.svc.AccessPackages.AccessPackage(c.ctx, c.r.PathValue("id"))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return nil, false
	}
	if !c.actor.Can(entitled.OpManagePackages, p.CatalogID) {
		h.renderError(c.w, c.r, c, http.StatusForbidden, c.T("pkg.forbiddenChange", i18n.V("Package", p.DisplayName)))
		return nil, false
	}
	return p, true
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

// addPolicyForm shows the add-policy form.
func (h *handler) addPolicyForm(c *call) {
	if p, ok := h.manageablePackage(c); ok {
		f := policyForm{Who: entitled.ScopeAllMemberUsers, Approval: "none", Expiration: "none"}
		h.render(c.w, c.r, http.StatusOK, "policyform", &policyFormData{base: c.base(c.T("pkg.pageTitleAction", i18n.V("Package", p.DisplayName), i18n.V("ActionKey", "policyform.heading")), "governance"), Package: *p, Tab: "policies", Form: f})
	}
}

// addPolicy creates a policy of the package from the form.
func (h *handler) addPolicy(c *call) {
	p, ok := h.manageablePackage(c)
	if !ok {
		return
	}
	pf := c.r.PostForm
	f := policyForm{Name: strings.TrimSpace(pf.Get("name")), Description: strings.TrimSpace(pf.Get("description")),
		Who: pf.Get("who"), Users: strings.TrimSpace(pf.Get("users")), Approval: pf.Get("approval"),
		Approver: strings.TrimSpace(pf.Get("approver")), Justification: pf.Get("justification") == "on",
		Expiration: pf.Get("expiration"), Days: strings.TrimSpace(pf.Get("days"))}
	again := func(status int, msg string) {
		f.Error = msg
		h.render(c.w, c.r, status, "policyform", &policyFormData{base: c.base(c.T("pkg.pageTitleAction", i18n.V("Package", p.DisplayName), i18n.V("ActionKey", "policyform.heading")), "governance"), Package: *p, Tab: "policies", Form: f})
	}
	pol := &entitled.AssignmentPolicy{AccessPackageID: p.ID, DisplayName: f.Name, Description: f.Description,
		RequestorSettings:       entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, EnableTargetsToSelfRemoveAccess: true},
		RequestApprovalSettings: entitled.ApprovalSettings{IsRequestorJustificationRequired: f.Justification},
		Expiration:              entitled.Expiration{Type: entitled.ExpirationNone}}
	if f.Name == "" {
		again(http.StatusBadRequest, c.T("policyform.enterName"))
		return
	}
	switch f.Who {
	case entitled.ScopeAllMemberUsers:
		pol.AllowedTargetScope = f.Who
	case entitled.ScopeSpecificDirectoryUsers:
		pol.AllowedTargetScope = f.Who
		for _, upn := range strings.FieldsFunc(f.Users, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' || r == ';' }) {
			u, err := h.svc.Users.User(c.ctx, upn)
			if err != nil {
				again(http.StatusBadRequest, c.T("form.noSuchUser", i18n.V("UPN", upn)))
				return
			}
			pol.SpecificAllowedTargets = append(pol.SpecificAllowedTargets, entitled.SubjectSet{Type: entitled.SubjectSingleUser, UserID: u.ID})
		}
		if len(pol.SpecificAllowedTargets) == 0 {
			again(http.StatusBadRequest, c.T("policyform.nameUsers"))
			return
		}
	default:
		again(http.StatusBadRequest, c.T("policyform.chooseWho"))
		return
	}
	switch f.Approval {
	case "none":
	case "single":
		if f.Approver == "" {
			again(http.StatusBadRequest, c.T("policyform.enterApprover"))
			return
		}
		u, err := h.svc.Users.User(c.ctx, f.Approver)
		if err != nil {
			again(http.StatusBadRequest, c.T("policyform.noSuchApprover", i18n.V("UPN", f.Approver)))
			return
		}
		pol.RequestApprovalSettings.IsApprovalRequiredForAdd = true
		pol.RequestApprovalSettings.Stages = []entitled.ApprovalStage{{DurationBeforeAutomaticDenial: defaultAutoDeny,
			PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: u.ID}}}}
	default:
		again(http.StatusBadRequest, c.T("policyform.chooseApproval"))
		return
	}
	switch f.Expiration {
	case "none":
	case "days":
		n, err := strconv.Atoi(f.Days)
		if err != nil || n < 1 || n > 3650 {
			again(http.StatusBadRequest, c.T("policyform.enterDays"))
			return
		}
		pol.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: time.Duration(n) * 24 * time.Hour}
	default:
		again(http.StatusBadRequest, c.T("policyform.chooseExpiration"))
		return
	}
	if err := h.svc.Policies.CreatePolicy(c.ctx, pol); err != nil {
		if e := entitled.AsError(err); e.Kind != entitled.KindInternal && e.Kind != entitled.KindForbidden {
			again(e.Kind.HTTPStatus(), errorText(c.loc, e))
			return
		}
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, "/governance/packages/"+url.PathEscape(p.ID)+"/policies?done=policyAdded", http.StatusSeeOther)
}
