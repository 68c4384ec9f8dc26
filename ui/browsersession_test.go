package ui_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled/internal/chrometest"
)

// browserSession is a headless chromium driving a world's UI, for the
// browser tests.
type browserSession struct {
	t   *testing.T
	w   *world
	ctx context.Context
}

// newBrowserSession starts chromium (chrometest.Start: the test fails
// without it under CI=true) for the world; it stops when the test ends.
func newBrowserSession(t *testing.T, w *world) *browserSession {
	t.Helper()
	browser := chrometest.Start(t)
	ctx, cancelTime := context.WithTimeout(browser, 2*time.Minute)
	t.Cleanup(cancelTime)
	return &browserSession{t: t, w: w, ctx: ctx}
}

// run does one step of actions within 30 seconds.
func (b *browserSession) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// text is the text of the element sel, its spaces collapsed.
func (b *browserSession) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// signIn signs in as one of the world's users through a sign-in link.
func (b *browserSession) signIn(name string) {
	b.t.Helper()
	w := b.w
	b.run("sign in as "+name,
		chromedp.Navigate(w.srv.URL+"/login?token="+url.QueryEscape(w.link(name, 15*time.Minute))),
		chromedp.WaitVisible(chromedp.CSS(`#signin`)),
		chromedp.Click(chromedp.CSS(`#signin`)),
		chromedp.WaitVisible(chromedp.CSS(`.who`)))
	if got := b.text(".who"); got != w.users[name].DisplayName {
		b.t.Fatalf("signed in as %q, want %s", got, w.users[name].DisplayName)
	}
}

// signOut signs out.
func (b *browserSession) signOut() {
	b.t.Helper()
	b.run("sign out", chromedp.Click(chromedp.CSS(`form.signout button`)), chromedp.WaitVisible(chromedp.CSS(`#signed-out`)))
}
