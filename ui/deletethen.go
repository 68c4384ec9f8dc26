package ui

import (
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// deleteThen runs del and, when it succeeds, sends the browser to done. An
// error the person should read (userError) goes to refuse with the
// "nothing was deleted" message; refuse reports whether it showed it, and
// any other error is the failure page.
func (h *handler) deleteThen(c *call, del func() error, done string, refuse func(e *entitled.Error, msg string) bool) {
	if err := del(); err != nil {
		if e, show := userError(err); show && refuse(e, c.T("form.nothingDeleted", i18n.V("Reason", errorText(c.loc, e)))) {
			return
		}
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, done, http.StatusSeeOther)
}
