// Package browsertest starts headless Chromium the same way for every
// browser test (ui, e2e): where the browser is, and its flags.
package browsertest

import (
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
