package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// A package's Assignments tab: who holds the package, reprocess and remove
// selected assignments, and direct assignment of a user.

// assignmentRow is an assignment as the tab shows it.
type assignmentRow struct {
	ID       string
	Target   person
	Policy   string
	State    string
	StateKey string
	Status   string
	Created  string
	Expires  string
}

// policyOption is one policy of the direct-assignment form.
type policyOption struct {
	ID, Name string
	Selected bool
}

// assignForm is what the direct-assignment form was filled with.
type assignForm struct {
	UPN, Policy, Justification string
	Error                      string
}

// pkgAssignmentsData is a package's Assignments tab.
type pkgAssignmentsData struct {
	pkgPage
	OutcomeTitle string
	State        string
	States       []stateOption
	Rows         []assignmentRow
	SkipToken    string
	NextToken    string
	SelectAll    bool
	CanReprocess bool
	CanAssign    bool
	CanSelect    bool
	Policies     []policyOption
	Form         assignForm
	Outcomes     []outcome
	Accepted     int
}

// assignmentStates are the states of the filter, in order.
var assignmentStates = []entitled.AssignmentState{entitled.AssignmentDelivering, entitled.AssignmentDelivered,
	entitled.AssignmentPartiallyDelivered, entitled.AssignmentDeliveryFailed, entitled.AssignmentExpired}

// assignmentStateText is an assignment state in plain words.
func assignmentStateText(loc *i18n.Localizer, s entitled.AssignmentState) string {
	return enumText(loc, "state", s)
}

// viewablePackage loads the package of the path and checks the caller may
// view its requests and assignments; it shows the error itself.
func (h *handler) viewablePackage(c *call) (*entitled.AccessPackage, bool) {
	return h.allowedPackage(c, entitled.OpViewRequests, "pkg.forbiddenView")
}

// packageAssignments shows the Assignments tab.
func (h *handler) packageAssignments(c *call) {
	q := c.r.URL.Query()
	h.showPackageAssignments(c, q.Get("state"), q.Get("skiptoken"), q.Get("select") == "all", nil, assignForm{}, http.StatusOK)
}

func (h *handler) showPackageAssignments(c *call, state, skip string, selectAll bool, outs []outcome, form assignForm, status int) {
	p, ok := h.viewablePackage(c)
	if !ok {
		return
	}
	var filter entitled.Expr = entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: p.ID}
	st, ok := entitled.ParseAssignmentState(state)
	if state != "" && !ok {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("filter.unknownState", i18n.V("State", state)))
		return
	}
	if ok {
		filter = entitled.Logical{Op: "and", Left: filter, Right: entitled.Compare{Op: "eq", Property: "state", Value: string(st)}}
	}
	pg, err := h.svc.Assignments.Assignments(c.ctx, entitled.AssignmentQuery{ListOptions: entitled.ListOptions{Filter: filter, Top: h.cfg.PageSize, SkipToken: skip}})
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	users, err := h.loadUsers(c.ctx, idsOf(pg.Items, func(a entitled.Assignment) string { return a.TargetID }))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	pols, err := h.packagePolicies(c, p.ID)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	polName := map[string]string{}
	for _, pol := range pols {
		polName[pol.ID] = pol.DisplayName
	}
	l := &lookups{loc: c.loc, users: users}
	d := pkgAssignmentsData{pkgPage: c.pkgPage(p, "assignments"),
		OutcomeTitle: c.T("outcomes.result"), State: string(st), SkipToken: skip, NextToken: pg.NextSkipToken, SelectAll: selectAll,
		CanReprocess: c.actor.Can(entitled.OpReprocess, p.CatalogID), CanAssign: c.actor.Can(entitled.OpDirectAssign, p.CatalogID),
		Outcomes: outs, Form: form}
	d.CanSelect = d.CanReprocess || d.CanAssign
	for _, a := range pg.Items {
		d.Rows = append(d.Rows, assignmentRow{ID: a.ID, Target: l.person(a.TargetID), Policy: firstNonEmpty(polName[a.AssignmentPolicyID], a.AssignmentPolicyID),
			State: assignmentStateText(c.loc, a.State), StateKey: string(a.State), Status: statusText(c.loc, a.Status), Created: c.loc.DateTime(a.CreatedDateTime),
			Expires: expiresText(c.loc, a)})
	}
	for _, pol := range pols {
		d.Policies = append(d.Policies, policyOption{ID: pol.ID, Name: pol.DisplayName, Selected: pol.ID == form.Policy})
	}
	d.States = append(d.States, stateOption{Value: "", Label: c.T("filter.allStates"), Selected: st == ""})
	for _, s := range assignmentStates {
		d.States = append(d.States, stateOption{Value: string(s), Label: assignmentStateText(c.loc, s), Selected: s == st})
	}
	for _, o := range outs {
		if o.Kind == "accepted" {
			d.Accepted++
		}
	}
	h.render(c.w, c.r, status, "pkgassignments", &d)
}

// expiresText says when an assignment ends.
func expiresText(loc *i18n.Localizer, a entitled.Assignment) string {
	if a.ExpiredDateTime != nil {
		return loc.DateTime(*a.ExpiredDateTime)
	}
	if end := a.Schedule.Expiration.EndFrom(a.CreatedDateTime); end != nil {
		if a.Schedule.StartDateTime != nil {
			end = a.Schedule.Expiration.EndFrom(*a.Schedule.StartDateTime)
		}
		return loc.DateTime(*end)
	}
	return loc.T("expiration.never")
}

// packagePolicies lists every policy of a package (a package has few).
func (h *handler) packagePolicies(c *call, packageID string) ([]entitled.AssignmentPolicy, error) {
	return allPages(func(skip string) (entitled.Page[entitled.AssignmentPolicy], error) {
		return h.svc.Policies.Policies(c.ctx, entitled.ListOptions{Top: entitled.MaxPageSize, SkipToken: skip,
			Filter: entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: packageID}})
	})
}

