package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// policyFormData is the add-policy and edit-policy page.
type policyFormData struct {
	base
	Package entitled.AccessPackage
	Tab     string
	Form    policyForm
	// Policy is the edited policy (nil when adding one).
	Policy *entitled.AssignmentPolicy
	// OtherScope is the edited policy's scope when the form has no choice
	// for it (all directory users …), in words; KeptExpiration its
	// expiration the form cannot express.
	OtherScope, OtherScopeText, KeptExpiration string
	// KeptTargets names the groups the edited policy lets request; they
	// stay while specific users may request.
	KeptTargets []string
	CanAddStage bool
	// Action is where the form posts.
	Action string
}

// addPolicyForm shows the add-policy form.
func (h *handler) addPolicyForm(c *call) {
	if p, ok := h.manageablePackage(c); ok {
		h.showPolicyForm(c, p, nil, policyForm{Who: entitled.ScopeAllMemberUsers, Expiration: "none"}, http.StatusOK)
	}
}

// addPolicy acts on the add-policy form.
func (h *handler) addPolicy(c *call) {
	if p, ok := h.manageablePackage(c); ok {
		h.policyFormPost(c, p, nil)
	}
}

// editPolicyForm shows the edit-policy form filled with the policy.
func (h *handler) editPolicyForm(c *call) {
	p, pol, ok := h.manageablePolicy(c)
	if !ok {
		return
	}
	users, err := h.loadUsers(c.ctx, userIDs(pol.SpecificAllowedTargets))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	h.showPolicyForm(c, p, pol, formFromPolicy(pol, users), http.StatusOK)
}

// editPolicy acts on the edit-policy form.
func (h *handler) editPolicy(c *call) {
	if p, pol, ok := h.manageablePolicy(c); ok {
		h.policyFormPost(c, p, pol)
	}
}

// manageablePolicy loads the package and policy of the path for a caller
// who may manage the package; a policy of another package is not found.
func (h *handler) manageablePolicy(c *call) (*entitled.AccessPackage, *entitled.AssignmentPolicy, bool) {
	p, ok := h.manageablePackage(c)
	if !ok {
		return nil, nil, false
	}
	pol, err := h.svc.Policies.Policy(c.ctx, c.r.PathValue("policy"))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return nil, nil, false
	}
	if pol.AccessPackageID != p.ID {
		h.renderError(c.w, c.r, c, http.StatusNotFound, c.T("pkgpolicies.notItsPolicy", i18n.V("Package", p.DisplayName)))
		return nil, nil, false
	}
	return p, pol, true
}

// policyFormPost reads the form and does what its pressed button asks:
// change the form and show it again, or save the policy (old is the edited
// policy, nil when adding).
func (h *handler) policyFormPost(c *call, p *entitled.AccessPackage, old *entitled.AssignmentPolicy) {
	f := readPolicyForm(c.r.PostForm)
	op, arg, _ := strings.Cut(c.r.PostForm.Get("op"), ":")
	if op == "enter" { // Enter pressed in a field: search the list being searched, else save
		op = "save"
		for _, l := range f.lists() {
			if l.Query != "" {
				op, arg = "search", l.Field
				break
			}
		}
	}
	field, value, _ := strings.Cut(arg, ":")
	switch op {
	case "addStage":
		f.addStage()
	case "removeStage":
		n, _ := strconv.Atoi(arg)
		f.removeStage(n)
	case "search", "pick", "remove":
		l := f.list(field)
		if l == nil {
			f.Error = c.T("policyedit.noSuchList")
			h.showPolicyForm(c, p, old, f, http.StatusBadRequest)
			return
		}
		switch op {
		case "search":
			if err := h.findApprovers(c, l); err != nil {
				h.fail(c.w, c.r, c, err)
				return
			}
		case "pick":
			l.pick(value)
		default:
			l.remove(value)
		}
	default:
		h.savePolicy(c, p, old, f)
		return
	}
	h.showPolicyForm(c, p, old, f, http.StatusOK)
}

