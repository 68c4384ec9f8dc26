package ui_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/oidctest"
	"github.com/entitled-dev/entitled/oidc"
	"github.com/entitled-dev/entitled/ui"
)

// providerOptions tune the OpenID provider of a world.
type providerOptions struct{ createUsers bool }

// withProvider signs people in with a real OpenID provider on loopback.
func withProvider(createUsers bool) func(*options) {
	return func(o *options) { o.provider = &providerOptions{createUsers: createUsers} }
}

// lateHandler lets the UI be built once the test server's address (the
// redirect URI) is known.
type lateHandler struct {
	mu sync.RWMutex
	h  http.Handler
}

func (l *lateHandler) set(h http.Handler) { l.mu.Lock(); l.h = h; l.mu.Unlock() }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.RLock()
	h := l.h
	l.mu.RUnlock()
	h.ServeHTTP(w, r)
}

// startProvider runs the provider with entitled registered as a client
// (claims left to userinfo, as many providers do) and people: alice, bob
// and rea exist in entitled (matched by email), zoe does not.
func (w *world) startProvider(o providerOptions) *ui.OIDCConfig {
	w.t.Helper()
	op := oidctest.Start(w.t)
	op.AddClient(oidctest.Client{ID: "entitled", Secret: "client-secret", RedirectURIs: []string{w.srv.URL + "/auth/callback"},
		PostLogoutRedirectURIs: []string{w.srv.URL + "/login"}})
	for _, name := range []string{"alice", "bob", "rea", "zoe"} {
		op.AddUser(oidctest.User{Subject: "sub-" + name, Username: name, Password: name + "-pw", Email: name + "@example.com",
			PreferredUsername: name, Name: strings.ToUpper(name[:1]) + name[1:] + " (IdP)"})
	}
	p, err := oidc.New(context.Background(), oidc.Config{Issuer: op.Issuer, ClientID: "entitled", ClientSecret: "client-secret",
		RedirectURL: w.srv.URL + "/auth/callback", Name: "Test IdP"})
	w.must(err)
	w.op = op
	return &ui.OIDCConfig{Provider: p, Users: w.services.Sessions, Options: entitled.SignInOptions{CreateUsers: o.createUsers, Provider: "Test IdP"},
		PostLogoutURL: w.srv.URL + "/login"}
}

