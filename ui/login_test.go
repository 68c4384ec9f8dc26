package ui_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestSignInLinkWorksOnce: the link's page does not use it up, Continue
// does; a second use, an unknown link and an expired link are refused.
func TestSignInLinkWorksOnce(t *testing.T) {
	w := newWorld(t)
	b := w.browser()
	b.get("/").redirect(t, "/login")
	b.get("/login").see(t, 200, "entitled login-link")

	secret := w.link("alice", 15*time.Minute)
	for range 2 { // previewers may fetch the link: GET never signs in
		b.get("/login?token="+url.QueryEscape(secret)).see(t, 200, "Continue")
	}
	b.get("/").redirect(t, "/login")
	res := b.post("/login", url.Values{"token": {secret}})
	res.redirect(t, "/")
	ck := sessionCookie(t, res)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, not Secure over plain HTTP, Path /", ck)
	}
	b.get("/").see(t, 200, "Alice Requester", "My Access")

	// The session is stored hashed.
	var hash string
	w.must(w.services.DB().SQL.QueryRow(`SELECT hash FROM ui_sessions`).Scan(&hash))
	sum := sha256.Sum256([]byte(ck.Value))
	if hash == ck.Value || hash != hex.EncodeToString(sum[:]) {
		t.Errorf("stored session %q is not the SHA-256 of the cookie", hash)
	}

	other := w.browser()
	other.post("/login", url.Values{"token": {secret}}).see(t, 401, "already used, has expired or is unknown")
	other.get("/").redirect(t, "/login")
	other.post("/login", url.Values{"token": {"made-up"}}).see(t, 401, "ask an administrator for a new one")

	expiring := w.link("bob", 15*time.Minute)
	w.clock.Add(16 * time.Minute)
	other.post("/login", url.Values{"token": {expiring}}).see(t, 401, "has expired")
	other.get("/").redirect(t, "/login")
}

// TestSessionCookieSecureOverHTTPS: behind a TLS-terminating proxy the
// cookie is Secure.
func TestSessionCookieSecureOverHTTPS(t *testing.T) {
	w := newWorld(t)
	res := w.browser().post("/login", url.Values{"token": {w.link("alice", time.Minute)}}, "X-Forwarded-Proto", "https")
	res.redirect(t, "/")
	if ck := sessionCookie(t, res); !ck.Secure || !ck.HttpOnly {
		t.Errorf("cookie %+v: want Secure and HttpOnly over HTTPS", ck)
	}
}

// TestSignOutAndSessionExpiry: sign-out ends the session on the server; an
// expired session sends the user to sign in again.
func TestSignOutAndSessionExpiry(t *testing.T) {
	w := newWorld(t)
	b := w.signIn("alice")
	ck := b.c.Jar.Cookies(mustURL(t, w.srv.URL))[0]
	b.get("/")
	b.submit("/logout", nil).redirect(t, "/login?signedout=1")
	b.get("/").redirect(t, "/login")

	// The old cookie no longer works, even if a browser kept it.
	stale := w.browser()
	stale.c.Jar.SetCookies(mustURL(t, w.srv.URL), []*http.Cookie{{Name: ck.Name, Value: ck.Value, Path: "/"}})
	stale.get("/").redirect(t, "/login?expired=1")

	late := w.signIn("bob")
	w.clock.Add(13 * time.Hour)
	late.get("/requests").redirect(t, "/login?expired=1")
}

// TestCSRFRefused: a post without the session's token, with another
// session's token, or from another site is refused with 403 and changes
// nothing.
func TestCSRFRefused(t *testing.T) {
	w := newWorld(t)
	id := w.request("alice", w.crm, w.crmPolicy)
	alice := w.signIn("alice")
	alice.get("/requests").see(t, 200, "Waiting for approval", "Cancel")
	good := alice.csrf
	bobsToken := w.signIn("bob").csrf
	if bobsToken == good {
		t.Fatal("two sessions share a CSRF token")
	}

	cases := []struct {
		name string
		form url.Values
		hdr  []string
	}{
		{"no token", url.Values{}, nil},
		{"wrong token", url.Values{"csrf": {"forged"}}, nil},
		{"another session's token", url.Values{"csrf": {bobsToken}}, nil},
		{"other site", url.Values{"csrf": {good}}, []string{"Origin", "https://evil.example"}},
		{"other site (fetch metadata)", url.Values{"csrf": {good}}, []string{"Origin", "", "Sec-Fetch-Site", "cross-site"}},
		{"sibling site", url.Values{"csrf": {good}}, []string{"Sec-Fetch-Site", "same-site"}},
		{"opaque origin", url.Values{"csrf": {good}}, []string{"Origin", "null"}},
	}
	for _, c := range cases {
		res := alice.post("/requests/"+id+"/cancel", c.form, c.hdr...)
		res.see(t, http.StatusForbidden, "refused")
		if st := w.state(id); st != entitled.StatePendingApproval {
			t.Fatalf("%s: the forged cancel changed the request to %s", c.name, st)
		}
	}
	alice.post("/logout", url.Values{}).see(t, http.StatusForbidden)
	alice.get("/").see(t, 200, "Alice Requester")

	// The real form works.
	alice.get("/requests")
	alice.submit("/requests/"+id+"/cancel", url.Values{"next": {"/requests"}}).redirect(t, "/requests?done=canceled")
	if st := w.state(id); st != entitled.StateCanceled {
		t.Fatalf("state %s after cancel, want canceled", st)
	}
}

// TestPagesCarrySecurityHeaders: no framing, no inline script, no referrer
// to other sites.
func TestPagesCarrySecurityHeaders(t *testing.T) {
	w := newWorld(t)
	p := w.browser().get("/login?token=x")
	for k, want := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin", "X-Content-Type-Options": "nosniff"} {
		if got := p.header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	css := w.browser().get("/static/style.css")
	if css.status != 200 || !strings.Contains(css.body, ":focus-visible") {
		t.Errorf("style.css: %d", css.status)
	}
	w.browser().get("/no/such/page").see(t, 404, "There is no page at this address")
}

func sessionCookie(t *testing.T, p page) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == "entitled_session" {
			return c
		}
	}
	t.Fatalf("no entitled_session cookie set; headers %v", p.header)
	return nil
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
