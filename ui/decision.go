package ui

import (
	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// What a request's page says about its approval and its start: who denied
// it and why, when a scheduled request starts, and why there is no
// delivery yet.

// decisionView says how the approval of a denied request ended.
type decisionView struct {
	// Text is the sentence: who denied, when, or that nobody decided in time.
	Text string
	// Reason is the approver's reason as typed ("" when none was given).
	Reason string
}

// denial says who denied a request and why; nil when it was not denied or
// the caller may not read its approval.
func (h *handler) denial(c *call, r *entitled.AssignmentRequest) *decisionView {
	if r.State != entitled.StateDenied {
		return nil
	}
	stages, err := h.svc.Approvals.ApprovalStages(c.ctx, r.ID)
	if err != nil {
		if k := entitled.ErrorKind(err); k != entitled.KindForbidden && k != entitled.KindNotFound {
			h.log.Warn("ui: approval stages of a denied request", "request", r.ID, "err", err)
		}
		return nil
	}
	for _, st := range stages {
		switch {
		case st.Status == entitled.StageExpired:
			when := st.ReviewedDateTime
			if when == nil {
				when = st.DueDateTime
			}
			return &decisionView{Text: c.T("decision.expired", i18n.V("When", c.loc.DateTimePtr(when)))}
		case st.ReviewResult == entitled.ReviewDeny:
			who := c.T("person.removed")
			if st.ReviewedBy != nil {
				who = firstNonEmpty(st.ReviewedBy.DisplayName, st.ReviewedBy.UserPrincipalName, who)
			}
			return &decisionView{Text: c.T("decision.deniedBy", i18n.V("Name", who), i18n.V("When", c.loc.DateTimePtr(st.ReviewedDateTime))),
				Reason: st.Justification}
		}
	}
	return &decisionView{Text: c.T("decision.denied")}
}

// noDeliveryText says why a request has no delivery, by its state.
func noDeliveryText(c *call, r *entitled.AssignmentRequest) string {
	switch r.State {
	case entitled.StatePendingApproval, entitled.StateSubmitted:
		return c.T("request.noDeliveries")
	case entitled.StateScheduled:
		if r.Schedule.StartDateTime != nil {
			return c.T("request.noDeliveriesScheduled", i18n.V("Start", c.loc.DateTime(*r.Schedule.StartDateTime)))
		}
	case entitled.StateDenied:
		return c.T("request.noDeliveriesDenied")
	case entitled.StateCanceled:
		return c.T("request.noDeliveriesCanceled")
	}
	return c.T("request.noDeliveriesYet")
}
