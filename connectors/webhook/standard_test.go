package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// whsecKey is the key of whsecSecret.
var whsecKey = []byte("0123456789abcdef0123456789abcdef")

var whsecSecret = "whsec_" + base64.StdEncoding.EncodeToString(whsecKey)

// receiver verifies calls the way a Standard Webhooks receiver does, written
// from the specification alone: the signed content is
// "{webhook-id}.{webhook-timestamp}.{body}", the key is the base64 after
// "whsec_", webhook-signature is a space-separated list of "v1,<base64>".
// It refuses a timestamp more than tolerance away from its clock, and does
// not apply again a call whose webhook-id it has already applied.
type receiver struct {
	secret    string
	tolerance time.Duration
	mu        sync.Mutex
	now       time.Time
	applied   map[string]bool // webhook-ids already applied
	held      map[string]bool // subject/resource/role → held
}

func newReceiver(secret string, now time.Time) *receiver {
	return &receiver{secret: secret, tolerance: 5 * time.Minute, now: now, applied: map[string]bool{}, held: map[string]bool{}}
}

var errDuplicate = errors.New("duplicate webhook-id: already applied")

// verify checks the headers and body of one call.
func (r *receiver) verify(h http.Header, body []byte) (id string, err error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secret, "whsec_"))
	if err != nil {
		return "", err
	}
	id, tsText, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || tsText == "" || sigs == "" {
		return "", errors.New("missing Standard Webhooks headers")
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return "", errors.New("webhook-timestamp is not integer seconds")
	}
	if d := r.now.Sub(time.Unix(ts, 0)); d > r.tolerance || d < -r.tolerance {
		return "", fmt.Errorf("stale webhook-timestamp: %s away", d)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + tsText + "."))
	m.Write(body)
	want := m.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		v, sig, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			if r.applied[id] {
				return id, errDuplicate
			}
			return id, nil
		}
	}
	return "", errors.New("no valid v1 signature")
}

// ServeHTTP applies a verified call and answers 204; a duplicate gets 200
// without being applied again; a bad or stale call gets 401.
func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	id, err := r.verify(req.Header, body)
	switch {
	case errors.Is(err, errDuplicate):
		io.WriteString(w, "duplicate")
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	r.held[p.Subject.ObjectID+"/"+p.Resource.OriginID+"/"+p.Role.OriginID] = p.Action == entitled.ActionGrant
	r.applied[id] = true
	w.WriteHeader(http.StatusNoContent)
}

func (r *receiver) holds(key string) bool { r.mu.Lock(); defer r.mu.Unlock(); return r.held[key] }

func (r *receiver) setNow(t time.Time) { r.mu.Lock(); defer r.mu.Unlock(); r.now = t }

// recorder keeps every call h receives, to replay them.
type recorder struct {
	mu    sync.Mutex
	calls []received
	h     http.Handler
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.calls = append(rec.calls, received{body: body, headers: r.Header.Clone()})
	rec.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec.h.ServeHTTP(w, r)
}

func (rec *recorder) call(i int) received { rec.mu.Lock(); defer rec.mu.Unlock(); return rec.calls[i] }

// replay sends a recorded call again, byte for byte, as an attacker would.
func replay(t *testing.T, url string, c received) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(c.body))
	req.Header = c.headers.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// fixedClock builds a connector whose webhook-timestamp is at.
func fixedClock(t *testing.T, config map[string]any, at time.Time) *Connector {
	t.Helper()
	c := connector(t, config).(*Connector)
	c.now = func() time.Time { return at }
	return c
}

// grantSignedAt grants through a connector whose secret is key and whose
// clock reads at, and returns the one call its target received.
func grantSignedAt(t *testing.T, key string, at time.Time) received {
	t.Helper()
	srv, got := target(t, 204, "")
	c := fixedClock(t, map[string]any{"url": srv.URL, "secret": key}, at)
	if err := c.Grant(context.Background(), grant); err != nil {
		t.Fatal(err)
	}
	if calls := got(); len(calls) != 1 {
		t.Fatalf("the target received %d calls, want 1", len(calls))
	}
	return got()[0]
}

