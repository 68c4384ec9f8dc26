package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/chromedp/chromedp/kb"

	"github.com/entitled-dev/entitled/internal/browsertest"
)

// assignmentManagerRole is Graph's "access package assignment manager" role.
const assignmentManagerRole = "e2182095-804a-4656-ae11-64734e9b7ae5"

// uiBrowser is a headless chromium driving the web UI of a real
// `entitled serve` of a world.
type uiBrowser struct {
	t   *testing.T
	w   *world
	ctx context.Context
}

// newBrowser starts chromium (browsertest.Start); it stops when the test
// ends.
func newBrowser(t *testing.T, w *world) *uiBrowser {
	t.Helper()
	return &uiBrowser{t: t, w: w, ctx: browsertest.Start(t, 1280, 900)}
}

// run performs the actions of one step (at most 30s) or fails the test.
func (b *uiBrowser) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	browsertest.Step(b.t, b.ctx, step, actions...)
}

// text returns the text of the first element matching sel, spaces collapsed.
func (b *uiBrowser) text(sel string) string {
	b.t.Helper()
	return browsertest.Text(b.t, b.ctx, sel)
}

// eval evaluates a JavaScript expression returning a string.
func (b *uiBrowser) eval(expr string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

// signIn opens a one-time link from `entitled login-link` and presses Continue.
func (b *uiBrowser) signIn(name string) {
	b.t.Helper()
	link := lastLine(cli(b.t, "login-link", "--db", b.w.db, "--upn", name+"@example.com", "--base", b.w.srv.base))
	b.run("sign in as "+name,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#signin`)),
		chromedp.Click(chromedp.CSS(`#signin`)),
		chromedp.WaitVisible(chromedp.CSS(`.who`)))
	if got, want := b.text(".who"), strings.ToUpper(name[:1])+name[1:]; got != want {
		b.t.Fatalf("signed in as %q, want %s", got, want)
	}
}

// signOut presses Sign out.
func (b *uiBrowser) signOut() {
	b.t.Helper()
	b.run("sign out", chromedp.Click(chromedp.CSS(`form.signout button`)), chromedp.WaitVisible(chromedp.CSS(`#signed-out`)))
}

// onlyRequest returns the id of the user's only request in the state.
func (w *world) onlyRequest(user, state string) string {
	c := w.clients[user]
	c.t.Helper()
	var ids []string
	for _, r := range c.must(200, "GET", em+"/assignmentRequests/filterByCurrentUser(on='target')", nil).Values() {
		if r["state"] == state {
			id, _ := r["id"].(string)
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		c.t.Fatalf("%s has %d requests in state %s, want 1", user, len(ids), state)
	}
	return ids[0]
}

// TestBrowserReprocessAgainstServe drives the web UI of a real `entitled
// serve` in chromium: the requester requests in My Access, the approver
// approves, one of two resources fails at the webhook target (503) so the
// request ends partially delivered, the target recovers, and the assignment
// manager selects the request on the package's Requests tab and reprocesses
// it until it shows Delivered. Then a requester cancels a failed request in
// My requests and requests the package again.
func TestBrowserReprocessAgainstServe(t *testing.T) {
	browsertest.Chromium(t)
	w := newWorld(t, nil, []string{"alice", "bob", "carol", "dave"}, "bob")
	w.grantCatalogRole("carol", assignmentManagerRole)
	b := newBrowser(t, w)
	carol := w.clients["carol"]

	w.target.fail("app-b", 503)

	// The requester requests the package in My Access.
	b.signIn("alice")
	requestPackage(b, w, "I run the quarterly sales review")
	if got := b.text("main table tbody"); !strings.Contains(got, "CRM access") || !strings.Contains(got, "Waiting for approval") {
		t.Fatalf("my requests after submitting: %q", got)
	}
	b.signOut()
	id := w.onlyRequest("alice", "pendingApproval")

	// The approver approves in Approvals.
	b.signIn("bob")
	b.run("approve",
		chromedp.Click(chromedp.CSS(`a[href="/approvals"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#reason-`+id)),
		chromedp.SendKeys(chromedp.CSS(`#reason-`+id), "Sales lead, approved"),
		chromedp.Click(chromedp.CSS(`form[action="/approvals/`+id+`"] button[value="Approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	if got := b.text(".notice.ok"); got != "You approved Alice's request for CRM access." {
		t.Fatalf("after approving: %q", got)
	}
	b.signOut()

	// app-b answers 503 until retries are exhausted: partially delivered.
	w.wantPartiallyDelivered(t, carol, id)

	// The manager opens the Requests tab, selects the request, reprocesses.
	b.signIn("carol")
	b.run("requests tab",
		chromedp.Click(chromedp.CSS(`a[href="/governance/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/governance/packages/`+w.pkg+`/requests"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/governance/packages/`+w.pkg+`/requests"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sel-`+id)))
	if got := b.text(`tr[data-request="` + id + `"]`); !strings.Contains(got, "Partially delivered") || !strings.Contains(got, "Alice") {
		t.Fatalf("failed request row: %q", got)
	}
	b.run("select and reprocess",
		chromedp.Click(chromedp.CSS(`#sel-`+id)),
		chromedp.Click(chromedp.CSS(`#reprocess`)),
		chromedp.WaitVisible(chromedp.CSS(`.outcomes`)))
	if got := b.text(`.outcomes li[data-request="` + id + `"]`); !strings.Contains(got, "Accepted") {
		t.Fatalf("reprocess outcome: %q", got)
	}
	carol.waitState(id, 30*time.Second, "delivered")
	b.run("requests tab, delivered",
		chromedp.Navigate(w.srv.base+"/governance/packages/"+w.pkg+"/requests"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-request="`+id+`"]`)))
	if got := b.text(`tr[data-request="` + id + `"] .badge`); got != "Delivered" {
		t.Fatalf("state on the Requests tab: %q, want Delivered", got)
	}
	if n := w.target.count("grant", "app-b", w.users["alice"]); n != 1 {
		t.Errorf("app-b received %d grants for alice, want 1", n)
	}
	b.signOut()

	// Another request fails; its requester cancels it and requests again.
	w.target.fail("app-b", 503)
	b.signIn("dave")
	requestPackage(b, w, "I need the CRM for my work")
	failed := w.onlyRequest("dave", "pendingApproval")
	w.approve("bob", failed)
	carol.waitState(failed, 30*time.Second, "partiallyDelivered")
	w.target.fail("app-b", 0)
	b.run("cancel in my requests",
		chromedp.Navigate(w.srv.base+"/requests"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/requests/`+failed+`/cancel"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/requests/`+failed+`/cancel"] button`)),
		// Part of its access was delivered: canceling takes it away, so the UI asks first.
		chromedp.WaitVisible(chromedp.CSS(`#confirm`)),
		chromedp.Click(chromedp.CSS(`#confirm`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	carol.waitState(failed, 30*time.Second, "canceled")
	waitFor(t, 30*time.Second, "app-a revoke for dave", func() bool {
		return w.target.count("revoke", "app-a", w.users["dave"]) == 1
	})
	// Until the revoke of the canceled request finishes, a new request is
	// refused with a message; then it is accepted.
	waitFor(t, 30*time.Second, "a new request to be accepted in My Access", func() bool {
		return tryRequestPackage(b, w, "Requesting again after the failure")
	})
	again := w.onlyRequest("dave", "pendingApproval")
	if again == failed {
		t.Fatalf("the new request has the id of the canceled one")
	}
	w.approve("bob", again)
	if r := carol.waitState(again, 30*time.Second, "delivered", "partiallyDelivered", "deliveryFailed"); r.Str("state") != "delivered" {
		t.Fatalf("dave's new request: %s", r.Raw)
	}
}

// requestPackage requests the world's package from My Access with a
// justification and waits for the confirmation on My requests.
func requestPackage(b *uiBrowser, w *world, why string) {
	b.t.Helper()
	if !tryRequestPackage(b, w, why) {
		b.t.Fatalf("requesting %s: %q", w.pkg, b.text(".notice"))
	}
}

// tryRequestPackage requests the world's package from My Access and reports
// whether the UI confirmed it.
func tryRequestPackage(b *uiBrowser, w *world, why string) bool {
	b.t.Helper()
	link := `a[href="/packages/` + w.pkg + `/request"]`
	b.run("request in my access",
		chromedp.Navigate(w.srv.base+"/"),
		chromedp.WaitVisible(chromedp.CSS(link)),
		chromedp.Click(chromedp.CSS(link)),
		chromedp.WaitVisible(chromedp.CSS(`#justification`)),
		chromedp.SendKeys(chromedp.CSS(`#justification`), why),
		chromedp.Click(chromedp.CSS(`#submit-request`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	return strings.Contains(b.eval(`document.querySelector(".notice").className`), "ok")
}

// tabTo presses Tab (or Shift+Tab when back) until the focused element
// matches sel, at most 80 times, then checks that the focus is visible: the
// element matches :focus-visible and has an outline. It fails the test with
// the path the focus took when sel is not reached.
func (b *uiBrowser) tabTo(sel string, back bool) {
	b.t.Helper()
	var opts []chromedp.KeyOption
	if back {
		opts = append(opts, chromedp.KeyModifiers(chromedp.ModifierShift))
	}
	var path []string
	for range 80 {
		b.run("press Tab", chromedp.KeyEvent(kb.Tab, opts...))
		at := b.eval(`(function(){var e=document.activeElement; if(!e) return ""; ` +
			`return e.tagName.toLowerCase()+(e.id?"#"+e.id:"")+(e.getAttribute("href")?"[href="+e.getAttribute("href")+"]":"")+` +
			`(e.getAttribute("value")&&e.tagName==="BUTTON"?"[value="+e.getAttribute("value")+"]":"")})()`)
		path = append(path, at)
		if b.eval(`String(document.activeElement && document.activeElement.matches(`+jsString(sel)+`))`) == "true" {
			style := b.eval(`(function(){var e=document.activeElement, s=getComputedStyle(e); ` +
				`return String(e.matches(":focus-visible"))+" "+s.outlineStyle+" "+s.outlineWidth})()`)
			if f := strings.Fields(style); len(f) != 3 || f[0] != "true" || f[1] == "none" || f[2] == "0px" {
				b.t.Fatalf("focus on %s is not visible: :focus-visible, outline style and width are %q", sel, style)
			}
			return
		}
	}
	b.t.Fatalf("%s is not reachable with the keyboard; the focus went through %s", sel, strings.Join(path, " → "))
}

// press presses keys on the focused element (Enter, Space, text) and waits
// for sel to be visible.
func (b *uiBrowser) press(step, keys, waitFor string) {
	b.t.Helper()
	actions := []chromedp.Action[chromedp.Void]{chromedp.KeyEvent(keys)}
	if waitFor != "" {
		actions = append(actions, chromedp.WaitVisible(chromedp.CSS(waitFor)))
	}
	b.run(step, actions...)
}

// checkLabels fails the test when a form control of the page has no
// accessible name (no label, aria-label or aria-labelledby) or when a link
// or button has no text.
func (b *uiBrowser) checkLabels(page string) {
	b.t.Helper()
	bad := b.eval(`(function(){var out=[];
document.querySelectorAll("input:not([type=hidden]),select,textarea").forEach(function(e){
  if(e.hidden) return;
  if((e.labels&&e.labels.length)||e.getAttribute("aria-label")||e.getAttribute("aria-labelledby")) return;
  out.push(e.outerHTML.slice(0,120));});
document.querySelectorAll("a[href],button").forEach(function(e){
  if(e.hidden) return;
  if(e.textContent.trim()||e.getAttribute("aria-label")) return;
  out.push(e.outerHTML.slice(0,120));});
return out.join("\n");})()`)
	if bad != "" {
		b.t.Errorf("%s: controls without an accessible name:\n%s", page, bad)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// keyboardSignIn signs in with only the keyboard.
func (b *uiBrowser) keyboardSignIn(name string) {
	b.t.Helper()
	link := lastLine(cli(b.t, "login-link", "--db", b.w.db, "--upn", name+"@example.com", "--base", b.w.srv.base))
	b.run("open the sign-in link", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`#signin`)))
	b.tabTo(`#signin`, false)
	b.press("continue", kb.Enter, `.who`)
}

// keyboardSignOut signs out with only the keyboard, reaching Sign out
// backwards from the end of the page.
func (b *uiBrowser) keyboardSignOut() {
	b.t.Helper()
	b.tabTo(`form.signout button`, true)
	b.press("sign out", kb.Enter, `#signed-out`)
}

// TestBrowserKeyboardOnly is the request → approve → reprocess flow of a
// real `entitled serve` with only the keyboard: Tab and Shift+Tab to move,
// typing into fields, Enter to follow links and press buttons, Space to
// check a checkbox. Every control used must show a visible focus outline.
func TestBrowserKeyboardOnly(t *testing.T) {
	browsertest.Chromium(t)
	w := newWorld(t, nil, []string{"alice", "bob", "carol"}, "bob")
	w.grantCatalogRole("carol", assignmentManagerRole)
	b := newBrowser(t, w)
	carol := w.clients["carol"]
	w.target.fail("app-b", 503)

	// The requester: My Access → Request → justification → Submit.
	b.keyboardSignIn("alice")
	b.tabTo(`a[href="/packages/`+w.pkg+`/request"]`, false)
	b.checkLabels("My Access")
	b.press("open the request form", kb.Enter, `#justification`)
	b.checkLabels("request form")
	b.tabTo(`#justification`, false)
	b.press("type the justification", "I run the quarterly sales review", "")
	b.tabTo(`#submit-request`, false)
	b.press("submit", kb.Enter, `.notice.ok`)
	if got := b.text("main table tbody"); !strings.Contains(got, "Waiting for approval") {
		t.Fatalf("my requests after submitting: %q", got)
	}
	id := w.onlyRequest("alice", "pendingApproval")
	b.keyboardSignOut()

	// The approver: Approvals → reason → Approve.
	b.keyboardSignIn("bob")
	b.tabTo(`a[href="/approvals"]`, false)
	b.press("open approvals", kb.Enter, `#reason-`+id)
	b.checkLabels("Approvals")
	b.tabTo(`#reason-`+id, false)
	b.press("type the reason", "Sales lead, approved", "")
	b.tabTo(`form[action="/approvals/`+id+`"] button[value="Approve"]`, false)
	b.press("approve", kb.Enter, `.notice.ok`)
	if got := b.text(".notice.ok"); got != "You approved Alice's request for CRM access." {
		t.Fatalf("after approving: %q", got)
	}
	b.keyboardSignOut()

	w.wantPartiallyDelivered(t, carol, id)

	// The manager: Identity Governance → Requests of the package → check the
	// request with Space → back (Shift+Tab) to Reprocess selected → Enter.
	b.keyboardSignIn("carol")
	b.tabTo(`a[href="/governance/"]`, false)
	b.press("open identity governance", kb.Enter, `a[href="/governance/packages/`+w.pkg+`/requests"]`)
	b.tabTo(`a[href="/governance/packages/`+w.pkg+`/requests"]`, false)
	b.press("open the requests tab", kb.Enter, `#sel-`+id)
	b.checkLabels("Requests tab")
	b.tabTo(`#sel-`+id, false)
	b.press("check the request", " ", "")
	if b.eval(`String(document.getElementById(`+jsString("sel-"+id)+`).checked)`) != "true" {
		t.Fatal("Space did not check the request's checkbox")
	}
	b.tabTo(`#reprocess`, true)
	b.press("reprocess", kb.Enter, `.outcomes`)
	b.checkLabels("Requests tab after reprocess")
	if got := b.text(`.outcomes li[data-request="` + id + `"]`); !strings.Contains(got, "Accepted") {
		t.Fatalf("reprocess outcome: %q", got)
	}
	carol.waitState(id, 30*time.Second, "delivered")
	// The outcome links to the request; Enter opens it and it says Delivered.
	b.tabTo(`.outcomes li[data-request="`+id+`"] a`, false)
	b.press("open the request", kb.Enter, `#request-state`)
	b.checkLabels("request detail")
	if got := b.text("#request-state"); got != "Delivered" {
		t.Fatalf("state on the detail page: %q, want Delivered", got)
	}
}

// wantPartiallyDelivered waits, as the client who watches, until the
// request's deliveries end while app-b answers 503, fails unless the
// request is then partiallyDelivered, and lets app-b answer again.
func (w *world) wantPartiallyDelivered(t *testing.T, watcher *client, id string) {
	t.Helper()
	watcher.waitState(id, 30*time.Second, "partiallyDelivered", "delivered", "deliveryFailed")
	if s := watcher.must(200, "GET", em+"/assignmentRequests/"+id, nil).Str("state"); s != "partiallyDelivered" {
		t.Fatalf("request after delivery: %s, want partiallyDelivered", s)
	}
	w.target.fail("app-b", 0)
}
