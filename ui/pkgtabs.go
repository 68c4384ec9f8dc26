package ui

// pkgTab is one tab of an access package's pages.
type pkgTab struct {
	// Path is the tab's last path segment under /governance/packages/{id}/.
	Path string
	// Label is the catalogue key of the tab's name.
	Label string
}

// packageTabs are the tabs of an access package, in order.
var packageTabs = []pkgTab{
	{"overview", "tab.overview"},
	{"roles", "tab.roles"},
	{"policies", "tab.policies"},
	{"assignments", "tab.assignments"},
	{"requests", "tab.requests"},
}
