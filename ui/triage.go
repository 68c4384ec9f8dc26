package ui

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/odata"
)

// Triage on a package's Requests tab: the "Needs attention" view (failed
// or partially delivered requests still within the reprocess window), a
// search by user, and per row the failed resources with their errors and
// the reprocess deadline.

// Views of the Requests tab besides one state.
const (
	viewAttention = "attention"
	viewAll       = "all"
)

// attentionFilter is the OData filter of the requests of a package that
// need attention now: failed or partially delivered, completed within the
// reprocess window.
func (h *handler) attentionFilter(packageID string) string {
	return h.reprocessableFilter(packageFilter(packageID, ""))
}

// reprocessableFilter narrows an OData filter of requests to those a
// reprocess can take now: failed or partially delivered, within the window.
func (h *handler) reprocessableFilter(f string) string {
	since := h.cfg.Now().Add(-h.svc.Requests.ReprocessWindow()).UTC().Format(time.RFC3339)
	return f + " and (" + failedFilter + ") and completedDateTime ge " + since
}

// packageRequestsFilter is the filter of the Requests tab of a package for
// a view and a user search ("" for none); ok is false for an unknown view.
func (h *handler) packageRequestsFilter(c *call, packageID, view, search string) (f string, ok bool, err error) {
	var targets []string
	if search != "" {
		if targets, err = h.searchUsers(c, search); err != nil {
			return "", false, err
		}
	}
	f, ok = h.requestsFilter(packageID, view, search != "", targets)
	return f, ok, nil
}

// requestsFilter is the OData filter of a view of a package's Requests tab
// ("attention", "all", "" for all, or a request state), narrowed to the
// targets with the ids when search is set. ok is false for an unknown view.
func (h *handler) requestsFilter(packageID, view string, search bool, targets []string) (f string, ok bool) {
	switch view {
	case viewAttention:
		f = h.attentionFilter(packageID)
	case viewAll, "":
		f = packageFilter(packageID, "")
	default:
		st, ok := entitled.ParseRequestState(view)
		if !ok {
			return "", false
		}
		f = packageFilter(packageID, string(st))
	}
	if search {
		f += " and " + targetsFilter(targets)
	}
	return f, true
}

// targetsFilter matches the requests for the users with the ids (none
// when there are no ids).
func targetsFilter(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = quoted(id)
	}
	if len(q) == 0 {
		q = []string{quoted("")}
	}
	return "target/id in (" + strings.Join(q, ",") + ")"
}

// maxSearchUsers bounds the users a search of the Requests tab matches.
const maxSearchUsers = entitled.MaxPageSize

// searchUsers finds the users whose name, user principal name or mail
// starts with (or whose name contains) the text.
func (h *handler) searchUsers(c *call, text string) ([]string, error) {
	f := "contains(displayName," + quoted(text) + ") or startswith(userPrincipalName," + quoted(text) + ") or startswith(mail," + quoted(text) + ")"
	expr, err := odata.ParseFilter(f)
	if err != nil {
		return nil, err
	}
	pg, err := h.svc.Users.Users(c.ctx, entitled.ListOptions{Filter: expr, Top: maxSearchUsers})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(pg.Items))
	for i, u := range pg.Items {
		ids[i] = u.ID
	}
	return ids, nil
}

// countRequests counts the requests an OData filter matches.
func (h *handler) countRequests(c *call, filter string) (int, error) {
	expr, err := odata.ParseFilter(filter)
	if err != nil {
		return 0, err
	}
	pg, err := h.svc.Requests.Requests(c.ctx, entitled.RequestQuery{ListOptions: entitled.ListOptions{Filter: expr, Count: true}, CountOnly: true})
	if err != nil || pg.Count == nil {
		return 0, err
	}
	return *pg.Count, nil
}

// failureView is a failed delivery as a row of the Requests tab shows it.
type failureView struct {
	Resource string
	Role     string
	// Short is the error cut to fit the row; Full is all of it.
	Short, Full string
}

// triageRow is a request on the Requests tab.
type triageRow struct {
	requestRow
	Failures []failureView
	// RetryIn is the reprocess deadline relative to now ("in 13 days").
	RetryIn string
	// Why says why the row cannot be selected for reprocess; "" when it can.
	Why string
	// OnBehalf is set when someone else requested for the target.
	OnBehalf bool
}

// shortError is how many characters of an error a row shows.
const shortError = 80

// shorten cuts s to n characters with an ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// triageRows turns a page of requests into Requests tab rows, with the
// failed deliveries of the page in one query.
func (h *handler) triageRows(c *call, l *lookups, rs []entitled.AssignmentRequest) ([]triageRow, error) {
	var failedIDs []string
	for _, r := range rs {
		if r.State == entitled.StateDeliveryFailed || r.State == entitled.StatePartiallyDelivered {
			failedIDs = append(failedIDs, r.ID)
		}
	}
	failures := map[string][]failureView{}
	if len(failedIDs) > 0 {
		ds, err := h.svc.Requests.FailedDeliveries(c.ctx, failedIDs)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			failures[d.RequestID] = append(failures[d.RequestID], failureView{Resource: firstNonEmpty(d.Resource.DisplayName, d.Resource.OriginID),
				Role: firstNonEmpty(d.Role.DisplayName, d.Role.OriginID), Short: shorten(d.LastError, shortError), Full: d.LastError})
		}
	}
	now, window := h.cfg.Now(), h.svc.Requests.ReprocessWindow()
	out := make([]triageRow, len(rs))
	for i := range rs {
		r := &rs[i]
		row := triageRow{requestRow: h.row(c, l, r, now), Failures: failures[r.ID], OnBehalf: r.RequestorID != r.TargetID}
		if row.RetryUntil != "" {
			row.RetryIn = relativeText(c.loc, now, r.CompletedDateTime.Add(window))
		}
		switch {
		case row.CanReprocess:
		case row.WindowPassed:
			row.Why = c.T("pkgrequests.windowPassed")
		default:
			row.Why = c.T("pkgrequests.nothingToReprocess", i18n.V("State", row.State))
		}
		out[i] = row
	}
	return out, nil
}
