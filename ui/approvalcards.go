package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/odata"
)

// Approvals with context: each card says what the package gives, under
// which policy, when the request is denied automatically, and links to
// the request; the page has a total and a search by user; after a
// decision the flash names whose request it was.

// approvalCard is a request waiting for the caller's decision.
type approvalCard struct {
	requestRow
	Grants []string
	Policy string
	// DenyOn is when the request is denied automatically; DenyIn the same
	// relative to now ("in 6 days").
	DenyOn, DenyIn string
	// Held is what the person already has in the catalog (targetaccess.go);
	// HoldsNothing says it was read and is empty.
	Held         []string
	HoldsNothing bool
}

// approvalsData is the Approvals page.
type approvalsData struct {
	base
	Cards     []approvalCard
	Total     int
	Search    string
	NextToken string
	Paged     bool
}

// approvalsPage lists the requests waiting for the user's decision.
func (h *handler) approvalsPage(c *call) {
	q := c.r.URL.Query()
	skip, search := q.Get("skiptoken"), strings.TrimSpace(q.Get("q"))
	opt := entitled.ListOptions{Top: h.cfg.PageSize, SkipToken: skip, Count: true}
	if search != "" {
		ids, err := h.searchUsers(c, search)
		if err != nil {
			h.fail(c.w, c.r, c, err)
			return
		}
		if opt.Filter, err = odata.ParseFilter(targetsFilter(ids)); err != nil {
			h.fail(c.w, c.r, c, err)
			return
		}
	}
	pg, l, ok := h.requestPage(c, entitled.RequestQuery{FilterByCurrentUser: entitled.OnApprover, ListOptions: opt})
	if !ok {
		return
	}
	d := approvalsData{base: c.base(c.T("approvals.title"), "approvals"), Search: search, NextToken: pg.NextSkipToken, Paged: skip != ""}
	if pg.Count != nil {
		d.Total = *pg.Count
	}
	if flash := h.decisionFlash(c, q.Get("done"), q.Get("request")); flash != "" {
		d.Flash = flash
	}
	grants := map[string][]string{}
	now := h.cfg.Now()
	for _, row := range h.rows(c, l, pg.Items) {
		card := approvalCard{requestRow: row}
		if _, ok := grants[row.PackageID]; !ok {
			grants[row.PackageID] = h.grants(c, row.PackageID)
		}
		card.Grants = grants[row.PackageID]
		card.Held, card.HoldsNothing = h.targetAccess(c, row.ID)
		for _, r := range pg.Items {
			if r.ID == row.ID {
				card.Policy = h.policyName(c, r.AssignmentPolicyID)
			}
		}
		if stages, err := h.svc.Approvals.ApprovalStages(c.ctx, row.ID); err == nil {
			for _, st := range stages {
				if st.Status == entitled.StageInProgress && st.DueDateTime != nil {
					card.DenyOn, card.DenyIn = c.loc.DateTime(*st.DueDateTime), relativeText(c.loc, now, *st.DueDateTime)
				}
			}
		}
		d.Cards = append(d.Cards, card)
	}
	h.render(c.w, c.r, http.StatusOK, "approvals", &d)
}

// policyName is a policy's name, "" when the caller may not read it.
func (h *handler) policyName(c *call, id string) string {
	p, err := h.svc.Policies.Policy(c.ctx, id)
	if err != nil {
		return ""
	}
	return p.DisplayName
}

// decisionFlash names whose request the caller just approved or denied;
// "" when the request cannot be read (the generic flash stays).
func (h *handler) decisionFlash(c *call, done, id string) string {
	if (done != "approved" && done != "denied") || id == "" {
		return ""
	}
	r, err := h.svc.Requests.Request(c.ctx, id)
	if err != nil {
		return ""
	}
	l, err := h.load(c, []entitled.AssignmentRequest{*r})
	if err != nil {
		return ""
	}
	key := "approvals.flash.approved"
	if done == "denied" {
		key = "approvals.flash.denied"
	}
	return c.T(key, i18n.V("Name", l.person(r.TargetID).Name), i18n.V("Package", l.pkgName(r.AccessPackageID)))
}

// decidedPath is where a decision leads: the Approvals page naming the
// request.
func decidedPath(done, id string) string {
	return "/approvals?" + url.Values{"done": {done}, "request": {id}}.Encode()
}
