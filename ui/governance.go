package ui

import (
	"net/http"
	"net/url"

	"github.com/entitled-dev/entitled"
)

// Identity Governance: packages, a package's Requests tab, reprocess, and
// request detail with deliveries.

// governanceData lists packages whose requests the user may see.
type governanceData struct {
	base
	Packages  []entitled.AccessPackage
	NextToken string
	Paged     bool
}

// governancePage lists the access packages of the catalogs the user
// administers.
func (h *handler) governancePage(c *call) {
	if !canGovern(c.actor) {
		h.renderError(c.w, c.r, c, http.StatusForbidden, "Identity Governance is for administrators of access packages; you hold no such role.")
		return
	}
	skip := c.r.URL.Query().Get("skiptoken")
	pg, err := h.svc.AccessPackages.AccessPackages(c.ctx, entitled.ListOptions{Top: h.cfg.PageSize, SkipToken: skip})
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	var pkgs []entitled.AccessPackage
	for _, p := range pg.Items {
		if c.actor.Can(entitled.OpViewRequests, p.CatalogID) {
			pkgs = append(pkgs, p)
		}
	}
	d := governanceData{base: c.base("Identity Governance", "governance"), Packages: pkgs, NextToken: pg.NextSkipToken, Paged: skip != ""}
	h.render(c.w, c.r, http.StatusOK, "governance", &d)
}

// stateOption is one choice of the state filter.
type stateOption struct {
	Value, Label string
	Selected     bool
}

// outcome is what an action did to one selected request or assignment.
type outcome struct {
	RequestID    string
	AssignmentID string
	Who          string
	// Kind is accepted, ineligible, window, forbidden or error.
	Kind    string
	Message string
}

// pkgRequestsData is a package's Requests tab.
type pkgRequestsData struct {
	base
	Package      entitled.AccessPackage
	Tab          string
	OutcomeTitle string
	State        string
	States       []stateOption
	Rows         []requestRow
	SkipToken    string
	NextToken    string
	SelectAll    bool
	CanReprocess bool
	Outcomes     []outcome
	Accepted     int
}

// packageRequests shows the Requests tab: the package's requests, filtered
// by state and paged.
func (h *handler) packageRequests(c *call) {
	q := c.r.URL.Query()
	h.showPackageRequests(c, q.Get("state"), q.Get("skiptoken"), q.Get("select") == "all", nil, http.StatusOK)
}

func (h *handler) showPackageRequests(c *call, state, skip string, selectAll bool, outs []outcome, status int) {
	p, err := h.svc.AccessPackages.AccessPackage(c.ctx, c.r.PathValue("id"))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	if !c.actor.Can(entitled.OpViewRequests, p.CatalogID) {
		h.renderError(c.w, c.r, c, http.StatusForbidden, "You may not view the requests of "+p.DisplayName+".")
		return
	}
	var filter entitled.Expr = entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: p.ID}
	st, ok := entitled.ParseRequestState(state)
	if state != "" && !ok {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, "Unknown state "+state+"; choose one from the list.")
		return
	}
	if ok {
		filter = entitled.Logical{Op: "and", Left: filter, Right: entitled.Compare{Op: "eq", Property: "state", Value: string(st)}}
	}
	pg, err := h.svc.Requests.Requests(c.ctx, entitled.RequestQuery{ListOptions: entitled.ListOptions{Filter: filter, Top: h.cfg.PageSize, SkipToken: skip}})
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	users, err := h.loadUsers(c.ctx, requestUsers(pg.Items))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	l := &lookups{users: users, pkgs: map[string]entitled.AccessPackage{p.ID: *p}}
	d := pkgRequestsData{base: c.base(p.DisplayName+" — Requests", "governance"), Package: *p, Tab: "requests", OutcomeTitle: "Reprocess", State: string(st),
		Rows: h.rows(c.actor, l, pg.Items), SkipToken: skip, NextToken: pg.NextSkipToken, SelectAll: selectAll,
		CanReprocess: c.actor.Can(entitled.OpReprocess, p.CatalogID), Outcomes: outs}
	d.States = append(d.States, stateOption{Value: "", Label: "All states", Selected: st == ""})
	for _, s := range entitled.RequestStates {
		d.States = append(d.States, stateOption{Value: string(s), Label: stateText(s), Selected: s == st})
	}
	for _, o := range outs {
		if o.Kind == "accepted" {
			d.Accepted++
		}
	}
	h.render(c.w, c.r, status, "pkgrequests", &d)
}

func requestUsers(rs []entitled.AssignmentRequest) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.RequestorID, r.TargetID)
	}
	return ids
}

// maxSelected bounds one reprocess submission.
const maxSelected = entitled.MaxPageSize

