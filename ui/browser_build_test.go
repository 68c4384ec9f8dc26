package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled"
)

// TestBrowserBuildFlow: an administrator creates a catalog and lands on
// it; the catalog page offers New access package and lists the package
// made; adding a resource by its id picks the system from a list.
func TestBrowserBuildFlow(t *testing.T) {
	w := newWorld(t)
	c := signedIn(t, w, "admin")
	c.open("/admin/catalogs/new", `#create-catalog`)
	c.run("create a catalog", chromedp.SendKeys(chromedp.CSS(`#name`), "Finance"),
		chromedp.Click(chromedp.CSS(`#create-catalog`)), chromedp.WaitVisible(chromedp.CSS(`#new-package`)))
	if got := c.text(`h1`); got != "Finance" {
		t.Fatalf("after creating a catalog the page is %q, want the new catalog", got)
	}
	if got := c.text(`#no-packages`); got == "" {
		t.Error("the new catalog does not say it has no package")
	}
	c.run("new package", chromedp.Click(chromedp.CSS(`#new-package`)), chromedp.WaitVisible(chromedp.CSS(`#create-package`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Ledger"), chromedp.Click(chromedp.CSS(`#create-package`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	cats, err := w.services.Catalogs.Catalogs(w.sys(), entitled.ListOptions{Top: 100})
	w.must(err)
	finance := ""
	for _, cat := range cats.Items {
		if cat.DisplayName == "Finance" {
			finance = cat.ID
		}
	}
	c.open("/admin/catalogs/"+finance, `#catalog-packages`)
	c.run("catalog page", c.shot("catalog-packages"))
	if got := c.text(`#catalog-packages`); !strings.Contains(got, "Ledger") {
		t.Errorf("the catalog's packages: %q", got)
	}
	c.run("add a resource", chromedp.Click(chromedp.CSS(`#add-resource`)), chromedp.WaitVisible(chromedp.CSS(`#system-name`)))
	if tag := c.number(`document.querySelector('#system-name').tagName === 'SELECT' ? 1 : 0`); tag != 1 {
		t.Fatal("the system is typed, not picked from a list")
	}
	if got := c.text(`#system-name`); !strings.Contains(got, "directory") || !strings.Contains(got, "crm") {
		t.Errorf("systems offered: %q", got)
	}
	if got := c.text(`#resource-form`); strings.Contains(strings.ToLower(got), "origin id") {
		t.Errorf("the form speaks of origin ids: %q", got)
	}
}
