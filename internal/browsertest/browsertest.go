// Package browsertest starts headless Chromium the same way for every
// browser test (ui, e2e): where the browser is, and its flags. Outside CI a
// missing browser skips the test with a message saying what to install;
// with CI=true it fails it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chromium returns the path of Debian's chromium (or another Chrome found on
// PATH), skipping or failing the test when there is none.
func Chromium(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatal("chromium is not installed: .ci/run must `apt-get install -y chromium`")
	}
	tb.Skip("chromium is not installed (apt-get install -y chromium); the browser tests need it and run in CI")
	return ""
}

// Options are the allocator options of a headless chromium at exe with its
// profile in dataDir and a window of width × height (none when 0), then
// extra.
func Options(exe, dataDir string, width, height int, extra ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(dataDir),
	}
	if width > 0 {
		opts = append(opts, chromedp.WindowSize(width, height))
	}
	return append(opts, extra...)
}

// Start starts a headless Chromium in a width × height window (none when
// 0) with a profile of its own, and returns the context of its first tab.
// The browser stops when the test ends. The returned context has no timeout
// (it lives as long as the browser): give each step its own.
func Start(tb testing.TB, width, height int, extra ...chromedp.ExecAllocatorOption) context.Context {
	tb.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		Options(Chromium(tb), tb.TempDir(), width, height, extra...)...)
	tb.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(tb.Logf))
	tb.Cleanup(cancelBrowser)
	// The first run starts the browser and lives as long as its context.
	if err := chromedp.Do(browser); err != nil {
		tb.Fatalf("start chromium: %v", err)
	}
	return browser
}
