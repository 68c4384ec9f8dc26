package ui

import (
	"net/http"
	"net/url"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// My Access, "Active": what the signed-in user holds — each assignment with
// what it gives and when it ends — and "Give up access" where its policy
// lets them remove it themselves. The Available view says which packages
// they already hold or requested instead of offering Request again.

// heldView is one assignment of the user.
type heldView struct {
	ID        string
	PackageID string
	Package   string
	State     string
	StateKey  string
	Grants    []string
	// Ends is the end of the access ("" when none), EndsIn the same from now.
	Ends, EndsIn string
	// CanGiveUp is set when the policy lets the user remove it themselves.
	CanGiveUp bool
	// CanExtend is set when the policy lets the user update it and asking
	// again would end it later (myextend.go); NeedsReason when the policy
	// wants a justification.
	CanExtend, NeedsReason bool
}

// activeData is the Active view of My Access.
type activeData struct {
	base
	View string
	Held []heldView
}

// held lists the user's assignments that are not over, by package id.
func (h *handler) held(c *call) ([]entitled.Assignment, error) {
	pg, err := h.svc.Assignments.Assignments(c.ctx, entitled.AssignmentQuery{FilterByCurrentUser: entitled.OnTarget,
		ListOptions: entitled.ListOptions{Top: entitled.MaxPageSize}})
	if err != nil {
		return nil, err
	}
	var out []entitled.Assignment
	for _, a := range pg.Items {
		if a.State != entitled.AssignmentExpired {
			out = append(out, a)
		}
	}
	return out, nil
}

// activePage is My Access's Active view.
func (h *handler) activePage(c *call) {
	as, err := h.held(c)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	pkgs, err := h.loadPackages(c.ctx, idsOf(as, func(a entitled.Assignment) string { return a.AccessPackageID }))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	l := &lookups{loc: c.loc, pkgs: pkgs}
	d := activeData{base: c.base(c.T("nav.myAccess"), "access"), View: "active"}
	now := h.cfg.Now()
	for _, a := range as {
		v := heldView{ID: a.ID, PackageID: a.AccessPackageID, Package: l.pkgName(a.AccessPackageID), State: assignmentStateText(c.loc, a.State),
			StateKey: string(a.State), Grants: h.grants(c, a.AccessPackageID)}
		if end := a.Schedule.Expiration.EndDateTime; end != nil {
			v.Ends, v.EndsIn = c.loc.DateTime(*end), relativeText(c.loc, now, *end)
		}
		if pol, err := h.svc.Policies.Policy(c.ctx, a.AssignmentPolicyID); err == nil {
			v.CanGiveUp = pol.RequestorSettings.EnableTargetsToSelfRemoveAccess
			v.CanExtend = canExtend(pol, &a, now)
			v.NeedsReason = pol.RequestApprovalSettings.IsRequestorJustificationRequired
		}
		d.Held = append(d.Held, v)
	}
	h.render(c.w, c.r, http.StatusOK, "myactive", &d)
}

// giveUp submits a userRemove request for one of the user's assignments,
// once confirmed.
func (h *handler) giveUp(c *call) {
	a := h.ownAssignment(c)
	if a == nil {
		return
	}
	name := h.packageName(c, a.AccessPackageID)
	if !h.confirmed(c, c.T("confirm.giveUp", i18n.V("Package", name)), c.T("confirm.giveUpButton"), "/?view=active") {
		return
	}
	r := &entitled.AssignmentRequest{RequestType: entitled.RequestUserRemove, AssignmentID: a.ID}
	if err := h.svc.Requests.SubmitRequest(c.ctx, r); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, "/requests/"+url.PathEscape(r.ID)+"?done=gaveUp", http.StatusSeeOther)
}

// packageName is a package's name, its id when the caller may not read it.
func (h *handler) packageName(c *call, id string) string {
	if p, err := h.svc.AccessPackages.AccessPackage(c.ctx, id); err == nil {
		return p.DisplayName
	}
	return id
}

// ownAssignment finds the signed-in user's assignment of the path; it
// answers itself (and returns nil) when there is none.
func (h *handler) ownAssignment(c *call) *entitled.Assignment {
	id := c.r.PathValue("id")
	as, err := h.held(c)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return nil
	}
	for i := range as {
		if as[i].ID == id {
			return &as[i]
		}
	}
	h.renderError(c.w, c.r, c, http.StatusNotFound, c.T("active.notYours"))
	return nil
}

// packageMarks says, per package id, what the user already has of it: the
// end of access they hold ("held"), or an open request ("requested").
type packageMark struct {
	Held      bool
	Until     string
	RequestID string
}

// marks finds the packages the user holds or has an open request for.
func (h *handler) marks(c *call) map[string]packageMark {
	out := map[string]packageMark{}
	if as, err := h.held(c); err == nil {
		for _, a := range as {
			m := packageMark{Held: true}
			if end := a.Schedule.Expiration.EndDateTime; end != nil {
				m.Until = c.loc.DateTime(*end)
			}
			out[a.AccessPackageID] = m
		}
	}
	pg, err := h.svc.Requests.Requests(c.ctx, entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget, ListOptions: entitled.ListOptions{
		Filter: entitled.In{Property: "state", Values: []any{string(entitled.StateSubmitted), string(entitled.StatePendingApproval), string(entitled.StateScheduled)}},
		Top:    entitled.MaxPageSize}})
	if err == nil {
		for _, r := range pg.Items {
			if _, held := out[r.AccessPackageID]; !held && r.RequestType == entitled.RequestUserAdd {
				out[r.AccessPackageID] = packageMark{RequestID: r.ID}
			}
		}
	}
	return out
}
