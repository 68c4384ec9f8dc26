package ui_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled/internal/browsertest"
)

// chrome is a headless chromium driving a world's UI, for the browser
// tests: steps with a timeout, texts, JavaScript, screenshots.
type chrome struct {
	t   *testing.T
	w   *world
	ctx context.Context
	// shots is where screenshots go: docs/screenshots with
	// -update-screenshots, a temporary directory otherwise.
	shots string
	// suffix ends every screenshot's name ("-fr", "-phone").
	suffix string
}

// Widths of the browser tests.
const (
	desktopWidth = 1280
	phoneWidth   = 390
)

// newChrome starts chromium (it stops when the test ends) with a window of
// the width.
func newChrome(t *testing.T, w *world, width int, opts ...chromedp.ExecAllocatorOption) *chrome {
	t.Helper()
	c := &chrome{t: t, w: w, shots: t.TempDir()}
	if *updateScreenshots {
		c.shots = filepath.Join("..", "docs", "screenshots")
		w.must(os.MkdirAll(c.shots, 0o755))
	}
	browser := browsertest.Start(t, width, 900, opts...)
	ctx, cancelTime := context.WithTimeout(browser, 3*time.Minute)
	t.Cleanup(cancelTime)
	c.ctx = ctx
	if width < desktopWidth {
		c.run("phone viewport", chromedp.EmulateViewport(int64(width), 844, chromedp.EmulateMobile))
	}
	return c
}

// run performs the actions of one step (at most 30s) or fails the test.
func (c *chrome) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	c.t.Helper()
	browsertest.Step(c.t, c.ctx, step, actions...)
}

// shot writes a full-page screenshot named name+suffix.png.
func (c *chrome) shot(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(c.shots, name+c.suffix+".png"), png, 0o644)
	})
}

// text returns the text of the first element matching sel, spaces
// collapsed (waiting at most 30 s for it).
func (c *chrome) text(sel string) string {
	c.t.Helper()
	return browsertest.Text(c.t, c.ctx, sel)
}

// number evaluates a JavaScript expression returning a number.
func (c *chrome) number(expr string) float64 {
	c.t.Helper()
	n, err := chromedp.Run(c.ctx, chromedp.Evaluate[float64](expr))
	if err != nil {
		c.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return n
}

// signIn signs in as a user of the world with a one-time link.
func (c *chrome) signIn(name string) {
	c.t.Helper()
	c.run("sign in as "+name,
		chromedp.Navigate(c.w.srv.URL+"/login?token="+url.QueryEscape(c.w.link(name, 15*time.Minute))),
		chromedp.WaitVisible(chromedp.CSS(`#signin`)),
		chromedp.Click(chromedp.CSS(`#signin`)),
		chromedp.WaitVisible(chromedp.CSS(`.who`)))
	if got := c.text(".who"); got != c.w.users[name].DisplayName {
		c.t.Fatalf("signed in as %q, want %s", got, c.w.users[name].DisplayName)
	}
}

// signOut presses Sign out.
func (c *chrome) signOut() {
	c.t.Helper()
	c.run("sign out", chromedp.Click(chromedp.CSS(`form.signout button`)), chromedp.WaitVisible(chromedp.CSS(`#signed-out`)))
}

// open navigates to a path of the UI and waits for a selector.
func (c *chrome) open(path, waitFor string) {
	c.t.Helper()
	c.run("open "+path, chromedp.Navigate(c.w.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(waitFor)))
}
