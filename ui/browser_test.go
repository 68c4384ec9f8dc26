package ui_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/entitled-dev/entitled"
)

// updateScreenshots writes the browser test's screenshots into
// docs/screenshots (go test ./ui/ -run Browser -update-screenshots);
// otherwise they go to a temporary directory.
var updateScreenshots = flag.Bool("update-screenshots", false, "write the browser test's screenshots to docs/screenshots")

// TestBrowserRequestApproveReprocess drives the UI in a real browser: the
// requester requests, the approver approves, delivery fails at the target,
// the manager selects the failed request on the Requests tab and
// reprocesses it, and the request shows Delivered.
func TestBrowserRequestApproveReprocess(t *testing.T) {
	browserFlow(t, browserWords["en"])
}

// TestBrowserRequestApproveReprocessFrench runs the same flow with every
// user's preferredLanguage set to French: the pages, flash messages, states
// and outcomes are French (screenshots with the -fr suffix).
func TestBrowserRequestApproveReprocessFrench(t *testing.T) {
	browserFlow(t, browserWords["fr"])
}

// flowWords are the words the browser flow checks, per language.
type flowWords struct {
	lang, suffix                                             string
	approved, waiting, failed, accepted, delivered, doneWord string
}

var browserWords = map[string]flowWords{
	"en": {lang: "", suffix: "", approved: "You approved the request.", waiting: "Waiting for approval", failed: "Delivery failed",
		accepted: "Accepted", delivered: "Delivered", doneWord: "Done"},
	"fr": {lang: "fr", suffix: "-fr", approved: "Vous avez approuvé la demande.", waiting: "En attente d'approbation", failed: "Échec de la remise",
		accepted: "Acceptée", delivered: "Remise", doneWord: "Terminée"},
}

// browserFlow is the request → approve → fail → reprocess → delivered flow
// in a real browser, in the language of fw.
func browserFlow(t *testing.T, fw flowWords) {
	w := newWorld(t, withEngine)
	b := newBrowserSession(t, w)
	run, text, signIn, signOut := b.run, b.text, b.signIn, b.signOut
	if fw.lang != "" {
		for _, u := range w.users {
			lang := fw.lang
			_, err := w.services.Users.UpdateUser(w.sys(), u.ID, entitled.UserUpdate{PreferredLanguage: &lang})
			w.must(err)
		}
	}
	shots := t.TempDir()
	if *updateScreenshots {
		shots = filepath.Join("..", "docs", "screenshots")
		w.must(os.MkdirAll(shots, 0o755))
	}

	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, name+fw.suffix+".png"), png, 0o644)
		})
	}
	// The requester finds the CRM package and requests it.
	signIn("alice")
	run("my access", chromedp.WaitVisible(chromedp.CSS(`a[href="/packages/`+w.crm+`/request"]`)), shot("my-access"))
	run("request form",
		chromedp.Click(chromedp.CSS(`a[href="/packages/`+w.crm+`/request"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#justification`)),
		chromedp.SendKeys(chromedp.CSS(`#justification`), "I run the quarterly sales review"),
		shot("request-form"),
		chromedp.Click(chromedp.CSS(`#submit-request`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	if got := text("main table tbody"); !strings.Contains(got, "CRM access") || !strings.Contains(got, fw.waiting) {
		t.Fatalf("my requests after submitting: %q", got)
	}
	run("my requests", shot("my-requests"))
	reqs, err := w.services.Requests.Requests(w.as("alice"), entitled.RequestQuery{FilterByCurrentUser: entitled.OnTarget})
	w.must(err)
	if len(reqs.Items) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs.Items))
	}
	id := reqs.Items[0].ID
	signOut()

	// The approver approves with a reason.
	signIn("bob")
	run("approvals",
		chromedp.Click(chromedp.CSS(`a[href="/approvals"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#reason-`+id)),
		chromedp.SendKeys(chromedp.CSS(`#reason-`+id), "Sales lead, approved"),
		shot("approvals"),
		chromedp.Click(chromedp.CSS(`form[action="/approvals/`+id+`"] button[value="Approve"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice.ok`)))
	if got := text(".notice.ok"); got != fw.approved {
		t.Fatalf("after approving: %q", got)
	}
	signOut()

	// The target refuses the grant: the request fails.
	w.waitState(id, entitled.StateDeliveryFailed)

	// The manager selects it on the Requests tab and reprocesses it.
	w.target.fixed.Store(true)
	signIn("mia")
	run("requests tab",
		chromedp.Click(chromedp.CSS(`a[href="/governance/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/governance/packages/`+w.crm+`/requests"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/governance/packages/`+w.crm+`/requests"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#state`)),
		chromedp.SetValue(chromedp.CSS(`#state`), "deliveryFailed"),
		chromedp.Click(chromedp.CSS(`#filter`)),
		// The filtered page (not the one before it) marks its choice.
		chromedp.WaitReady(chromedp.CSS(`#state option[value="deliveryFailed"][selected]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sel-`+id)))
	if got := text(`tr[data-request="` + id + `"]`); !strings.Contains(got, fw.failed) || !strings.Contains(got, "Alice Requester") {
		t.Fatalf("failed request row: %q", got)
	}
	run("failed request detail",
		chromedp.Click(chromedp.CSS(`tr[data-request="`+id+`"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`#request-state`)),
		shot("request-failed"))
	if got := text("main table tbody"); !strings.Contains(got, "app-crm") || !strings.Contains(got, "no such account in the CRM") {
		t.Fatalf("deliveries of the failed request: %q", got)
	}
	run("back to the requests tab",
		chromedp.Navigate(w.srv.URL+"/governance/packages/"+w.crm+"/requests?state=deliveryFailed"),
		chromedp.WaitVisible(chromedp.CSS(`#sel-`+id)))
	run("select and reprocess",
		chromedp.Click(chromedp.CSS(`#sel-`+id)),
		shot("requests-tab"),
		chromedp.Click(chromedp.CSS(`#reprocess`)),
		chromedp.WaitVisible(chromedp.CSS(`.outcomes`)),
		shot("reprocess-outcome"))
	if got := text(`.outcomes li[data-request="` + id + `"]`); !strings.Contains(got, fw.accepted) {
		t.Fatalf("reprocess outcome: %q", got)
	}

	// Delivery is retried and succeeds; the UI shows Delivered.
	w.waitState(id, entitled.StateDelivered)
	run("requests tab, delivered",
		chromedp.Navigate(w.srv.URL+"/governance/packages/"+w.crm+"/requests"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-request="`+id+`"]`)))
	if got := text(`tr[data-request="` + id + `"] .badge`); got != fw.delivered {
		t.Fatalf("state on the Requests tab: %q, want Delivered", got)
	}
	run("request detail",
		chromedp.Click(chromedp.CSS(`tr[data-request="`+id+`"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`#request-state`)),
		shot("request-detail"))
	if got := text("#request-state"); got != fw.delivered {
		t.Fatalf("state on the detail page: %q, want Delivered", got)
	}
	if got := text("main table tbody"); !strings.Contains(got, "app-crm") || !strings.Contains(got, fw.doneWord) {
		t.Fatalf("deliveries: %q", got)
	}
}

// waitState waits (up to 30s) for the delivery engine to move a request to
// the state.
func (w *world) waitState(id string, want entitled.RequestState) {
	w.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := w.state(id)
		if st == want {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("request %s is %s, still not %s", id, st, want)
		}
		time.Sleep(25 * time.Millisecond)
	}
}
