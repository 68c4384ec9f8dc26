package webhook

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

const secret = "s3cr3t-signing-key"

type received struct {
	body    []byte
	headers http.Header
}

// target is a real HTTP server answering with a fixed status and body.
func target(t *testing.T, status int, body string) (*httptest.Server, func() []received) {
	t.Helper()
	var mu sync.Mutex
	var got []received
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{body: b, headers: r.Header.Clone()})
		mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []received { mu.Lock(); defer mu.Unlock(); return append([]received(nil), got...) }
}

func connector(t *testing.T, config map[string]any) entitled.Connector {
	t.Helper()
	k := NewKind(nil)
	if err := k.Validate(config); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	c, err := k.New(&entitled.ConnectedSystem{ID: "sys", Name: "hr", Kind: "webhook", Config: config})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var grant = entitled.Grant{
	Subject:        entitled.Subject{ID: "u1", ObjectID: "u1", DisplayName: "Ada", Email: "ada@example.com", PrincipalName: "ada@example.com"},
	Resource:       entitled.ResourceRef{ID: "r1", OriginID: "payroll", DisplayName: "Payroll"},
	Role:           entitled.ResourceRoleRef{ID: "rr1", OriginID: "Member", DisplayName: "Member"},
	RequestID:      "req1",
	DeliveryID:     "d1",
	IdempotencyKey: "d1-1",
}

func TestGrantSignedPayload(t *testing.T) {
	srv, got := target(t, 200, "ok")
	c := connector(t, map[string]any{"url": srv.URL + "/hook", "secret": secret})
	if err := c.Grant(context.Background(), grant); err != nil {
		t.Fatalf("Grant: %v", err)
	}
	if err := c.Revoke(context.Background(), grant); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	reqs := got()
	if len(reqs) != 2 {
		t.Fatalf("got %d calls, want 2", len(reqs))
	}
	for i, action := range []string{"grant", "revoke"} {
		r := reqs[i]
		sig := r.headers.Get(SignatureHeader)
		if !hmac.Equal([]byte(sig), []byte(Sign(secret, r.body))) || !strings.HasPrefix(sig, "sha256=") {
			t.Errorf("%s: signature %q does not verify", action, sig)
		}
		if Sign("wrong", r.body) == sig {
			t.Errorf("signature verifies with the wrong secret")
		}
		if ct := r.headers.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type = %q", ct)
		}
		if k := r.headers.Get("Idempotency-Key"); k != "d1-1" {
			t.Errorf("Idempotency-Key = %q", k)
		}
		var m map[string]any
		if err := json.Unmarshal(r.body, &m); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"action":              action,
			"subject":             map[string]any{"objectId": "u1", "principalName": "ada@example.com", "email": "ada@example.com", "displayName": "Ada"},
			"resource":            map[string]any{"originId": "payroll", "displayName": "Payroll"},
			"role":                map[string]any{"originId": "Member", "displayName": "Member"},
			"assignmentRequestId": "req1",
			"deliveryId":          "d1",
			"idempotencyKey":      "d1-1",
		}
		wb, _ := json.Marshal(want)
		gb, _ := json.Marshal(m)
		if string(wb) != string(gb) {
			t.Errorf("%s body\n got %s\nwant %s", action, gb, wb)
		}
	}
}

func TestNoSecretNoSignature(t *testing.T) {
	srv, got := target(t, 204, "")
	c := connector(t, map[string]any{"url": srv.URL})
	if err := c.Grant(context.Background(), grant); err != nil {
		t.Fatal(err)
	}
	if _, ok := got()[0].headers[SignatureHeader]; ok {
		t.Fatalf("signature header sent without a secret")
	}
}

func class(err error) entitled.ErrorClass {
	var de *entitled.DeliveryError
	if !errors.As(err, &de) {
		return "unclassified"
	}
	return de.Class
}

// TestErrorMessages: the message of a refused call is the status and the
// trimmed, redacted, truncated body. (The conformance suite checks the class
// of each status.)
func TestErrorMessages(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   entitled.ErrorClass
		msg    string
	}{
		{500, "", entitled.Transient, "HTTP 500"},
		{404, "  no such user\n", entitled.Permanent, "HTTP 404: no such user"},
		{400, "bad subject " + secret, entitled.Permanent, "HTTP 400: bad subject [redacted]"},
		{403, strings.Repeat("x", 5000), entitled.Permanent, "HTTP 403: " + strings.Repeat("x", 1024)},
	} {
		srv, _ := target(t, tc.status, tc.body)
		c := connector(t, map[string]any{"url": srv.URL + "?token=qsecret", "secret": secret})
		err := c.Grant(context.Background(), grant)
		if got := class(err); got != tc.want {
			t.Errorf("HTTP %d: class %s, want %s (%v)", tc.status, got, tc.want, err)
			continue
		}
		var de *entitled.DeliveryError
		errors.As(err, &de)
		if de.Message != tc.msg {
			t.Errorf("HTTP %d: message %q, want %q", tc.status, de.Message, tc.msg)
		}
		noSecrets(t, err)
	}
}

