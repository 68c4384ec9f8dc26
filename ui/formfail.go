package ui

import (
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// failForm answers a form whose change the store refused: an error the
// reader can correct (anything but internal or forbidden) shows the form
// again through again, with the error's text and status; any other is the
// error page.
func (h *handler) failForm(c *call, err error, again func(status int, msg string)) {
	if e := entitled.AsError(err); e.Kind != entitled.KindInternal && e.Kind != entitled.KindForbidden {
		again(e.Kind.HTTPStatus(), errorText(c.loc, e))
		return
	}
	h.fail(c.w, c.r, c, err)
}

// formUser finds the user a form names by userPrincipalName (or id). An
// unknown user shows the form again through again (400, "no such user");
// any other failure is the error page. ok is false when the answer is
// written.
func (h *handler) formUser(c *call, upn string, again func(status int, msg string)) (u *entitled.User, ok bool) {
	u, err := h.svc.Users.User(c.ctx, upn)
	switch {
	case err == nil:
		return u, true
	case entitled.ErrorKind(err) == entitled.KindNotFound:
		again(http.StatusBadRequest, c.T("form.noSuchUser", i18n.V("UPN", upn)))
	default:
		h.fail(c.w, c.r, c, err)
	}
	return nil, false
}