// reprocessSelected reprocesses every selected request and shows, per
// request, what happened.
func (h *handler) reprocessSelected(c *call) {
	f := c.r.PostForm
	ids := distinct(f["id"])
	if len(ids) == 0 {
		h.showPackageRequests(c, f.Get("state"), f.Get("skiptoken"), false,
			[]outcome{{Kind: "error", Message: "Select at least one request to reprocess."}}, http.StatusBadRequest)
		return
	}
	if len(ids) > maxSelected {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, "Select at most 999 requests at once.")
		return
	}
	outs := make([]outcome, 0, len(ids))
	for _, id := range ids {
		outs = append(outs, h.reprocess(c, id))
	}
	// Name the requests' users: one query for the requests, one for users.
	vals := make([]any, len(ids))
	for i, id := range ids {
		vals[i] = id
	}
	pg, err := h.svc.Requests.Requests(c.ctx, entitled.RequestQuery{ListOptions: entitled.ListOptions{
		Filter: entitled.In{Property: "id", Values: vals}, Top: entitled.MaxPageSize}})
	if err == nil {
		if users, err := h.loadUsers(c.ctx, requestUsers(pg.Items)); err == nil {
			l := &lookups{users: users}
			who := map[string]string{}
			for _, r := range pg.Items {
				who[r.ID] = l.person(r.TargetID).Name
			}
			for i := range outs {
				outs[i].Who = who[outs[i].RequestID]
			}
		}
	}
	h.showPackageRequests(c, f.Get("state"), f.Get("skiptoken"), false, outs, http.StatusOK)
}

// reprocess reprocesses one request and says what happened in plain words.
func (h *handler) reprocess(c *call, id string) outcome {
	o := outcome{RequestID: id}
	err := h.svc.Requests.ReprocessRequest(c.ctx, id)
	if err == nil {
		o.Kind, o.Message = "accepted", "Accepted: its failed deliveries are being sent again."
		return o
	}
	e := entitled.AsError(err)
	switch {
	case e.Code == entitled.CodeReprocessWindowPassed:
		o.Kind = "window"
		o.Message = "Window passed: it completed more than " + entitled.FormatWindow(h.svc.Requests.ReprocessWindow()) +
			" ago and can no longer be reprocessed. The user must cancel it and request again."
	case e.Code == entitled.CodeNotReprocessable || e.Kind == entitled.KindConflict:
		o.Kind, o.Message = "ineligible", "Not eligible because "+e.Message
	case e.Kind == entitled.KindForbidden || e.Kind == entitled.KindNotFound:
		o.Kind, o.Message = "forbidden", "Not allowed: "+e.Message
	default:
		if e.Kind == entitled.KindInternal {
			h.log.Error("ui: reprocess", "request", id, "err", err)
		}
		o.Kind, o.Message = "error", "Failed: "+e.Message
	}
	return o
}

// reprocessOne reprocesses the request of the detail page.
func (h *handler) reprocessOne(c *call) {
	id := c.r.PathValue("id")
	if err := h.svc.Requests.ReprocessRequest(c.ctx, id); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, "/governance/requests/"+url.PathEscape(id)+"?done=reprocessed", http.StatusSeeOther)
}

// deliveryRow is a delivery as the detail page shows it.
type deliveryRow struct {
	Resource   string
	Role       string
	Action     string
	Status     string
	StatusKey  string
	Attempts   int
	ErrorClass string
	Error      string
	Updated    string
	// Waiting says why the delivery waits (its system is not active).
	Waiting string
}

// requestData is the request detail page.
type requestData struct {
	base
	Request    requestRow
	Deliveries []deliveryRow
	Governance bool
	Window     string
	Self       string
	// Audit is the request's audit trail; ShowAudit is false for callers
	// who may not read it.
	Audit     []auditRow
	ShowAudit bool
}

// requestDetail shows one request with its deliveries.
func (h *handler) requestDetail(c *call) {
	id := c.r.PathValue("id")
	r, err := h.svc.Requests.Request(c.ctx, id)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	ds, err := h.svc.Requests.Deliveries(c.ctx, id)
	if err != nil && entitled.ErrorKind(err) != entitled.KindForbidden {
		h.fail(c.w, c.r, c, err)
		return
	}
	l, err := h.load(c.ctx, []entitled.AssignmentRequest{*r})
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	gov := c.r.URL.Path == "/governance/requests/"+id
	nav := "requests"
	if gov {
		nav = "governance"
	}
	d := requestData{base: c.base("Request for "+l.pkgName(r.AccessPackageID), nav), Request: h.row(c.actor, l, r, h.cfg.Now()),
		Governance: gov, Window: entitled.FormatWindow(h.svc.Requests.ReprocessWindow()), Self: c.r.URL.Path}
	for _, dl := range ds {
		d.Deliveries = append(d.Deliveries, deliveryRow{Resource: firstNonEmpty(dl.Resource.DisplayName, dl.Resource.OriginID),
			Role: firstNonEmpty(dl.Role.DisplayName, dl.Role.OriginID), Action: string(dl.Action), Status: deliveryText(dl.Status),
			StatusKey: string(dl.Status), Attempts: dl.Attempts, ErrorClass: string(dl.LastErrorClass), Error: dl.LastError,
			Updated: when(dl.ModifiedDateTime), Waiting: dl.Waiting})
	}
	d.Audit, d.ShowAudit = h.requestAudit(c, r.ID)
	h.render(c.w, c.r, http.StatusOK, "request", &d)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
