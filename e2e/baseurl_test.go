package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hostileCall sends a request with Host: evil.example and returns the
// decoded body and the Location header.
func hostileCall(t *testing.T, s *server, token, method, path, body string) (map[string]any, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "evil.example"
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return m, resp.Header.Get("Location")
}

// TestLinksIgnoreHostHeader: the Host header (and X-Forwarded-*) never
// ends up in @odata.nextLink, @odata.context or Location: links use
// --base-url, or without it the listen address.
func TestLinksIgnoreHostHeader(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "e.db")
	cli(t, "admin", "create", "--db", db, "--upn", "admin@example.com")
	token := tokenFor(t, db, "admin@example.com")
	for _, c := range []struct {
		name  string
		extra []string
		base  func(s *server) string
	}{
		{"with --base-url", []string{"--base-url", "https://entitled.example.com/"}, func(*server) string { return "https://entitled.example.com" }},
		{"without --base-url", nil, func(s *server) string { return s.base }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := startServer(t, db, c.extra...)
			defer s.stop()
			want := c.base(s)
			for i := 0; i < 2; i++ {
				hostileCall(t, s, token, "POST", "/v1.0/groups", `{"displayName":"G","mailNickname":"g"}`)
			}
			page, _ := hostileCall(t, s, token, "GET", "/v1.0/groups?$top=1", "")
			next, _ := page["@odata.nextLink"].(string)
			ctx, _ := page["@odata.context"].(string)
			if !strings.HasPrefix(next, want+"/v1.0/groups?") || !strings.HasPrefix(ctx, want+"/v1.0/$metadata#") {
				t.Errorf("nextLink %q, context %q; want them on %s", next, ctx, want)
			}
			ent, loc := hostileCall(t, s, token, "POST", "/v1.0/groups", `{"displayName":"H","mailNickname":"h"}`)
			if ctx, _ := ent["@odata.context"].(string); !strings.HasPrefix(loc, want+"/v1.0/groups/") || !strings.HasPrefix(ctx, want+"/v1.0/") {
				t.Errorf("Location %q, context %q; want them on %s", loc, ctx, want)
			}
		})
	}
	// A malformed base URL stops serve at start with a clear error.
	for _, bad := range []string{"entitled.example.com", "https://x.example/prefix", "https://x.example?q=1", "ftp://x.example"} {
		out, err := exec.Command(binary, "serve", "--db", db, "--addr", "127.0.0.1:0", "--base-url", bad).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "--base-url") {
			t.Errorf("--base-url %q: err %v, output %s", bad, err, out)
		}
	}
}
