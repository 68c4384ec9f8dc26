package ui

import (
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// Requests on behalf of someone else: the request form offers "For someone
// else" when one of the offered policies enables on-behalf requests
// (enableOnBehalfRequestorsToAddAccess); the services decide whether the
// signed-in user may ask for that person (entitled.CheckOnBehalf), and a
// refusal is said with the person's name, never their id.

// onBehalfOffered names the offered policies that enable on-behalf
// requests.
func onBehalfOffered(pols []entitled.AssignmentPolicy) (names []string) {
	for _, p := range pols {
		if p.RequestorSettings.EnableOnBehalfRequestorsToAddAccess {
			names = append(names, p.DisplayName)
		}
	}
	return names
}

// onBehalfTarget sets the request's target from the form's "for" field (a
// user principal name); empty, or the caller's own, leaves it for the
// caller. problem is a refusal in the reader's words.
func (h *handler) onBehalfTarget(c *call, req *entitled.AssignmentRequest, upn string) (target *entitled.User, problem string) {
	upn = strings.TrimSpace(upn)
	if upn == "" {
		return nil, ""
	}
	u, err := h.svc.Users.User(c.ctx, upn)
	if err != nil {
		return nil, c.T("form.noSuchUser", i18n.V("UPN", upn))
	}
	if u.ID == c.actor.User.ID {
		return nil, ""
	}
	req.TargetID = u.ID
	return u, ""
}

// onBehalfRefusal words a refusal of an on-behalf request with the
// person's name; "" when err is not about the on-behalf rule.
func onBehalfRefusal(c *call, err error, target *entitled.User, policy string) string {
	if target == nil {
		return ""
	}
	who := firstNonEmpty(target.DisplayName, target.UserPrincipalName)
	switch entitled.AsError(err).MessageKey {
	case "error.noOnBehalf":
		return c.T("onbehalf.notEnabled", i18n.V("Policy", policy))
	case "error.notOnBehalfRequestor":
		return c.T("onbehalf.notRequestor", i18n.V("User", who), i18n.V("Policy", policy))
	case "error.targetNotAllowed":
		return c.T("onbehalf.notTarget", i18n.V("User", who), i18n.V("Policy", policy))
	}
	return ""
}
