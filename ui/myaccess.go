package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// My Access: the packages I may request, my requests, my approvals.

// packagesData is the My Access home page.
type packagesData struct {
	base
	Query     string
	Packages  []entitled.AccessPackage
	NextToken string
	Paged     bool
	// View is "" (Available) or "active"; Marks what the user already
	// holds or requested, per package id.
	View  string
	Marks map[string]packageMark
}

// packagesPage lists the packages the user may request, with search.
func (h *handler) packagesPage(c *call) {
	if c.r.URL.Query().Get("view") == "active" {
		h.activePage(c)
		return
	}
	q := strings.TrimSpace(c.r.URL.Query().Get("q"))
	opt := entitled.ListOptions{Top: h.cfg.PageSize, SkipToken: c.r.URL.Query().Get("skiptoken")}
	if q != "" {
		opt.Filter = entitled.Logical{Op: "or",
			Left:  entitled.Call{Func: "contains", Property: "displayName", Value: q},
			Right: entitled.Call{Func: "contains", Property: "description", Value: q}}
	}
	pg, err := h.svc.AccessPackages.RequestableAccessPackages(c.ctx, opt)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d := packagesData{base: c.base(c.T("nav.myAccess"), "access"), Query: q, Packages: pg.Items, NextToken: pg.NextSkipToken,
		Paged: opt.SkipToken != "", Marks: h.marks(c)}
	h.render(c.w, c.r, http.StatusOK, "packages", &d)
}

// policyChoice is a policy offered on the request form.
type policyChoice struct {
	ID                    string
	Name                  string
	Description           string
	JustificationRequired bool
	NeedsApproval         bool
	Checked               bool
	// CustomSchedule is set when the policy lets requesters choose when
	// access starts and ends.
	CustomSchedule bool
	// Approvers names who approves, stage by stage; Duration says how long
	// access lasts.
	Approvers []string
	Duration  string
	// Questions are the policy's questions to answer.
	Questions []questionField
}

// requestFormData is the request form.
type requestFormData struct {
	base
	Package               entitled.AccessPackage
	Policies              []policyChoice
	Justification         string
	JustificationRequired bool
	// CustomSchedule is set when any offered policy allows a custom
	// schedule; the form then has optional start and end dates.
	CustomSchedule bool
	// OnlySomeSchedule is set when only some offered policies allow it.
	OnlySomeSchedule bool
	Start, End       string
	// Grants lists the resource roles the package gives ("app-crm —
	// Member"); AskWhy shows the justification field (someone approves or
	// a policy wants a justification); Approved is set when someone approves.
	Grants   []string
	AskWhy   bool
	Approved bool
	// Zone names the time zone of the dates.
	Zone string
	// OnBehalf names the offered policies that let the user request for
	// someone else (onbehalf.go); For is the person typed.
	OnBehalf string
	For      string
}

// requestForm shows the form to request a package.
func (h *handler) requestForm(c *call) {
	d, ok := h.requestFormData(c)
	if !ok {
		return
	}
	h.render(c.w, c.r, http.StatusOK, "requestform", d)
}

