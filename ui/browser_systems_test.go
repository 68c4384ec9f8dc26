package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserSystemTypedForm: adding a connected system starts with the
// kind, then shows that kind's settings, typed, with help and defaults; a
// webhook system's page offers editing and deleting but no connection test
// or drift, which webhooks do not have. Desktop and phone.
func TestBrowserSystemTypedForm(t *testing.T) {
	for _, width := range []int{desktopWidth, phoneWidth} {
		w := newWorld(t)
		c := newChrome(t, w, width)
		if width == phoneWidth {
			c.suffix = "-phone"
		}
		c.signIn("admin")
		c.open("/admin/systems/new", `#kind-webhook`)
		c.run("pick webhook", chromedp.Click(chromedp.CSS(`#kind-webhook`)), c.shot("system-kind"),
			chromedp.Click(chromedp.CSS(`#choose-kind`)), chromedp.WaitVisible(chromedp.CSS(`#cfg-url`)))
		if got := c.text(`#cfg-timeout-hint`); !strings.Contains(got, "Default: 10s.") {
			t.Errorf("timeout help: %q", got)
		}
		if n := c.number(`document.querySelectorAll('input[name=key], #cfg-bindDN').length`); n != 0 {
			t.Errorf("the webhook form shows %v key/value rows or LDAP fields", n)
		}
		if typ := c.number(`document.querySelector('#cfg-secret').type === 'password' ? 1 : 0`); typ != 1 {
			t.Error("the webhook secret is not a password input")
		}
		if width == phoneWidth {
			c.noSideways("/admin/systems/new?kind=webhook")
		}
		c.run("fill in", chromedp.SendKeys(chromedp.CSS(`#name`), "payroll"),
			chromedp.SendKeys(chromedp.CSS(`#cfg-url`), "https://payroll.example.com/entitled"),
			chromedp.SendKeys(chromedp.CSS(`#cfg-roles`), "Member, Admin"), c.shot("system-form"),
			chromedp.Click(chromedp.CSS(`#save-system`)), chromedp.WaitVisible(chromedp.CSS(`#edit-system`)))
		if got := c.text(`main`); !strings.Contains(got, "The connected system was added") || !strings.Contains(got, `["Member","Admin"]`) {
			t.Errorf("system page: %q", got)
		}
		if n := c.number(`document.querySelectorAll('#check, #drift, #browse').length`); n != 0 {
			t.Errorf("a webhook system's page offers %v actions webhooks do not have", n)
		}
		c.run("system page", c.shot("system-webhook"))
		c.run("edit", chromedp.Click(chromedp.CSS(`#edit-system`)), chromedp.WaitVisible(chromedp.CSS(`#cfg-roles`)))
		if got := c.number(`document.querySelector('#cfg-roles').value === 'Member, Admin' ? 1 : 0`); got != 1 {
			t.Error("the edit form does not show the roles")
		}
		c.run("back", chromedp.Click(chromedp.CSS(`.actions a.secondary`)), chromedp.WaitVisible(chromedp.CSS(`#delete-system`)))
		c.run("delete", chromedp.Click(chromedp.CSS(`#delete-system`)), chromedp.WaitVisible(chromedp.CSS(`#confirm-message`)),
			chromedp.Click(chromedp.CSS(`#confirm`)), chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
		if got := c.text(`.notice.ok`); !strings.Contains(got, "The connected system was deleted.") {
			t.Errorf("after deleting: %q", got)
		}
	}
}