func noSecrets(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{secret, "qsecret", "hunter2"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q leaks %q", err, s)
		}
	}
}

func TestTimeoutIsTransient(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c := connector(t, map[string]any{"url": srv.URL + "?token=qsecret", "secret": secret, "timeout": "PT0.2S"})
	err := c.Grant(context.Background(), grant)
	if class(err) != entitled.Transient || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("timeout: %v, want transient", err)
	}
	noSecrets(t, err)
}

// TestCanceledCallIsNotSent: a call whose context is canceled fails (the
// conformance suite checks it is transient) without reaching the target.
func TestCanceledCallIsNotSent(t *testing.T) {
	srv, got := target(t, 200, "")
	c := connector(t, map[string]any{"url": srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Grant(ctx, grant); err == nil {
		t.Fatal("a canceled grant succeeded")
	}
	if len(got()) != 0 {
		t.Fatalf("a canceled call reached the target")
	}
}

func TestDescribe(t *testing.T) {
	c := connector(t, map[string]any{"url": "https://example.com/h", "roles": []any{"Member", "Owner"}})
	info, err := c.Describe(context.Background(), "payroll")
	if err != nil {
		t.Fatal(err)
	}
	if info.OriginID != "payroll" || info.DisplayName != "payroll" || len(info.Roles) != 2 ||
		info.Roles[1].OriginID != "Owner" || info.Roles[1].DisplayName != "Owner" {
		t.Fatalf("Describe = %+v", info)
	}
	if _, err := c.Describe(context.Background(), " "); entitled.ErrorKind(err) != entitled.KindInvalid {
		t.Fatalf("empty originId: %v, want 400", err)
	}
	d := connector(t, map[string]any{"url": "https://example.com/h"})
	info, _ = d.Describe(context.Background(), "x")
	if len(info.Roles) != 1 || info.Roles[0].OriginID != "Member" {
		t.Fatalf("default roles = %+v", info.Roles)
	}
}

func TestConfigValidation(t *testing.T) {
	k := NewKind(nil)
	if got := k.SecretFields(); len(got) != 1 || got[0] != "secret" {
		t.Fatalf("SecretFields = %v", got)
	}
	for _, tc := range []struct {
		name   string
		config map[string]any
		target string // "" = valid
	}{
		{"minimal", map[string]any{"url": "https://x.example/h"}, ""},
		{"full", map[string]any{"url": "http://x.example/h", "secret": "k", "timeout": "30s", "roles": []any{"Member", "Owner"}}, ""},
		{"iso timeout", map[string]any{"url": "https://x.example", "timeout": "PT2M"}, ""},
		{"secretSet echoed back", map[string]any{"url": "https://x.example", "secretSet": true}, ""},
		{"missing url", map[string]any{}, "config.url"},
		{"url not string", map[string]any{"url": 3.0}, "config.url"},
		{"relative url", map[string]any{"url": "/hook"}, "config.url"},
		{"ftp url", map[string]any{"url": "ftp://x.example/h"}, "config.url"},
		{"secret not string", map[string]any{"url": "https://x.example", "secret": true}, "config.secret"},
		{"bad timeout", map[string]any{"url": "https://x.example", "timeout": "soon"}, "config.timeout"},
		{"timeout too long", map[string]any{"url": "https://x.example", "timeout": "PT3M"}, "config.timeout"},
		{"zero timeout", map[string]any{"url": "https://x.example", "timeout": "0s"}, "config.timeout"},
		{"empty roles", map[string]any{"url": "https://x.example", "roles": []any{}}, "config.roles"},
		{"blank role", map[string]any{"url": "https://x.example", "roles": []any{"Member", ""}}, "config.roles"},
		{"duplicate role", map[string]any{"url": "https://x.example", "roles": []any{"Member", "Member"}}, "config.roles"},
		{"roles not list", map[string]any{"url": "https://x.example", "roles": "Member"}, "config.roles"},
		{"unknown key", map[string]any{"url": "https://x.example", "headers": map[string]any{}}, "config.headers"},
	} {
		err := k.Validate(tc.config)
		if tc.target == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var e *entitled.Error
		if !errors.As(err, &e) || e.Kind != entitled.KindInvalid || e.Code != entitled.CodeBadRequest || e.Target != tc.target {
			t.Errorf("%s: err = %#v, want 400 on %s", tc.name, err, tc.target)
		}
	}
	cfg, _ := ParseConfig(map[string]any{"url": "https://x.example", "timeout": "PT1M30S"})
	if cfg.Timeout != 90*time.Second {
		t.Errorf("timeout = %s", cfg.Timeout)
	}
	cfg, _ = ParseConfig(map[string]any{"url": "https://x.example"})
	if cfg.Timeout != DefaultTimeout {
		t.Errorf("default timeout = %s", cfg.Timeout)
	}
}
