package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	ehttp "github.com/entitled-dev/entitled/http"
)

// hookTarget is a webhook target on loopback that refuses (403, a
// permanent failure) while down is set and counts the calls it accepts.
type hookTarget struct {
	srv      *httptest.Server
	down     atomic.Bool
	accepted atomic.Int64
}

func newHookTarget(tb testing.TB) *hookTarget {
	h := &hookTarget{}
	h.down.Store(true)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if h.down.Load() {
			http.Error(w, "not now", http.StatusForbidden)
			return
		}
		h.accepted.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	tb.Cleanup(h.srv.Close)
	return h
}

// failedWebhookRequests opens entitled with its engine running, a webhook
// system "hook" at a target that refuses, and n requests whose delivery to
// it failed; the engine keeps running until the test ends.
func failedWebhookRequests(tb testing.TB, n int) (*app, *hookTarget) {
	tb.Helper()
	ctx := systemContext(context.Background())
	a, err := openApp(context.Background(), "sqlite:"+filepath.Join(tb.TempDir(), "e.db"), appOptions{workers: envN("REPROCESS_WORKERS", 50),
		rescueAfter: time.Minute, jobTimeout: 30 * time.Second, pollInterval: 20 * time.Millisecond,
		logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.db.Close() })
	hook := newHookTarget(tb)
	if err := a.services.Systems.CreateSystem(ctx, &entitled.ConnectedSystem{Name: "hook", Kind: "webhook",
		Retry: entitled.DefaultRetryPolicy, Config: map[string]any{"url": hook.srv.URL}}); err != nil {
		tb.Fatal(err)
	}
	pkg, policy := mustBenchPackage(tb, ctx, a, "hook", "crm")
	users := exampleUsers(tb, ctx, a, numbered("user%06d", n))
	startEngine(tb, a)
	for _, u := range users {
		r := &entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, AccessPackageID: pkg,
			AssignmentPolicyID: policy, TargetID: u}
		if err := a.services.Requests.SubmitRequest(ctx, r); err != nil {
			tb.Fatal(err)
		}
	}
	waitForState(tb, a, entitled.StateDeliveryFailed, n)
	return a, hook
}

// startEngine starts the app's engine, stopped when the test ends.
func startEngine(tb testing.TB, a *app) {
	tb.Helper()
	if err := a.engine.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = a.engine.Stop(stop)
	})
}

// waitForState waits until n requests are in the state.
func waitForState(tb testing.TB, a *app, st entitled.RequestState, n int) {
	tb.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		counts, err := a.services.Requests.RequestStateCounts(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if counts[st] >= n {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("waiting for %d requests %s: %v", n, st, counts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// serveAPI serves the app's API on loopback and returns its URL and an
// administrator's token.
func serveAPI(tb testing.TB, a *app) (string, string) {
	tb.Helper()
	ctx := context.Background()
	admin, err := a.services.Admin.EnsureAdmin(ctx, "ada@example.com", "Ada")
	if err != nil {
		tb.Fatal(err)
	}
	secret, _, err := a.services.Tokens.IssueToken(systemContext(ctx), admin.ID, 0)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(ehttp.NewServer(ehttp.Config{Services: a.services.Domain(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	tb.Cleanup(srv.Close)
	return srv.URL, secret
}

// `entitled reprocess` against a served instance: the requests that failed
// to the webhook are reprocessed and delivered; the command prints the
// summary line; bad input is the API's error.
func TestReprocessCommand(t *testing.T) {
	a, hook := failedWebhookRequests(t, 3)
	url, token := serveAPI(t, a)
	hook.down.Store(false)

	run := func(args ...string) (string, error) {
		cmd := reprocessCommand()
		var out, errb bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&errb)
		cmd.SetArgs(append([]string{"--url", url, "--token", token, "--poll", "20ms"}, args...))
		err := cmd.ExecuteContext(context.Background())
		return out.String(), err
	}
	out, err := run("--filter", "state eq 'deliveryFailed'", "--system", "hook")
	if err != nil {
		t.Fatalf("reprocess: %v\n%s", err, out)
	}
	if !strings.Contains(out, "succeeded: 3 of 3 requests reprocessed, 0 refused") {
		t.Fatalf("summary:\n%s", out)
	}
	waitForState(t, a, entitled.StateDelivered, 3)
	if got := hook.accepted.Load(); got != 3 {
		t.Fatalf("target accepted %d calls, want 3", got)
	}
	if _, err := run("--filter", "colour eq 'red'"); err == nil || !strings.Contains(err.Error(), "400") {
		t.Fatalf("bad filter: %v", err)
	}
	if _, err := run("--filter", "state eq 'deliveryFailed'", "--system", "nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("unknown system: %v", err)
	}
}
