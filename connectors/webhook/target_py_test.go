package webhook

import (
	"bufio"
	"context"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// startPythonTarget runs docs/webhook-target.py on a free loopback port with
// secret, and returns its URL and its fail file.
func startPythonTarget(t *testing.T, secret string) (string, string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 is needed to test docs/webhook-target.py: %v", err)
		}
		t.Skip("python3 not found; set CI=true to make this a failure")
	}
	failFile := filepath.Join(t.TempDir(), "webhook-fail.txt")
	cmd := exec.Command(py, filepath.Join("..", "..", "docs", "webhook-target.py"))
	cmd.Env = append(os.Environ(), "PORT=0", "WEBHOOK_SECRET="+secret, "FAIL_FILE="+failFile)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	done := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done // all output read before Wait closes the pipe
		_ = cmd.Wait()
	})
	if !lines.Scan() {
		close(done)
		t.Fatalf("webhook-target.py printed nothing: %v", lines.Err())
	}
	first := lines.Text()
	go func() {
		defer close(done)
		for lines.Scan() {
			t.Log("webhook-target.py: " + lines.Text())
		}
	}()
	_, rest, ok := strings.Cut(first, "webhook target on ")
	if !ok {
		t.Fatalf("unexpected first line %q", first)
	}
	return strings.Fields(rest)[0], failFile
}

func TestPythonTargetVerifiesAndDeduplicates(t *testing.T) {
	pyURL, failFile := startPythonTarget(t, whsecSecret)
	u, _ := url.Parse(pyURL)
	rec := &recorder{h: httputil.NewSingleHostReverseProxy(u)}
	proxy := httptest.NewServer(rec)
	t.Cleanup(proxy.Close)
	ctx := context.Background()
	c := connector(t, map[string]any{"url": proxy.URL, "secret": whsecSecret})

	if err := c.Grant(ctx, grant); err != nil {
		t.Fatalf("signed grant: %v", err)
	}
	// The same call replayed: recognised by its webhook-id, not applied.
	if status, body := replay(t, pyURL, rec.call(0)); status != 200 || body != "duplicate" {
		t.Fatalf("replay: %d %q, want 200 duplicate", status, body)
	}

	// A resource in the fail file gets 503, and is not remembered: its
	// retry, with the same webhook-id, is applied once the target recovers.
	if err := os.WriteFile(failFile, []byte("broken\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := grant
	broken.Resource.OriginID, broken.DeliveryID, broken.IdempotencyKey = "broken", "d3", "d3-1"
	err := c.Grant(ctx, broken)
	if class(err) != entitled.Transient || !strings.Contains(err.Error(), "HTTP 503: target unavailable") {
		t.Fatalf("grant on a failing resource: %v", err)
	}
	if err := os.WriteFile(failFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if status, _ := replay(t, pyURL, rec.call(1)); status != 204 {
		t.Fatalf("retry after a 503: %d, want 204", status)
	}
	if status, body := replay(t, pyURL, rec.call(1)); status != 200 || body != "duplicate" {
		t.Fatalf("second retry: %d %q, want 200 duplicate", status, body)
	}

	// A wrong key, and a call stamped 10 minutes ago, are refused.
	wrong := connector(t, map[string]any{"url": pyURL, "secret": "whsec_" + strings.Repeat("QUFB", 8)})
	if err := wrong.Grant(ctx, grant); class(err) != entitled.Permanent || !strings.Contains(err.Error(), "HTTP 401: bad signature") {
		t.Fatalf("wrong key: %v", err)
	}
	stale := fixedClock(t, map[string]any{"url": pyURL, "secret": whsecSecret}, time.Now().Add(-10*time.Minute))
	fresh := grant
	fresh.DeliveryID, fresh.IdempotencyKey = "d4", "d4-1"
	if err := stale.Grant(ctx, fresh); class(err) != entitled.Permanent || !strings.Contains(err.Error(), "HTTP 401: stale webhook-timestamp") {
		t.Fatalf("stale call: %v", err)
	}
}

// With a raw (non-whsec_) secret the target uses the secret's bytes, as
// entitled does.
func TestPythonTargetRawSecret(t *testing.T) {
	pyURL, _ := startPythonTarget(t, secret)
	c := connector(t, map[string]any{"url": pyURL, "secret": secret})
	if err := c.Grant(context.Background(), grant); err != nil {
		t.Fatalf("grant with a raw secret: %v", err)
	}
}
