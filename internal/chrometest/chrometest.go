// Package chrometest finds and starts the headless chromium the browser
// tests drive (ui and e2e), with one set of flags.
package chrometest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Find finds Debian's chromium. Outside CI a missing browser skips the
// test with a message; with CI=true it fails it.
func Find(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: .ci/run must `apt-get install -y chromium`")
	}
	t.Skip("chromium is not installed (apt-get install -y chromium); the browser tests need it and run in CI")
	return ""
}

// Start starts chromium (Find) headless in a 1280×900 window and returns a
// context driving it; it stops when the test ends. The context has no
// timeout: the first run starts the browser, which lives as long as it.
func Start(t testing.TB) context.Context {
	t.Helper()
	exe := Find(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}