// assignmentAction reprocesses or removes every selected assignment and
// shows, per assignment, what happened.
func (h *handler) assignmentAction(c *call) {
	f := c.r.PostForm
	action := f.Get("action")
	if action != "reprocess" && action != "remove" {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("pkgassignments.chooseAction"))
		return
	}
	ids := distinct(f["id"])
	if len(ids) == 0 {
		h.showPackageAssignments(c, f.Get("state"), f.Get("skiptoken"), false,
			[]outcome{{Kind: "error", Message: c.T("pkgassignments.selectOneAtLeast")}}, assignForm{}, http.StatusBadRequest)
		return
	}
	if len(ids) > maxSelected {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("pkgassignments.tooMany", i18n.V("Max", maxSelected)))
		return
	}
	pkgID := c.r.PathValue("id")
	if action == "remove" && h.mayAssignIn(c, pkgID) {
		if !h.confirmed(c, c.T("confirm.removeAssignments", i18n.N(len(ids))), c.T("confirm.removeAssignmentsButton", i18n.N(len(ids))), packagePath(pkgID, "assignments")) {
			return
		}
	}
	outs := make([]outcome, 0, len(ids))
	for _, id := range ids {
		if action == "reprocess" {
			outs = append(outs, h.reprocessAssignment(c, id))
		} else {
			outs = append(outs, h.removeAssignment(c, pkgID, id))
		}
	}
	h.nameAssignments(c, outs)
	h.showPackageAssignments(c, f.Get("state"), f.Get("skiptoken"), false, outs, assignForm{}, http.StatusOK)
}

// mayAssignIn reports whether the caller may assign (and remove) in the
// catalog of the package; false when the package cannot be read.
func (h *handler) mayAssignIn(c *call, packageID string) bool {
	p, err := h.svc.AccessPackages.AccessPackage(c.ctx, packageID)
	return err == nil && c.actor.Can(entitled.OpDirectAssign, p.CatalogID)
}

// nameAssignments fills in who each outcome's assignment is for: one query
// for the assignments, one for their users.
func (h *handler) nameAssignments(c *call, outs []outcome) {
	vals := make([]any, 0, len(outs))
	for _, o := range outs {
		if o.AssignmentID != "" {
			vals = append(vals, o.AssignmentID)
		}
	}
	if len(vals) == 0 {
		return
	}
	pg, err := h.svc.Assignments.Assignments(c.ctx, entitled.AssignmentQuery{ListOptions: entitled.ListOptions{
		Filter: entitled.In{Property: "id", Values: vals}, Top: entitled.MaxPageSize}})
	if err != nil {
		return
	}
	targets := map[string]string{}
	for _, a := range pg.Items {
		targets[a.ID] = a.TargetID
	}
	h.nameOutcomes(c, outs, targets, func(o outcome) string { return o.AssignmentID })
}

// reprocessAssignment re-asserts a delivered assignment.
func (h *handler) reprocessAssignment(c *call, id string) outcome {
	o := outcome{AssignmentID: id}
	err := h.svc.Assignments.ReprocessAssignment(c.ctx, id)
	if err == nil {
		o.Kind, o.Message = "accepted", c.T("outcome.assignmentReprocessAccepted")
		return o
	}
	return h.failedOutcome(c, o, "reprocess assignment", err)
}

// removeAssignment submits an adminRemove request for an assignment of the
// package.
func (h *handler) removeAssignment(c *call, pkgID, id string) outcome {
	o := outcome{AssignmentID: id}
	if a, err := h.svc.Assignments.Assignment(c.ctx, id); err == nil && a.AccessPackageID != pkgID {
		o.Kind, o.Message = "ineligible", c.T("outcome.otherPackage")
		return o
	}
	r := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminRemove, AssignmentID: id, Justification: "removed in the web UI"}
	if err := h.svc.Requests.SubmitRequest(c.ctx, r); err != nil {
		return h.failedOutcome(c, o, "remove assignment", err)
	}
	o.RequestID = r.ID
	o.Kind, o.Message = "accepted", c.T("outcome.removalAccepted")
	return o
}

// directAssign assigns the package to a user (adminAdd) under a chosen
// policy of the package.
func (h *handler) directAssign(c *call) {
	f := c.r.PostForm
	form := assignForm{UPN: strings.TrimSpace(f.Get("upn")), Policy: f.Get("policy"), Justification: strings.TrimSpace(f.Get("justification"))}
	again := func(status int, msg string) {
		form.Error = msg
		h.showPackageAssignments(c, "", "", false, nil, form, status)
	}
	if form.UPN == "" {
		again(http.StatusBadRequest, c.T("pkgassignments.enterUPN"))
		return
	}
	if form.Policy == "" {
		again(http.StatusBadRequest, c.T("pkgassignments.choosePolicy"))
		return
	}
	u, ok := h.formUser(c, form.UPN, again)
	if !ok {
		return
	}
	r := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AccessPackageID: c.r.PathValue("id"),
		AssignmentPolicyID: form.Policy, TargetID: u.ID, Justification: firstNonEmpty(form.Justification, "assigned in the web UI")}
	if err := h.svc.Requests.SubmitRequest(c.ctx, r); err != nil {
		e := entitled.AsError(err)
		if e.Kind == entitled.KindInternal {
			h.fail(c.w, c.r, c, err)
			return
		}
		again(e.Kind.HTTPStatus(), errorText(c.loc, e))
		return
	}
	http.Redirect(c.w, c.r, "/governance/packages/"+url.PathEscape(r.AccessPackageID)+"/assignments?done=assigned", http.StatusSeeOther)
}
