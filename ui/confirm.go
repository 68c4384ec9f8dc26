package ui

import (
	"net/http"
	"sort"
)

// Destructive actions are confirmed: a post that takes access away (or
// removes what grants it) without confirmed=yes shows a page that states
// the count and the consequence, with a button that posts the same form
// again, confirmed, and a way back. Without JavaScript, nothing is lost.

// confirmField is the form field a confirmed post carries.
const confirmField = "confirmed"

// hiddenField is a form field the confirmation page posts again.
type hiddenField struct{ Name, Value string }

// confirmData is the confirmation page.
type confirmData struct {
	base
	Message string
	Button  string
	Action  string
	Back    string
	Fields  []hiddenField
}

// confirmed reports whether the post was confirmed; when it was not, it
// shows the confirmation page (message: what happens, with the count;
// button: the action's words; back: where Cancel leads) and the caller
// stops.
func (h *handler) confirmed(c *call, message, button, back string) bool {
	f := c.r.PostForm
	if f.Get(confirmField) == "yes" {
		return true
	}
	d := confirmData{base: c.base(c.T("confirm.title"), ""), Message: message, Button: button, Action: c.r.URL.Path, Back: localPath(back, "/")}
	names := make([]string, 0, len(f))
	for k := range f {
		if k != "csrf" && k != confirmField {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range f[k] {
			d.Fields = append(d.Fields, hiddenField{Name: k, Value: v})
		}
	}
	h.render(c.w, c.r, http.StatusOK, "confirm", &d)
	return false
}
