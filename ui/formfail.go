package ui

import "github.com/entitled-dev/entitled"

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