// requestFormData loads the package and the policies the user may request
// it under; it answers the call itself when that is impossible.
func (h *handler) requestFormData(c *call) (*requestFormData, bool) {
	id := c.r.PathValue("id")
	p, err := h.svc.AccessPackages.AccessPackage(c.ctx, id)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return nil, false
	}
	var pols []entitled.AssignmentPolicy
	if h.policies != nil {
		pols, err = h.policies.RequestablePolicies(c.ctx, id)
		if err != nil {
			h.fail(c.w, c.r, c, err)
			return nil, false
		}
	}
	if len(pols) == 0 {
		h.renderError(c.w, c.r, c, http.StatusForbidden, c.T("requestform.cannotRequest", i18n.V("Package", p.DisplayName)))
		return nil, false
	}
	d := &requestFormData{base: c.base(c.T("requestform.title", i18n.V("Package", p.DisplayName)), "access"), Package: *p}
	d.Grants = h.grants(c, p.ID)
	d.Zone = c.loc.Zone().String()
	names, err := h.approverNamer(c, pols)
	if err != nil {
		h.log.Warn("ui: approvers of the request form", "package", p.ID, "err", err)
		names = func([]entitled.SubjectSet) []string { return nil }
	}
	for i, pol := range pols {
		ch := policyChoice{ID: pol.ID, Name: pol.DisplayName, Description: pol.Description,
			JustificationRequired: pol.RequestApprovalSettings.IsRequestorJustificationRequired,
			NeedsApproval:         pol.RequiresApproval(), Checked: i == 0,
			CustomSchedule: pol.RequestorSettings.AllowCustomAssignmentSchedule, Duration: lastsText(c.loc, pol.Expiration),
			Questions: questionFields(pol, c.loc.Lang(), c.r.PostForm)}
		if ch.NeedsApproval {
			stages := pol.RequestApprovalSettings.Stages
			for i, st := range stages {
				who := strings.Join(names(st.PrimaryApprovers), ", ")
				if len(stages) > 1 {
					who = c.T("requestform.stage", i18n.V("N", i+1), i18n.V("Approvers", who))
				}
				ch.Approvers = append(ch.Approvers, who)
			}
		}
		d.Approved = d.Approved || ch.NeedsApproval
		d.AskWhy = d.AskWhy || ch.NeedsApproval || ch.JustificationRequired
		d.JustificationRequired = d.JustificationRequired || (len(pols) == 1 && ch.JustificationRequired)
		if ch.CustomSchedule {
			d.CustomSchedule = true
		} else {
			d.OnlySomeSchedule = true
		}
		d.Policies = append(d.Policies, ch)
	}
	d.OnlySomeSchedule = d.OnlySomeSchedule && d.CustomSchedule
	d.OnBehalf = strings.Join(onBehalfOffered(pols), ", ")
	return d, true
}

// lastsText says how long access under a policy lasts, for a requester.
func lastsText(loc *i18n.Localizer, e entitled.Expiration) string {
	return expirationWords(loc, e, "requestform.lastsNever", "requestform.lastsFor", "requestform.lastsUntil")
}

// grants lists the resource roles a package gives, for its request form;
// nil when they cannot be read.
func (h *handler) grants(c *call, packageID string) []string {
	scopes, err := h.svc.AccessPackages.ResourceRoleScopes(c.ctx, packageID)
	if err != nil {
		h.log.Warn("ui: resource roles of the request form", "package", packageID, "err", err)
		return nil
	}
	out := make([]string, len(scopes))
	for i, s := range scopes {
		out[i] = c.T("requestform.grant", i18n.V("Resource", firstNonEmpty(s.Resource.DisplayName, s.Resource.OriginID)),
			i18n.V("Role", firstNonEmpty(s.Role.DisplayName, s.Role.OriginID)))
	}
	return out
}

// submitRequest submits a userAdd request for the signed-in user.
func (h *handler) submitRequest(c *call) {
	f := c.r.PostForm
	req := &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AccessPackageID: c.r.PathValue("id"),
		AssignmentPolicyID: f.Get("policy"), Justification: strings.TrimSpace(f.Get("justification")),
		Answers: formAnswers(f, f.Get("policy"))}
	start, end := strings.TrimSpace(f.Get("start")), strings.TrimSpace(f.Get("end"))
	target, problem := h.onBehalfTarget(c, req, f.Get("for"))
	sched, err := formSchedule(c.loc, start, end)
	if err == nil && problem == "" {
		req.Schedule = sched
		err = h.svc.Requests.SubmitRequest(c.ctx, req)
	}
	if err == nil && problem == "" {
		if target != nil {
			http.Redirect(c.w, c.r, "/requests/"+url.PathEscape(req.ID)+"?done=requested", http.StatusSeeOther)
			return
		}
		http.Redirect(c.w, c.r, "/requests?done=requested", http.StatusSeeOther)
		return
	}
	if entitled.ErrorKind(err) == entitled.KindInternal {
		h.fail(c.w, c.r, c, err)
		return
	}
	d, ok := h.requestFormData(c)
	if !ok {
		return
	}
	d.Justification = req.Justification
	d.Start, d.End, d.For = start, end, strings.TrimSpace(f.Get("for"))
	status := http.StatusBadRequest
	if problem != "" {
		d.Error = problem
	} else {
		status = entitled.ErrorKind(err).HTTPStatus()
		d.Error = errorText(c.loc, entitled.AsError(err))
	}
	for i := range d.Policies {
		d.Policies[i].Checked = d.Policies[i].ID == req.AssignmentPolicyID
		if d.Policies[i].Checked && problem == "" {
			if msg := onBehalfRefusal(c, err, target, d.Policies[i].Name); msg != "" {
				d.Error = msg
			}
		}
	}
	h.render(c.w, c.r, status, "requestform", d)
}

