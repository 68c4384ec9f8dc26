package ui

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// Bulk reprocess from the web UI: a connected system's page offers to
// reprocess its failed requests, a package's Requests tab every request
// its filter matches; both start an operation (entitled.OperationService)
// and show its progress page, /operations/{id}.

// failedFilter matches the requests a reprocess may apply to.
const failedFilter = "state eq 'deliveryFailed' or state eq 'partiallyDelivered'"

// quoted is an OData string literal.
func quoted(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// packageFilter is the OData filter of a package's Requests tab.
func packageFilter(packageID, state string) string {
	f := "accessPackage/id eq " + quoted(packageID)
	if state != "" {
		f += " and state eq " + quoted(state)
	}
	return f
}

// failedToSystem counts the failed requests to a system the caller would
// reprocess; 0 without operations or on error (the button is not shown).
func (h *handler) failedToSystem(c *call, systemID string) int {
	if h.svc.Operations == nil {
		return 0
	}
	n, err := h.svc.Operations.CountReprocessable(c.ctx, entitled.BulkReprocess{Filter: failedFilter, SystemID: systemID})
	if err != nil {
		h.log.Warn("count failed requests of a system", "system", systemID, "error", err)
		return 0
	}
	return n
}

// reprocessSystem reprocesses every failed request to a system, once the
// caller ticked the confirmation.
func (h *handler) reprocessSystem(c *call) {
	if !h.systemsAllowed(c) {
		return
	}
	h.startBulk(c, entitled.BulkReprocess{Filter: failedFilter, SystemID: c.r.PathValue("id")})
}

// reprocessPackageFiltered reprocesses every request of a package that the
// Requests tab's state filter matches.
func (h *handler) reprocessPackageFiltered(c *call) {
	p, ok := h.pathPackage(c)
	if !ok {
		return
	}
	f, ok, err := h.packageRequestsFilter(c, p.ID, c.r.PostForm.Get("state"), strings.TrimSpace(c.r.PostForm.Get("q")))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	if !ok {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("filter.unknownState", i18n.V("State", c.r.PostForm.Get("state"))))
		return
	}
	h.startBulk(c, entitled.BulkReprocess{Filter: h.reprocessableFilter(f)})
}

// startBulk starts the operation and shows its progress.
func (h *handler) startBulk(c *call, b entitled.BulkReprocess) {
	if h.svc.Operations == nil {
		h.notFound(c.w, c.r)
		return
	}
	if c.r.PostForm.Get("confirm") == "" {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("bulk.confirmMissing"))
		return
	}
	op, err := h.svc.Operations.ReprocessRequests(c.ctx, b)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, "/operations/"+url.PathEscape(op.ID), http.StatusSeeOther)
}

// operationData is the progress page of an operation.
type operationData struct {
	base
	Operation entitled.Operation
	Done      int
	Running   bool
	Status    string
	Started   string
	Completed string
}

// operationPage shows an operation's progress and its refused requests.
func (h *handler) operationPage(c *call) {
	if h.svc.Operations == nil {
		h.notFound(c.w, c.r)
		return
	}
	op, err := h.svc.Operations.Operation(c.ctx, c.r.PathValue("id"))
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d := operationData{base: c.base(c.T("bulk.pageTitle"), "governance"), Operation: *op, Done: op.Done(),
		Running: op.Status == entitled.OperationRunning, Status: c.T("bulk." + string(op.Status)),
		Started: c.loc.DateTime(op.CreatedDateTime)}
	if op.CompletedDateTime != nil {
		d.Completed = c.loc.DateTime(*op.CompletedDateTime)
	}
	h.render(c.w, c.r, http.StatusOK, "operation", &d)
}