// atProvider plays the person at the provider: from entitled's redirect to
// the provider's login form, signs in as name and returns entitled's
// callback path with the provider's state and code.
func (b *browser) atProvider(redirect *url.URL, name string) string {
	b.t.Helper()
	if !strings.HasPrefix(redirect.String(), b.w.op.Issuer+"/authorize?") {
		b.t.Fatalf("sign-in went to %s, not the provider", redirect)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	next := func(res *http.Response, err error) *url.URL {
		b.t.Helper()
		if err != nil {
			b.t.Fatal(err)
		}
		res.Body.Close()
		loc, err := res.Location()
		if err != nil {
			b.t.Fatalf("provider answered %s without a redirect", res.Status)
		}
		return loc
	}
	login := next(c.Get(redirect.String()))
	cb := next(c.PostForm(b.w.op.Issuer+"/login", url.Values{"id": {login.Query().Get("id")}, "username": {name}, "password": {name + "-pw"}}))
	back := next(c.Get(cb.String()))
	if !strings.HasPrefix(back.String(), b.w.srv.URL+"/auth/callback?") {
		b.t.Fatalf("the provider sent the browser to %s", back)
	}
	return strings.TrimPrefix(back.String(), b.w.srv.URL)
}

// providerSignIn starts at entitled's "Sign in with" button and returns
// entitled's answer to the provider's callback.
func (b *browser) providerSignIn(name string) page {
	b.t.Helper()
	start := b.get("/auth/login")
	if start.status != http.StatusFound {
		b.t.Fatalf("/auth/login: %d", start.status)
	}
	loc, _ := url.Parse(start.location)
	return b.get(b.atProvider(loc, name))
}

func TestProviderSignIn(t *testing.T) {
	w := newWorld(t, withProvider(false))
	b := w.browser()
	login := b.get("/login")
	login.see(t, 200, "Sign in with Test IdP")
	login.see(t, 200, "Break-glass sign-in")

	res := b.providerSignIn("alice")
	res.redirect(t, "/")
	b.get("/").see(t, 200, "Alice Requester")

	// The second sign-in finds alice by the recorded subject, even after
	// her entitled mail changed.
	mail := "alice.requester@example.com"
	_, err := w.services.Users.UpdateUser(w.sys(), w.users["alice"].ID, entitled.UserUpdate{Mail: &mail})
	w.must(err)
	b2 := w.browser()
	b2.providerSignIn("alice").redirect(t, "/")
	b2.get("/").see(t, 200, "Alice Requester")

	// Signing out offers the provider's end-session endpoint, which
	// signs out there and comes back to the sign-in page.
	b.get("/")
	b.submit("/logout", nil).redirect(t, "/login?signedout=1")
	out := b.get("/login?signedout=1")
	out.see(t, 200, "Also sign out of Test IdP")
	m := endSessionRe.FindStringSubmatch(out.body)
	if m == nil {
		t.Fatalf("no end-session link: %s", out.body)
	}
	end := strings.ReplaceAll(m[1], "&amp;", "&")
	if u, _ := url.Parse(end); u.Query().Get("id_token_hint") == "" || u.Query().Get("post_logout_redirect_uri") != w.srv.URL+"/login" {
		t.Fatalf("end-session link %s", end)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := c.Get(end)
	w.must(err)
	r.Body.Close()
	if loc := r.Header.Get("Location"); loc != w.srv.URL+"/login" || w.op.EndSessions.Load() != 1 {
		t.Fatalf("end session: %s → %q, %d sessions ended", r.Status, loc, w.op.EndSessions.Load())
	}
}

var endSessionRe = regexp.MustCompile(`id="end-session" href="([^"]+)"`)

func TestProviderSignInRefusals(t *testing.T) {
	w := newWorld(t, withProvider(false))

	// Someone the provider knows but entitled does not: refused, told
	// whom to ask, and no user is created.
	w.browser().providerSignIn("zoe").see(t, http.StatusForbidden, "no entitled user matches email")
	if _, err := w.services.Users.User(w.sys(), "zoe@example.com"); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("zoe: %v", err)
	}

	// A disabled user.
	off := false
	_, err := w.services.Users.UpdateUser(w.sys(), w.users["rea"].ID, entitled.UserUpdate{AccountEnabled: &off})
	w.must(err)
	w.browser().providerSignIn("rea").see(t, http.StatusForbidden, "is disabled")

	// A callback whose state is not the one this browser started with.
	b := w.browser()
	start := b.get("/auth/login")
	loc, _ := url.Parse(start.location)
	cb := b.atProvider(loc, "alice")
	cu, _ := url.Parse(cb)
	q := cu.Query()
	q.Set("state", "forged")
	b.get("/auth/callback?"+q.Encode()).see(t, http.StatusUnauthorized, "state does not match")

	// A browser whose attempt cookie carries another nonce than the one
	// the provider put into the ID token.
	b = w.browser()
	start = b.get("/auth/login")
	loc, _ = url.Parse(start.location)
	cbURL, _ := url.Parse(w.srv.URL + "/auth/callback")
	var a oidc.Attempt
	for _, ck := range b.c.Jar.Cookies(cbURL) {
		if ck.Name == "entitled_oidc_attempt" {
			raw, _ := base64.RawURLEncoding.DecodeString(ck.Value)
			w.must(json.Unmarshal(raw, &a))
		}
	}
	if a.Nonce == "" {
		t.Fatal("no attempt cookie on /auth/callback")
	}
	a.Nonce = "another-nonce"
	raw, _ := json.Marshal(a)
	b.c.Jar.SetCookies(cbURL, []*http.Cookie{{Name: "entitled_oidc_attempt", Value: base64.RawURLEncoding.EncodeToString(raw), Path: "/auth/callback"}})
	b.get(b.atProvider(loc, "alice")).see(t, http.StatusUnauthorized, "nonce does not match")

	// The provider refusing (an error answer) is shown, not a 500.
	w.browser().get("/auth/callback?error=access_denied&error_description=user+canceled").see(t, http.StatusUnauthorized, "user canceled")
}

func TestProviderSignInCreatesUsers(t *testing.T) {
	w := newWorld(t, withProvider(true))
	b := w.browser()
	b.providerSignIn("zoe").redirect(t, "/")
	b.get("/").see(t, 200, "Zoe (IdP)")
	u, err := w.services.Users.User(w.sys(), "zoe@example.com")
	w.must(err)
	if u.Mail != "zoe@example.com" || !u.AccountEnabled {
		t.Fatalf("created user %+v", u)
	}
}

// Without a provider the sign-in page has no provider button and the
// provider routes do not exist.
func TestNoProviderNoButton(t *testing.T) {
	w := newWorld(t)
	b := w.browser()
	if p := b.get("/login"); strings.Contains(p.body, "signin-provider") || strings.Contains(p.body, "Break-glass") {
		t.Fatalf("login page without a provider: %s", p.body)
	}
	if p := b.get("/auth/login"); p.status != http.StatusNotFound {
		t.Fatalf("/auth/login without a provider: %d", p.status)
	}
}