// listData is a page of request rows.
type listData struct {
	base
	Rows      []requestRow
	NextToken string
	Paged     bool
	Window    string
}

// requestPage lists a page of requests with their names resolved; on an
// error it answers the call and ok is false.
func (h *handler) requestPage(c *call, q entitled.RequestQuery) (pg entitled.Page[entitled.AssignmentRequest], l *lookups, ok bool) {
	pg, err := h.svc.Requests.Requests(c.ctx, q)
	if err == nil {
		l, err = h.load(c, pg.Items)
	}
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return pg, nil, false
	}
	return pg, l, true
}

// myRequestsPage lists the requests for the signed-in user.
func (h *handler) myRequestsPage(c *call) {
	skip := c.r.URL.Query().Get("skiptoken")
	pg, l, ok := h.requestPage(c, entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget,
		ListOptions: entitled.ListOptions{Top: h.cfg.PageSize, SkipToken: skip}})
	if !ok {
		return
	}
	d := listData{base: c.base(c.T("nav.myRequests"), "requests"), Rows: h.rows(c, l, pg.Items), NextToken: pg.NextSkipToken,
		Paged: skip != "", Window: windowText(c.loc, h.svc.Requests.ReprocessWindow())}
	h.render(c.w, c.r, http.StatusOK, "myrequests", &d)
}

// cancelRequest cancels a request, then returns to the page named by next.
func (h *handler) cancelRequest(c *call) {
	id := c.r.PathValue("id")
	// Canceling what was delivered takes the access away: confirm first.
	if r, err := h.svc.Requests.Request(c.ctx, id); err == nil && r.CheckCancel() == nil && entitled.MayCancel(c.actor, r) &&
		(r.State == entitled.StateDelivered || r.State == entitled.StatePartiallyDelivered) &&
		!h.confirmed(c, c.T("confirm.cancelDelivered"), c.T("confirm.cancelDeliveredButton"), localPath(c.r.PostForm.Get("next"), "/requests")) {
		return
	}
	if err := h.svc.Requests.CancelRequest(c.ctx, id); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, localPath(c.r.PostForm.Get("next"), "/requests")+"?done=canceled", http.StatusSeeOther)
}

// decide records Approve or Deny on the stage of the request now waiting
// for the user.
func (h *handler) decide(c *call) {
	id := c.r.PathValue("id")
	decision := c.r.PostForm.Get("decision")
	if decision != entitled.ReviewApprove && decision != entitled.ReviewDeny {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("approvals.chooseDecision"))
		return
	}
	stages, err := h.svc.Approvals.ApprovalStages(c.ctx, id)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	stageID := ""
	for _, st := range stages {
		if st.Status == entitled.StageInProgress {
			stageID = st.ID
			break
		}
	}
	if stageID == "" {
		h.renderError(c.w, c.r, c, http.StatusConflict, c.T("approvals.alreadyDecided"))
		return
	}
	if err := h.svc.Approvals.DecideApprovalStage(c.ctx, id, stageID, decision, strings.TrimSpace(c.r.PostForm.Get("reason"))); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	done := "approved"
	if decision == entitled.ReviewDeny {
		done = "denied"
	}
	http.Redirect(c.w, c.r, decidedPath(done, id), http.StatusSeeOther)
}

// localPath returns p when it is a path on this site, else def (no open
// redirects).
func localPath(p, def string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "?#\r\n") {
		return def
	}
	return p
}