// savePolicy creates or replaces the policy through the policy service and
// goes back to the Policies tab; a refusal shows the form again, in words.
func (h *handler) savePolicy(c *call, p *entitled.AccessPackage, old *entitled.AssignmentPolicy, f policyForm) {
	pol, msg := h.formPolicy(c, p, old, &f)
	if msg != "" {
		f.Error = msg
		h.showPolicyForm(c, p, old, f, http.StatusBadRequest)
		return
	}
	var err error
	done := "policyAdded"
	if old == nil {
		err = h.svc.Policies.CreatePolicy(c.ctx, pol)
	} else {
		err, done = h.svc.Policies.ReplacePolicy(c.ctx, pol), "policySaved"
	}
	if err != nil {
		if e, show := userError(err); show {
			f.Error = c.T("policyedit.notSaved", i18n.V("Reason", errorText(c.loc, e)))
			h.showPolicyForm(c, p, old, f, e.Kind.HTTPStatus())
			return
		}
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, packagePath(p.ID, "policies")+"?done="+done, http.StatusSeeOther)
}

// showPolicyForm names the chosen approvers and shows the form.
func (h *handler) showPolicyForm(c *call, p *entitled.AccessPackage, old *entitled.AssignmentPolicy, f policyForm, status int) {
	if err := h.nameApprovers(c, &f); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	action := "policyform.heading"
	d := policyFormData{Package: *p, Tab: "policies", Form: f, Policy: old, CanAddStage: len(f.Stages) < entitled.MaxApprovalStages,
		Action: packagePath(p.ID, "policies") + "/add"}
	if old != nil {
		action, d.Action = "policyedit.heading", policyPath(p.ID, old.ID)
		if old.AllowedTargetScope != entitled.ScopeAllMemberUsers && old.AllowedTargetScope != entitled.ScopeSpecificDirectoryUsers {
			d.OtherScope, d.OtherScopeText = old.AllowedTargetScope, scopeText(c.loc, old.AllowedTargetScope)
		}
		if f.Expiration == "keep" || formFromPolicy(old, nil).Expiration == "keep" {
			d.KeptExpiration = expirationText(c.loc, old.Expiration)
		}
		names, err := h.approverNamer(c, []entitled.AssignmentPolicy{{RequestApprovalSettings: entitled.ApprovalSettings{
			Stages: []entitled.ApprovalStage{{PrimaryApprovers: keptTargets(old)}}}}})
		if err != nil {
			h.fail(c.w, c.r, c, err)
			return
		}
		d.KeptTargets = names(keptTargets(old))
	}
	d.base = c.base(c.T("pkg.pageTitleAction", i18n.V("Package", p.DisplayName), i18n.V("ActionKey", action)), "governance")
	h.render(c.w, c.r, status, "policyform", &d)
}

// keptTargets are the allowed targets of a policy the form does not show
// (groups): editing keeps them.
func keptTargets(pol *entitled.AssignmentPolicy) []entitled.SubjectSet {
	var out []entitled.SubjectSet
	for _, s := range pol.SpecificAllowedTargets {
		if s.Type != entitled.SubjectSingleUser {
			out = append(out, s)
		}
	}
	return out
}

