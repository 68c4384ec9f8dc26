package ui_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRequestsTriage: the Requests tab in a real browser at desktop
// width opens on Needs attention; the table fits its box at 1280 px with
// compact rows, each naming the failed resource and its error; the
// select-all checkbox takes only rows that can be reprocessed; after
// Reprocess selected the table is still on screen.
func TestBrowserRequestsTriage(t *testing.T) {
	w := triageWorld(t)
	c := signedIn(t, w, "mia")
	c.open("/governance/", `tr[data-package="`+w.wiki+`"] .attention a`)
	if got := c.text(`tr[data-package="` + w.wiki + `"] .attention`); got != "3 requests" {
		t.Fatalf("attention on Identity Governance: %q", got)
	}
	c.run("governance", c.shot("governance"))
	c.open("/governance/packages/"+w.wiki+"/requests", `#select-all`)
	if got := c.text("#count"); got != "3 requests" {
		t.Fatalf("count: %q", got)
	}
	if over := c.number(`(() => { const b = document.querySelector('.table-wrap'); return b.scrollWidth - b.clientWidth })()`); over > 0 {
		t.Errorf("the table overflows its box by %v px at %d px", over, desktopWidth)
	}
	if h := c.number(`Math.max(...[...document.querySelectorAll('table.requests tbody tr')].map(r => r.getBoundingClientRect().height))`); h > 90 {
		t.Errorf("rows are up to %v px tall, want at most 90", h)
	}
	if got := c.text(`table.requests tbody`); !strings.Contains(got, "app-wiki (Member): HTTP 503") || !strings.Contains(got, "in 14 days") {
		t.Errorf("rows lack the failed resource, its error or the deadline: %q", got)
	}
	c.run("show all states", chromedp.SetValue(chromedp.CSS(`#state`), "all"), chromedp.Click(chromedp.CSS(`#filter`)),
		chromedp.WaitReady(chromedp.CSS(`#state option[value="all"][selected]`)), chromedp.WaitVisible(chromedp.CSS(`#select-all`)))
	c.run("select all", chromedp.Click(chromedp.CSS(`#select-all`)))
	checked := c.number(`document.querySelectorAll('input.row-check:checked').length`)
	disabledChecked := c.number(`document.querySelectorAll('input[type=checkbox]:disabled:checked').length`)
	if checked != 3 || disabledChecked != 0 {
		t.Fatalf("select all checked %v rows (%v disabled), want the 3 that can be reprocessed", checked, disabledChecked)
	}
	c.run("requests tab", c.shot("requests-tab-triage"))
	c.run("reprocess", chromedp.Click(chromedp.CSS(`#reprocess`)), chromedp.WaitVisible(chromedp.CSS(`.outcomes`)), c.shot("requests-tab-outcome"))
	if top := c.number(`document.querySelector('table.requests').getBoundingClientRect().top`); top > 700 {
		t.Errorf("after reprocess the table starts at %v px, off the first screen", top)
	}
}

// TestBrowserRequestsTriagePhone: at phone width the Requests tab and the
// Identity Governance list are stacked cards that do not scroll sideways.
func TestBrowserRequestsTriagePhone(t *testing.T) {
	w := triageWorld(t)
	c := newChrome(t, w, phoneWidth)
	c.suffix = "-phone"
	c.signIn("mia")
	for _, page := range []struct{ path, wait, shot string }{
		{"/governance/", `table.stack`, "governance"},
		{"/governance/packages/" + w.wiki + "/requests", `table.requests`, "requests-tab-triage"},
	} {
		c.open(page.path, page.wait)
		c.noSideways(page.path)
		if d := c.text(`table.stack tbody td:first-child`); d == "" {
			t.Errorf("%s: empty first cell", page.path)
		}
		if disp := c.number(`getComputedStyle(document.querySelector('table.stack tbody td')).display === 'block' ? 1 : 0`); disp != 1 {
			t.Errorf("%s: table cells are not stacked at %d px", page.path, phoneWidth)
		}
		c.run(page.shot, c.shot(page.shot))
	}
	// The requester's own list too.
	c.signOut()
	c.signIn("alice")
	c.open("/requests", `table.stack`)
	c.noSideways("/requests")
	if disp := c.number(`getComputedStyle(document.querySelector('table.stack tbody td')).display === 'block' ? 1 : 0`); disp != 1 {
		t.Errorf("/requests: table cells are not stacked at %d px", phoneWidth)
	}
	c.run("my requests", c.shot("my-requests"))
}

// triageWorld has a package with three failed requests within the window
// (one with a long error), one past the window and one delivered.
func triageWorld(t *testing.T) *world {
	w := newWorld(t, func(o *options) { o.pageSize = 10 })
	old := w.request("admin", w.wiki, w.wikiPolicy)
	w.failDeliveries(old)
	w.clock.Add(15 * 24 * time.Hour)
	w.wikiDelivered("mia")
	for _, u := range []string{"alice", "bob"} {
		w.failDeliveries(w.request(u, w.wiki, w.wikiPolicy))
	}
	w.failWith(w.request("rea", w.wiki, w.wikiPolicy), "HTTP 503: the CRM is down for maintenance until the nightly batch completes; "+
		"retry later or contact crm-admins@example.com with the correlation id 8c1f0d2e-5a77-4c0b-9d7e-2f1b6f0a9c41")
	return w
}

// noSideways fails the test when an element of the page reaches past the
// phone's width (the page would scroll sideways).
func (c *chrome) noSideways(page string) {
	c.t.Helper()
	right := c.number(`Math.max(...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right))`)
	if right > phoneWidth {
		wide, _ := chromedp.Run(c.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > `+strconv.Itoa(phoneWidth)+`).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')`))
		c.t.Logf("too wide: %s", wide)
		c.t.Errorf("%s reaches %v px, past the phone's %d px", page, right, phoneWidth)
	}
}
