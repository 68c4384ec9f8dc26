package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/odata"
)

// Identity Governance: packages, a package's Requests tab, reprocess, and
// request detail with deliveries.

// governanceData lists packages whose requests the user may see.
type governanceData struct {
	base
	Packages  []entitled.AccessPackage
	NextToken string
	Paged     bool
	// Attention counts, per package id, the requests that need attention.
	Attention map[string]int
}

// governancePage lists the access packages of the catalogs the user
// administers.
func (h *handler) governancePage(c *call) {
	if !canGovern(c.actor) {
		h.renderError(c.w, c.r, c, http.StatusForbidden, c.T("governance.forbidden"))
		return
	}
	skip := c.r.URL.Query().Get("skiptoken")
	pg, ok := listPage(h, c, skip, h.svc.AccessPackages.AccessPackages)
	if !ok {
		return
	}
	var pkgs []entitled.AccessPackage
	for _, p := range pg.Items {
		if c.actor.Can(entitled.OpViewRequests, p.CatalogID) {
			pkgs = append(pkgs, p)
		}
	}
	d := governanceData{base: c.base(c.T("nav.governance"), "governance"), Packages: pkgs, NextToken: pg.NextSkipToken, Paged: skip != "",
		Attention: map[string]int{}}
	for _, p := range pkgs {
		n, err := h.countRequests(c, h.attentionFilter(p.ID))
		if err != nil {
			h.fail(c.w, c.r, c, err)
			return
		}
		d.Attention[p.ID] = n
	}
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
	pkgPage
	OutcomeTitle string
	// State is the view: "attention", "all" or a request state.
	State  string
	States []stateOption
	// Search is the user search text.
	Search string
	// Count is how many requests the view matches; Attention how many need
	// attention; Matching how many the view's bulk reprocess would take.
	Count, Attention, Matching int
	Rows                       []triageRow
	SkipToken                  string
	NextToken                  string
	SelectAll                  bool
	CanReprocess               bool
	Outcomes                   []outcome
	Accepted                   int
}

// packageRequests shows the Requests tab: the package's requests, filtered
// by state and paged.
func (h *handler) packageRequests(c *call) {
	q := c.r.URL.Query()
	h.showPackageRequests(c, q.Get("state"), q.Get("skiptoken"), q.Get("select") == "all", nil, http.StatusOK)
}

func (h *handler) showPackageRequests(c *call, state, skip string, selectAll bool, outs []outcome, status int) {
	p, ok := h.allowedPackage(c, entitled.OpViewRequests, "pkgrequests.forbidden")
	if !ok {
		return
	}
	attention, err := h.countRequests(c, h.attentionFilter(p.ID))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	// Without a choice, the view is what needs fixing, when anything does.
	if state == "" {
		state = viewAll
		if attention > 0 {
			state = viewAttention
		}
	}
	search := strings.TrimSpace(c.r.FormValue("q"))
	f, ok, err := h.packageRequestsFilter(c, p.ID, state, search)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	if !ok {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("filter.unknownState", i18n.V("State", state)))
		return
	}
	filter, err := odata.ParseFilter(f)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	pg, err := h.svc.Requests.Requests(c.ctx, entitled.RequestQuery{ListOptions: entitled.ListOptions{Filter: filter, Top: h.cfg.PageSize, SkipToken: skip, Count: true}})
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	users, err := h.loadUsers(c.ctx, requestUsers(pg.Items))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	l := &lookups{loc: c.loc, users: users, pkgs: map[string]entitled.AccessPackage{p.ID: *p}}
	rows, err := h.triageRows(c, l, pg.Items)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d := pkgRequestsData{pkgPage: c.pkgPage(p, "requests"), OutcomeTitle: c.T("outcomes.reprocess"), State: state,
		Search: search, Attention: attention, Rows: rows, SkipToken: skip, NextToken: pg.NextSkipToken, SelectAll: selectAll,
		CanReprocess: c.actor.Can(entitled.OpReprocess, p.CatalogID), Outcomes: outs}
	if pg.Count != nil {
		d.Count = *pg.Count
	}
	if d.CanReprocess && h.svc.Operations != nil {
		if d.Matching, err = h.svc.Operations.CountReprocessable(c.ctx, entitled.BulkReprocess{Filter: h.reprocessableFilter(f)}); err != nil {
			h.log.Warn("count reprocessable requests of a package", "package", p.ID, "error", err)
		}
	}
	d.States = append(d.States, stateOption{Value: viewAttention, Label: c.T("pkgrequests.attention", i18n.N(attention)), Selected: state == viewAttention},
		stateOption{Value: viewAll, Label: c.T("filter.allStates"), Selected: state == viewAll})
	for _, s := range entitled.RequestStates {
		d.States = append(d.States, stateOption{Value: string(s), Label: stateText(c.loc, s), Selected: string(s) == state})
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
			[]outcome{{Kind: "error", Message: c.T("pkgrequests.selectOneAtLeast")}}, http.StatusBadRequest)
		return
	}
	if len(ids) > maxSelected {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("pkgrequests.tooMany", i18n.V("Max", maxSelected)))
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
		targets := map[string]string{}
		for _, r := range pg.Items {
			targets[r.ID] = r.TargetID
		}
		h.nameOutcomes(c, outs, targets, func(o outcome) string { return o.RequestID })
	}
	h.showPackageRequests(c, f.Get("state"), f.Get("skiptoken"), false, outs, http.StatusOK)
}