// formPolicy builds the policy the form describes, or says in words what
// is missing. Editing starts from the old policy, so what the form does
// not show (questions, on-behalf requestors, fallback approvers …) stays.
func (h *handler) formPolicy(c *call, p *entitled.AccessPackage, old *entitled.AssignmentPolicy, f *policyForm) (*entitled.AssignmentPolicy, string) {
	pol := &entitled.AssignmentPolicy{AccessPackageID: p.ID,
		RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, EnableTargetsToSelfRemoveAccess: true}}
	if old != nil {
		cp := *old
		pol = &cp
	}
	pol.DisplayName, pol.Description = f.Name, f.Description
	if f.Name == "" {
		return nil, c.T("policyform.enterName")
	}
	pol.AllowedTargetScope, pol.SpecificAllowedTargets = f.Who, nil
	switch {
	case f.Who == entitled.ScopeAllMemberUsers, old != nil && f.Who == old.AllowedTargetScope && f.Who != entitled.ScopeSpecificDirectoryUsers:
	case f.Who == entitled.ScopeSpecificDirectoryUsers:
		for _, upn := range strings.FieldsFunc(f.Users, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' || r == ';' }) {
			u, err := h.svc.Users.User(c.ctx, upn)
			if err != nil {
				return nil, c.T("form.noSuchUser", i18n.V("UPN", upn))
			}
			pol.SpecificAllowedTargets = append(pol.SpecificAllowedTargets, entitled.SubjectSet{Type: entitled.SubjectSingleUser, UserID: u.ID})
		}
		if old != nil {
			pol.SpecificAllowedTargets = append(pol.SpecificAllowedTargets, keptTargets(old)...)
		}
		if len(pol.SpecificAllowedTargets) == 0 {
			return nil, c.T("policyform.nameUsers")
		}
	default:
		return nil, c.T("policyform.chooseWho")
	}
	var oldStages []entitled.ApprovalStage
	if old != nil {
		oldStages = old.RequestApprovalSettings.Stages
	}
	stages, msg := formStages(c, f.Stages, oldStages)
	if msg != "" {
		return nil, msg
	}
	ap := &pol.RequestApprovalSettings
	ap.Stages, ap.IsRequestorJustificationRequired = stages, f.Justification
	pol.IsAssignmentNotificationDisabled = f.NoMail
	ap.IsApprovalRequiredForAdd = len(stages) > 0
	ap.IsApprovalRequiredForUpdate = ap.IsApprovalRequiredForUpdate && len(stages) > 0
	switch f.Expiration {
	case "none":
		pol.Expiration = entitled.Expiration{Type: entitled.ExpirationNone}
	case "days":
		d, ok := parseDays(f.Days)
		if !ok {
			return nil, c.T("policyform.enterDays")
		}
		pol.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: d}
	case "keep":
		if old == nil {
			return nil, c.T("policyform.chooseExpiration")
		}
	default:
		return nil, c.T("policyform.chooseExpiration")
	}
	return pol, ""
}

// formStages builds the approval stages of the form; a stage that was one
// of the edited policy's keeps its fallback approvers.
func formStages(c *call, in []stageForm, old []entitled.ApprovalStage) ([]entitled.ApprovalStage, string) {
	var out []entitled.ApprovalStage
	for _, sf := range in {
		n := i18n.V("N", sf.N)
		var st entitled.ApprovalStage
		if sf.From >= 1 && sf.From <= len(old) {
			st.FallbackPrimaryApprovers, st.FallbackEscalationApprovers = old[sf.From-1].FallbackPrimaryApprovers, old[sf.From-1].FallbackEscalationApprovers
		}
		primary, ok1 := sf.Primary.subjects()
		escalation, ok2 := sf.Escalation.subjects()
		if !ok1 || !ok2 {
			return nil, c.T("policyedit.badApprover", n)
		}
		if len(primary) == 0 {
			return nil, c.T("policyedit.noApprover", n)
		}
		d, ok := parseDays(sf.DenyDays)
		if !ok {
			return nil, c.T("policyedit.enterDenyDays", n)
		}
		st.PrimaryApprovers, st.DurationBeforeAutomaticDenial, st.IsApproverJustificationRequired = primary, d, sf.Reason
		if sf.Escalate {
			if st.DurationBeforeEscalation, ok = parseDays(sf.EscalateDays); !ok {
				return nil, c.T("policyedit.enterEscalateDays", n)
			}
			if len(escalation) == 0 {
				return nil, c.T("policyedit.noEscalationApprover", n)
			}
			st.IsEscalationEnabled, st.EscalationApprovers = true, escalation
		} else {
			st.FallbackEscalationApprovers = nil
		}
		out = append(out, st)
	}
	return out, ""
}

// policyPath is the path of a policy's edit page.
func policyPath(packageID, policyID string) string {
	return packagePath(packageID, "policies") + "/" + url.PathEscape(policyID) + "/edit"
}
