package ui

import (
	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// pkgPage is what every tab of an access package's pages shows: the
// layout's data (titled with the package and the tab), the package, and
// which tab is open.
type pkgPage struct {
	base
	Package entitled.AccessPackage
	Tab     string
}

// pkgPage is the page of the package's tab whose path is tab
// (packageTabs: "roles" is titled with tab.roles).
func (c *call) pkgPage(p *entitled.AccessPackage, tab string) pkgPage {
	title := c.T("pkg.pageTitle", i18n.V("Package", p.DisplayName), i18n.V("TabKey", "tab."+tab))
	return pkgPage{base: c.base(title, "governance"), Package: *p, Tab: tab}
}
