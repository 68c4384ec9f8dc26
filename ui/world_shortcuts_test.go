package ui_test

// systemPath is the path of a connected system's page, found by its name.
func (w *world) systemPath(name string) string {
	w.t.Helper()
	sys, err := w.services.Systems.System(w.sys(), name)
	w.must(err)
	return "/admin/systems/" + sys.ID
}

// wikiDelivered submits the user's request for the wiki package under its
// policy and delivers it; it returns the request's id.
func (w *world) wikiDelivered(user string) string {
	w.t.Helper()
	id := w.request(user, w.wiki, w.wikiPolicy)
	w.succeed(id)
	return id
}
