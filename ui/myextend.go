package ui

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// "Extend" on My Access's Active view: a userUpdate request that asks for
// the policy's duration again, counted from now. Offered where the policy
// lets targets update their access and asking would end the access later;
// refusals are said in words, never with ids.

// canExtend reports whether asking again under the policy would end the
// delivered assignment later than it ends now.
func canExtend(pol *entitled.AssignmentPolicy, a *entitled.Assignment, now time.Time) bool {
	if !pol.RequestorSettings.EnableTargetsToSelfUpdateAccess || a.State != entitled.AssignmentDelivered {
		return false
	}
	current := a.Schedule.Expiration.EndDateTime
	if current == nil {
		return false // no end: nothing to extend
	}
	next := pol.Expiration.EndFrom(now)
	return next == nil || next.After(*current)
}

// extendAccess submits a userUpdate request for one of the user's
// assignments.
func (h *handler) extendAccess(c *call) {
	a := h.ownAssignment(c)
	if a == nil {
		return
	}
	name := h.packageName(c, a.AccessPackageID)
	pol, err := h.svc.Policies.Policy(c.ctx, a.AssignmentPolicyID)
	if err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	pkg := i18n.V("Package", name)
	if !pol.RequestorSettings.EnableTargetsToSelfUpdateAccess {
		h.renderError(c.w, c.r, c, http.StatusForbidden, c.T("extend.notAllowed", pkg))
		return
	}
	if !canExtend(pol, a, h.cfg.Now()) {
		msg := c.T("extend.noEnd", pkg)
		if end := a.Schedule.Expiration.EndDateTime; end != nil {
			msg = c.T("extend.already", pkg, i18n.V("When", c.loc.Date(*end)))
		}
		h.renderError(c.w, c.r, c, http.StatusConflict, msg)
		return
	}
	r := &entitled.AssignmentRequest{RequestType: entitled.RequestUserUpdate, AssignmentID: a.ID,
		Justification: strings.TrimSpace(c.r.PostForm.Get("justification"))}
	if err := h.svc.Requests.SubmitRequest(c.ctx, r); err != nil {
		switch e := entitled.AsError(err); e.Kind {
		case entitled.KindConflict:
			h.renderError(c.w, c.r, c, http.StatusConflict, c.T("extend.open", pkg))
		case entitled.KindInvalid:
			if e.Target == "justification" {
				h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("extend.reason", pkg))
				return
			}
			h.fail(c.w, c.r, c, err)
		default:
			h.fail(c.w, c.r, c, err)
		}
		return
	}
	http.Redirect(c.w, c.r, "/requests/"+url.PathEscape(r.ID)+"?done=extended", http.StatusSeeOther)
}
