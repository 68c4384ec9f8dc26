package ui

import (
	"net/http"

	"github.com/entitled-dev/entitled"
)

// The outbox: the messages entitled sent, or recorded without a mail
// server, for tenant administrators.

// outboxRow is one message as the outbox page shows it.
type outboxRow struct {
	When      string
	Event     string
	To        string
	Subject   string
	Status    string
	Error     string
	RequestID string
}

type outboxData struct {
	base
	Rows      []outboxRow
	Status    string // the status filter, "" for all
	Filters   []outboxFilter
	NextToken string
	Paged     bool
}

// outboxFilter is a link that lists the messages of one status (in
// outboxStatuses, Label is the catalogue key).
type outboxFilter struct{ Value, Label string }

// outboxStatuses are the statuses the page filters by, with the catalogue
// key of each.
var outboxStatuses = []outboxFilter{{entitled.NotificationFailed, "outbox.status.failed"},
	{entitled.NotificationQueued, "outbox.status.queued"}, {entitled.NotificationSent, "outbox.status.sent"},
	{entitled.NotificationRecorded, "outbox.status.recorded"}}

// outboxEvents are the catalogue keys of the notice events.
var outboxEvents = map[entitled.NoticeEvent]string{
	entitled.NoticeApprovalPending:       "outbox.event.approvalPending",
	entitled.NoticeApprovalReminder:      "outbox.event.approvalReminder",
	entitled.NoticeApprovalEscalated:     "outbox.event.approvalEscalated",
	entitled.NoticeApproved:              "outbox.event.approved",
	entitled.NoticeDenied:                "outbox.event.denied",
	entitled.NoticeDelivered:             "outbox.event.delivered",
	entitled.NoticePartiallyDelivered:    "outbox.event.partiallyDelivered",
	entitled.NoticeDeliveryFailed:        "outbox.event.deliveryFailed",
	entitled.NoticeCanceled:              "outbox.event.canceled",
	entitled.NoticeExpiring:              "outbox.event.expiring",
	entitled.NoticeExpired:               "outbox.event.expired",
	entitled.NoticeManagersFailed:        "outbox.event.managersFailed",
	entitled.NoticeReprocessDeadline:     "outbox.event.reprocessDeadline",
	entitled.NoticeReprocessWindowPassed: "outbox.event.reprocessWindowPassed",
}

// label is the words of a key, or the raw value when it has none.
func label(c *call, key, raw string) string {
	if key == "" {
		return raw
	}
	return c.T(key)
}

// outboxPage lists recent messages, optionally those of one status.
func (h *handler) outboxPage(c *call) {
	if !h.systemsAllowed(c) {
		return
	}
	if h.svc.Notifications == nil {
		h.renderError(c.w, c.r, c, http.StatusNotFound, c.T("outbox.unavailable"))
		return
	}
	q := c.r.URL.Query()
	opt := entitled.ListOptions{Top: h.cfg.PageSize, SkipToken: q.Get("skiptoken")}
	status := q.Get("status")
	statusKey := map[string]string{}
	for _, s := range outboxStatuses {
		statusKey[s.Value] = s.Label
		if s.Value == status {
			opt.Filter = entitled.Compare{Op: "eq", Property: "status", Value: status}
		}
	}
	if opt.Filter == nil {
		status = ""
	}
	pg, err := h.svc.Notifications.Notifications(c.ctx, opt)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	d := outboxData{base: c.base(c.T("nav.outbox"), "outbox"), Status: status, NextToken: pg.NextSkipToken,
		Paged: opt.SkipToken != ""}
	for _, s := range outboxStatuses {
		d.Filters = append(d.Filters, outboxFilter{Value: s.Value, Label: c.T(s.Label)})
	}
	for _, m := range pg.Items {
		d.Rows = append(d.Rows, outboxRow{When: c.loc.DateTime(m.CreatedDateTime), Event: label(c, outboxEvents[m.Event], string(m.Event)),
			To: m.RecipientAddress, Subject: m.Subject, Status: label(c, statusKey[m.Status], m.Status), Error: m.Error,
			RequestID: m.RequestID})
	}
	h.render(c.w, c.r, http.StatusOK, "outbox", &d)
}
