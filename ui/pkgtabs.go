package ui

// pkgTab is one tab of an access package's pages.
type pkgTab struct {
	// Path is the tab's last path segment under /governance/packages/{id}/.
	Path  string
	Label string
}

// packageTabs are the tabs of an access package, in order.
var packageTabs = []pkgTab{
	{"overview", "Overview"},
	{"roles", "Resource roles"},
	{"policies", "Policies"},
	{"assignments", "Assignments"},
	{"requests", "Requests"},
}