func TestStandardWebhooksHeaders(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	r := grantSignedAt(t, whsecSecret, at)
	if id := r.headers.Get("webhook-id"); id != grant.IdempotencyKey {
		t.Errorf("webhook-id = %q, want the idempotency key %q", id, grant.IdempotencyKey)
	}
	if ts := r.headers.Get("webhook-timestamp"); ts != "1800000000" {
		t.Errorf("webhook-timestamp = %q, want 1800000000", ts)
	}
	m := hmac.New(sha256.New, whsecKey)
	m.Write([]byte(grant.IdempotencyKey + ".1800000000."))
	m.Write(r.body)
	if sig, want := r.headers.Get("webhook-signature"), "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)); sig != want {
		t.Errorf("webhook-signature = %q, want %q", sig, want)
	}
	rc := newReceiver(whsecSecret, at)
	if _, err := rc.verify(r.headers, r.body); err != nil {
		t.Fatalf("a receiver does not verify the call: %v", err)
	}
	if _, err := rc.verify(r.headers, append([]byte(" "), r.body...)); err == nil {
		t.Errorf("a changed body verifies")
	}
	other := newReceiver("whsec_"+base64.StdEncoding.EncodeToString([]byte("another key")), at)
	if _, err := other.verify(r.headers, r.body); err == nil {
		t.Errorf("the call verifies under another key")
	}
	// The deprecated header is still sent for one release.
	if sig := r.headers.Get(SignatureHeader); sig != Sign(whsecSecret, r.body) {
		t.Errorf("%s = %q", SignatureHeader, sig)
	}
}

// A secret without the whsec_ prefix is the key's bytes as written: a
// Standard Webhooks receiver is given "whsec_" + base64 of it.
func TestRawSecretIsTheKeyBytes(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	r := grantSignedAt(t, secret, at)
	if _, err := newReceiver("whsec_"+base64.StdEncoding.EncodeToString([]byte(secret)), at).verify(r.headers, r.body); err != nil {
		t.Fatalf("raw secret: %v", err)
	}
}

func TestWhsecSecretValidation(t *testing.T) {
	k := NewKind(nil)
	for _, s := range []string{"whsec_", "whsec_not base64!", "whsec_abc"} {
		var e *entitled.Error
		if err := k.Validate(map[string]any{"url": "https://x.example", "secret": s}); !errors.As(err, &e) || e.Target != "config.secret" {
			t.Errorf("secret %q: %v, want 400 on config.secret", s, err)
		} else if strings.Contains(e.Message, strings.TrimPrefix(s, "whsec_")) && s != "whsec_" {
			t.Errorf("the message %q repeats the secret", e.Message)
		}
	}
	if err := k.Validate(map[string]any{"url": "https://x.example", "secret": whsecSecret}); err != nil {
		t.Fatal(err)
	}
}

// A recorded call replayed later is refused as stale, and replayed at once is
// recognised by its webhook-id and not applied again — even after a revoke.
func TestReplayIsDetectable(t *testing.T) {
	start := time.Unix(1_800_000_000, 0)
	rc := newReceiver(whsecSecret, start)
	rec := &recorder{h: rc}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	c := fixedClock(t, map[string]any{"url": srv.URL, "secret": whsecSecret}, start)
	ctx := context.Background()
	key := "u1/payroll/Member"

	if err := c.Grant(ctx, grant); err != nil || !rc.holds(key) {
		t.Fatalf("grant: %v", err)
	}
	// A retry of the same delivery carries the same webhook-id: not applied twice.
	if err := c.Grant(ctx, grant); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if a, b := rec.call(0).headers.Get("webhook-id"), rec.call(1).headers.Get("webhook-id"); a != b {
		t.Fatalf("a retry changed webhook-id from %q to %q", a, b)
	}
	revoke := grant
	revoke.DeliveryID, revoke.IdempotencyKey = "d2", "d2-1"
	if err := c.Revoke(ctx, revoke); err != nil || rc.holds(key) {
		t.Fatalf("revoke: %v", err)
	}
	// The grant replayed byte for byte after the revoke is not applied.
	if status, body := replay(t, srv.URL, rec.call(0)); status != 200 || body != "duplicate" || rc.holds(key) {
		t.Fatalf("replayed grant: %d %q, held %v", status, body, rc.holds(key))
	}
	// Ten minutes later (a receiver forgets ids older than its tolerance) the
	// replay is refused as stale.
	rc.setNow(start.Add(10 * time.Minute))
	if status, body := replay(t, srv.URL, rec.call(0)); status != http.StatusUnauthorized || !strings.Contains(body, "stale") || rc.holds(key) {
		t.Fatalf("stale replay: %d %q, held %v", status, body, rc.holds(key))
	}
	// A replay with a fresh timestamp but the old signature fails the signature.
	forged := rec.call(0)
	forged.headers = forged.headers.Clone()
	forged.headers.Set("webhook-timestamp", strconv.FormatInt(start.Add(10*time.Minute).Unix(), 10))
	if status, body := replay(t, srv.URL, forged); status != http.StatusUnauthorized || !strings.Contains(body, "signature") {
		t.Fatalf("re-stamped replay: %d %q", status, body)
	}
}
