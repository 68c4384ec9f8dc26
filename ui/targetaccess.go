package ui

import (
	"context"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// The approval card's "Already has": the live assignments of the person a
// request is for, in the request's catalog, which its approvers may read
// while it waits (entitled.MayViewTargetAccess).

// targetAccessReader is the store read the card uses (sqlstore's
// RequestService.TargetAccess).
type targetAccessReader interface {
	TargetAccess(ctx context.Context, requestID string) ([]entitled.Assignment, error)
}

// targetAccess words what the request's target already holds in its
// catalog ("Wiki editor, until 3 Mar 2027"); nil when nothing, or when it
// cannot be read; none is set when it was read and is empty.
func (h *handler) targetAccess(c *call, requestID string) (held []string, none bool) {
	r, ok := h.svc.Requests.(targetAccessReader)
	if !ok {
		return nil, false
	}
	as, err := r.TargetAccess(c.ctx, requestID)
	if err != nil {
		return nil, false
	}
	for _, a := range as {
		name := h.packageName(c, a.AccessPackageID)
		if end := a.Schedule.Expiration.EndDateTime; end != nil {
			held = append(held, c.T("approvals.heldUntil", i18n.V("Package", name), i18n.V("When", c.loc.Date(*end))))
		} else {
			held = append(held, name)
		}
	}
	return held, len(held) == 0
}
