package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled/internal/chrometest"
)

// TestBrowserSignInWithProvider signs in in Chromium through the real
// OpenID provider's login form, then signs out of entitled and of the
// provider, and lands on entitled's sign-in page again.
func TestBrowserSignInWithProvider(t *testing.T) {
	w := newWorld(t, withProvider(false))
	browser := chrometest.Start(t)
	ctx, cancel := context.WithTimeout(browser, 2*time.Minute)
	defer cancel()
	run := func(step string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.Join(strings.Fields(s), " ")
	}

	run("sign-in page",
		chromedp.Navigate(w.srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#signin-provider`)))
	if got := text("#signin-provider"); got != "Sign in with Test IdP" {
		t.Fatalf("button %q", got)
	}
	run("to the provider's login form",
		chromedp.Click(chromedp.CSS(`#signin-provider`)),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), "alice"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "alice-pw"),
		chromedp.Click(chromedp.CSS(`#login`)),
		chromedp.WaitVisible(chromedp.CSS(`.who`)))
	if got := text(".who"); got != "Alice Requester" {
		t.Fatalf("signed in as %q", got)
	}
	run("sign out of entitled",
		chromedp.Click(chromedp.CSS(`form.signout button`)),
		chromedp.WaitVisible(chromedp.CSS(`#end-session`)))
	run("sign out of the provider",
		chromedp.Click(chromedp.CSS(`#end-session`)),
		chromedp.WaitVisible(chromedp.CSS(`#signin-provider`)))
	if n := w.op.EndSessions.Load(); n != 1 {
		t.Fatalf("%d sessions ended at the provider, want 1", n)
	}
}
