package ui

import (
	"net/http"
	"net/url"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// A package's read-only tabs: Overview, Resource roles and Policies.

// pkgOverviewData is a package's Overview tab.
type pkgOverviewData struct {
	pkgPage
	Catalog  string
	Created  string
	Modified string
	Roles    int
	Policies int
}

func (h *handler) packageRedirect(c *call) {
	http.Redirect(c.w, c.r, "/governance/packages/"+url.PathEscape(c.r.PathValue("id"))+"/overview", http.StatusSeeOther)
}

// roleRow is a resource role scope as the Resource roles tab shows it.
type roleRow struct {
	Resource       string
	ResourceOrigin string
	Role           string
	RoleOrigin     string
	System         string
	SystemID       string
	SystemKind     string
	Added          string
}

// pkgRolesData is a package's Resource roles tab.
type pkgRolesData struct {
	pkgPage
	Rows        []roleRow
	SystemLinks bool
	// CanManage shows Add a resource role.
	CanManage bool
}

// packageRoles lists the resource roles a package grants, with their
// connected systems.
func (h *handler) packageRoles(c *call) {
	p, ok := h.viewablePackage(c)
	if !ok {
		return
	}
	scopes, err := h.svc.AccessPackages.ResourceRoleScopes(c.ctx, p.ID)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d := pkgRolesData{pkgPage: c.pkgPage(p, "roles"),
		SystemLinks: c.actor.Can(entitled.OpManageSystems, ""), CanManage: c.actor.Can(entitled.OpManagePackages, p.CatalogID)}
	// Systems are few: one lookup per distinct system, by name.
	kinds := map[string]*entitled.ConnectedSystem{}
	for _, s := range scopes {
		name := firstNonEmpty(s.Role.OriginSystem, s.Resource.OriginSystem)
		if _, seen := kinds[name]; !seen {
			kinds[name] = nil
			if sys, err := h.svc.Systems.System(c.ctx, name); err == nil {
				kinds[name] = sys
			}
		}
		row := roleRow{Resource: firstNonEmpty(s.Resource.DisplayName, s.Resource.OriginID), ResourceOrigin: s.Resource.OriginID,
			Role: firstNonEmpty(s.Role.DisplayName, s.Role.OriginID), RoleOrigin: s.Role.OriginID, System: name, Added: c.loc.DateTime(s.CreatedDateTime)}
		if sys := kinds[name]; sys != nil {
			row.SystemID, row.SystemKind = sys.ID, sys.Kind
		}
		d.Rows = append(d.Rows, row)
	}
	h.render(c.w, c.r, http.StatusOK, "pkgroles", &d)
}

// stageView is an approval stage in plain words.
type stageView struct {
	N          int
	Approvers  []string
	Fallback   []string
	Escalation []string
	AutoDeny   string
	Escalate   string
	Reason     bool
}

// policyView is a policy in plain words.
type policyView struct {
	ID            string
	Name          string
	Description   string
	Who           string
	SelfAdd       bool
	SelfRemove    bool
	CustomDates   bool
	Approval      bool
	Justification bool
	// Emails tells whether requesters are emailed (notificationSettings).
	Emails     bool
	Stages     []stageView
	Expiration string
}

// pkgPoliciesData is a package's Policies tab.
type pkgPoliciesData struct {
	pkgPage
	Policies []policyView
	// CanManage shows Add a policy.
	CanManage bool
}

// scopeText says who may request under a policy.
func scopeText(loc *i18n.Localizer, scope string) string {
	return enumText(loc, "scope", scope)
}

// packagePoliciesTab lists a package's policies with their approval stages
// and expiration.
func (h *handler) packagePoliciesTab(c *call) {
	p, ok := h.viewablePackage(c)
	if !ok {
		return
	}
	pols, err := h.packagePolicies(c, p.ID)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	names, err := h.approverNamer(c, pols)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d := pkgPoliciesData{pkgPage: c.pkgPage(p, "policies"),
		CanManage: c.actor.Can(entitled.OpManagePackages, p.CatalogID)}
	for _, pol := range pols {
		ap := pol.RequestApprovalSettings
		v := policyView{ID: pol.ID, Name: pol.DisplayName, Description: pol.Description,
			Who: scopeText(c.loc, pol.AllowedTargetScope), SelfAdd: pol.RequestorSettings.EnableTargetsToSelfAddAccess,
			SelfRemove: pol.RequestorSettings.EnableTargetsToSelfRemoveAccess, CustomDates: pol.RequestorSettings.AllowCustomAssignmentSchedule,
			Approval: ap.IsApprovalRequiredForAdd, Justification: ap.IsRequestorJustificationRequired, Expiration: expirationText(c.loc, pol.Expiration),
			Emails: !pol.IsAssignmentNotificationDisabled}
		if ap.IsApprovalRequiredForAdd {
			for i, st := range ap.Stages {
				sv := stageView{N: i + 1, Approvers: names(st.PrimaryApprovers), Fallback: names(st.FallbackPrimaryApprovers),
					Reason: st.IsApproverJustificationRequired, AutoDeny: durationText(c.loc, st.DurationBeforeAutomaticDenial)}
				if st.IsEscalationEnabled {
					sv.Escalate = durationText(c.loc, st.DurationBeforeEscalation)
					sv.Escalation = append(names(st.EscalationApprovers), names(st.FallbackEscalationApprovers)...)
				}
				v.Stages = append(v.Stages, sv)
			}
		}
		d.Policies = append(d.Policies, v)
	}
	h.render(c.w, c.r, http.StatusOK, "pkgpolicies", &d)
}

// expirationText says when assignments under a policy end.
func expirationText(loc *i18n.Localizer, e entitled.Expiration) string {
	return expirationWords(loc, e, "expiration.never", "expiration.after", "expiration.on")
}

// expirationWords says an expiration with the catalogue keys for never,
// after a duration ({{.Duration}}) and on a date ({{.Date}}).
func expirationWords(loc *i18n.Localizer, e entitled.Expiration, never, after, on string) string {
	switch e.Type {
	case entitled.ExpirationAfterPeriod:
		return loc.T(after, i18n.V("Duration", durationText(loc, e.Duration)))
	case entitled.ExpirationAfterDate:
		if e.EndDateTime != nil {
			return loc.T(on, i18n.V("Date", loc.DateTime(*e.EndDateTime)))
		}
	}
	return loc.T(never)
}
