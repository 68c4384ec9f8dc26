package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepTimeout bounds one step of a browser test.
const stepTimeout = 30 * time.Second

// Step performs the actions of one step of a test in the tab of ctx (at
// most 30 s) or fails the test, naming the step.
func Step(tb testing.TB, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.Fatalf("%s: %v", step, err)
	}
}

// Text returns the text of the first element matching sel in the tab of
// ctx, spaces collapsed; it fails the test when none shows within 30 s.
func Text(tb testing.TB, ctx context.Context, sel string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.Fatalf("read %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}