// reprocess reprocesses one request and says what happened in plain words.
func (h *handler) reprocess(c *call, id string) outcome {
	o := outcome{RequestID: id}
	err := h.svc.Requests.ReprocessRequest(c.ctx, id)
	switch {
	case err == nil:
		o.Kind, o.Message = "accepted", c.T("outcome.reprocessAccepted")
	case entitled.AsError(err).Code == entitled.CodeReprocessWindowPassed:
		o.Kind = "window"
		o.Message = c.T("outcome.windowPassed", i18n.V("Window", windowText(c.loc, h.svc.Requests.ReprocessWindow())))
	default:
		return h.failedOutcome(c, o, "reprocess", err)
	}
	return o
}

// failedOutcome says in plain words why an action on a request or an
// assignment failed; what names the action in the log of an internal
// error.
func (h *handler) failedOutcome(c *call, o outcome, what string, err error) outcome {
	e := entitled.AsError(err)
	switch {
	case e.Code == entitled.CodeNotReprocessable || e.Kind == entitled.KindConflict || e.Kind == entitled.KindInvalid:
		o.Kind, o.Message = "ineligible", c.T("outcome.ineligible", i18n.V("Reason", errorText(c.loc, e)))
	case e.Kind == entitled.KindForbidden || e.Kind == entitled.KindNotFound:
		o.Kind, o.Message = "forbidden", c.T("outcome.forbidden", i18n.V("Reason", errorText(c.loc, e)))
	default:
		if e.Kind == entitled.KindInternal {
			h.log.Error("ui: "+what, "request", o.RequestID, "assignment", o.AssignmentID, "err", err)
		}
		o.Kind, o.Message = "error", c.T("outcome.failed", i18n.V("Reason", errorText(c.loc, e)))
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
	// Denial says who denied the request and why; NoDelivery why it has no
	// delivery; Starts when a scheduled request starts.
	Denial     *decisionView
	NoDelivery string
	Starts     string
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
	l, err := h.load(c, []entitled.AssignmentRequest{*r})
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	gov := c.r.URL.Path == "/governance/requests/"+id
	nav := "requests"
	if gov {
		nav = "governance"
	}
	d := requestData{base: c.base(c.T("request.title", i18n.V("Package", l.pkgName(r.AccessPackageID))), nav), Request: h.row(c, l, r, h.cfg.Now()),
		Governance: gov, Window: windowText(c.loc, h.svc.Requests.ReprocessWindow()), Self: c.r.URL.Path}
	for _, dl := range ds {
		d.Deliveries = append(d.Deliveries, deliveryRow{Resource: firstNonEmpty(dl.Resource.DisplayName, dl.Resource.OriginID),
			Role: firstNonEmpty(dl.Role.DisplayName, dl.Role.OriginID), Action: actionText(c.loc, string(dl.Action)), Status: deliveryText(c.loc, dl.Status),
			StatusKey: string(dl.Status), Attempts: dl.Attempts, ErrorClass: string(dl.LastErrorClass), Error: dl.LastError,
			Updated: c.loc.DateTime(dl.ModifiedDateTime), Waiting: textOf(c.loc, dl.WaitingText)})
	}
	d.Audit, d.ShowAudit = h.requestAudit(c, r.ID)
	d.Denial, d.NoDelivery = h.denial(c, r), noDeliveryText(c, r)
	if r.Schedule.StartDateTime != nil {
		d.Starts = c.loc.DateTime(*r.Schedule.StartDateTime)
	}
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
