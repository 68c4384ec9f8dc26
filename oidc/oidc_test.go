package oidc_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/oidctest"
	"github.com/entitled-dev/entitled/oidc"
)

const (
	redirect = "http://127.0.0.1:1/auth/callback"
	api      = "api://entitled"
)

// setup starts a provider with alice and the entitled client, and
// discovers it.
func setup(t *testing.T, claimsInIDToken bool) (*oidctest.Provider, *oidc.Provider) {
	t.Helper()
	op := oidctest.Start(t)
	op.AddUser(oidctest.User{Subject: "sub-alice", Username: "alice", Password: "pw", Email: "alice@example.com",
		PreferredUsername: "alice@example.com", Name: "Alice"})
	op.AddClient(oidctest.Client{ID: "entitled", Secret: "s3cret", RedirectURIs: []string{redirect},
		ClaimsInIDToken: claimsInIDToken, Audience: []string{api}})
	op.AddClient(oidctest.Client{ID: "script", Secret: "script-secret", Audience: []string{api}})
	op.AddClient(oidctest.Client{ID: "other", Secret: "other-secret", Audience: []string{"api://someone-else"}})
	p, err := oidc.New(context.Background(), oidc.Config{Issuer: op.Issuer, ClientID: "entitled", ClientSecret: "s3cret",
		RedirectURL: redirect, Name: "Test IdP", Audience: api})
	if err != nil {
		t.Fatal(err)
	}
	return op, p
}

// browse plays the browser: it follows the sign-in address to the
// provider's login form, signs in and returns the state and code the
// provider sends back to entitled's callback.
func browse(t *testing.T, op *oidctest.Provider, authURL string) (state, code string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	next := func(resp *http.Response, err error) *url.URL {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil {
			t.Fatalf("%s: no redirect", resp.Status)
		}
		return loc
	}
	login := next(c.Get(authURL))
	cb := next(c.PostForm(op.Issuer+"/login", url.Values{"id": {login.Query().Get("id")}, "username": {"alice"}, "password": {"pw"}}))
	back := next(c.Get(cb.String()))
	if !strings.HasPrefix(back.String(), redirect) {
		t.Fatalf("sent back to %s", back)
	}
	return back.Query().Get("state"), back.Query().Get("code")
}

func TestSignInWithCodeFlow(t *testing.T) {
	for _, inIDToken := range []bool{true, false} {
		op, p := setup(t, inIDToken)
		a := oidc.NewAttempt()
		u, _ := url.Parse(p.AuthCodeURL(a))
		if u.Query().Get("code_challenge_method") != "S256" || u.Query().Get("nonce") != a.Nonce || u.Query().Get("state") != a.State {
			t.Fatalf("sign-in address lacks PKCE, nonce or state: %s", u)
		}
		calls := op.UserinfoCalls.Load()
		state, code := browse(t, op, u.String())
		s, err := p.Finish(context.Background(), a, state, code)
		if err != nil {
			t.Fatal(err)
		}
		x := s.Identity
		if x.Issuer != op.Issuer || x.Subject != "sub-alice" || x.Claim("email") != "alice@example.com" || x.Claim("name") != "Alice" {
			t.Fatalf("claims in ID token %v: identity %+v", inIDToken, x)
		}
		// Userinfo is asked exactly when the ID token leaves the claims out.
		if asked := op.UserinfoCalls.Load() > calls; asked == inIDToken {
			t.Fatalf("claims in ID token %v: userinfo asked %v", inIDToken, asked)
		}
		if s.IDToken == "" {
			t.Fatal("no ID token kept for the end-session hint")
		}
	}
}

func TestSignInRefusesForeignStateNonceAndVerifier(t *testing.T) {
	op, p := setup(t, true)
	ctx := context.Background()

	a := oidc.NewAttempt()
	_, code := browse(t, op, p.AuthCodeURL(a))
	if _, err := p.Finish(ctx, a, "someone-elses-state", code); !errors.Is(err, oidc.ErrState) {
		t.Fatalf("state mismatch: %v", err)
	}

	// A code obtained for another attempt (its nonce) is refused after
	// the exchange, when the ID token's nonce is compared.
	b := oidc.NewAttempt()
	state, code := browse(t, op, p.AuthCodeURL(b))
	forged := b
	forged.Nonce = "another-nonce"
	if _, err := p.Finish(ctx, forged, state, code); !errors.Is(err, oidc.ErrNonce) {
		t.Fatalf("nonce mismatch: %v", err)
	}

	// The wrong PKCE verifier: the provider refuses the code.
	c := oidc.NewAttempt()
	state, code = browse(t, op, p.AuthCodeURL(c))
	wrong := c
	wrong.Verifier = oidc.NewAttempt().Verifier
	if _, err := p.Finish(ctx, wrong, state, code); err == nil || !strings.Contains(err.Error(), "exchange") {
		t.Fatalf("wrong verifier: %v", err)
	}
}

func TestVerifyAccessToken(t *testing.T) {
	op, p := setup(t, true)
	ctx := context.Background()
	user, err := op.UserToken(ctx, "entitled", "s3cret", redirect, "alice", "pw")
	if err != nil {
		t.Fatal(err)
	}
	x, err := p.VerifyAccessToken(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	if x.Subject != "sub-alice" || x.Claim("email") != "" {
		t.Fatalf("user access token: %+v (the provider puts only sub in access tokens)", x)
	}
	if _, app := entitled.ApplicationOf(x.Claims); app {
		t.Fatal("a user's token taken for an application's")
	}
	cc, err := op.ClientCredentialsToken(ctx, "script", "script-secret")
	if err != nil {
		t.Fatal(err)
	}
	x, err = p.VerifyAccessToken(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	if app, ok := entitled.ApplicationOf(x.Claims); !ok || app != "script" {
		t.Fatalf("client credentials token: %v, %v", app, ok)
	}
	other, err := op.ClientCredentialsToken(ctx, "other", "other-secret")
	if err != nil {
		t.Fatal(err)
	}

	now := time.Now()
	claims := func(change func(map[string]any)) map[string]any {
		c := map[string]any{"iss": op.Issuer, "sub": "sub-alice", "aud": []string{api}, "exp": now.Add(time.Hour).Unix(),
			"iat": now.Unix()}
		change(c)
		return c
	}
	for _, c := range []struct {
		name, token, want string
	}{
		{"expired", op.Sign(claims(func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() })), "expired"},
		{"another audience", other, "not for this API"},
		{"another audience, signed by hand", op.Sign(claims(func(c map[string]any) { c["aud"] = "api://someone-else" })), "not for this API"},
		{"another issuer", op.Sign(claims(func(c map[string]any) { c["iss"] = "https://evil.example" })), "not issued by"},
		{"not yet valid", op.Sign(claims(func(c map[string]any) { c["nbf"] = now.Add(time.Hour).Unix() })), "nbf"},
		{"signed by a stranger", oidctest.SignWithStrangerKey(claims(func(map[string]any) {})), "not valid"},
		{"altered payload", user[:strings.LastIndex(user, ".")] + ".AAAA", "not valid"},
	} {
		_, err := p.VerifyAccessToken(ctx, c.token)
		if entitled.ErrorKind(err) != entitled.KindUnauthorized || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a 401 saying %q", c.name, err, c.want)
		}
	}
}

// After the provider rotates its key (and stops publishing the old one),
// tokens signed with the new key verify: the unknown key id makes the
// verifier fetch the keys again.
func TestKeyRotationIsPickedUp(t *testing.T) {
	op, p := setup(t, true)
	ctx := context.Background()
	first, err := op.ClientCredentialsToken(ctx, "script", "script-secret")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.VerifyAccessToken(ctx, first); err != nil {
		t.Fatal(err)
	}
	op.RotateKey(true)
	second, err := op.ClientCredentialsToken(ctx, "script", "script-secret")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.VerifyAccessToken(ctx, second); err != nil {
		t.Fatalf("token signed with the rotated key: %v", err)
	}
}

func TestEndSessionURL(t *testing.T) {
	_, p := setup(t, true)
	u, err := url.Parse(p.EndSessionURL("the-id-token", "http://127.0.0.1:1/login?signedout=1"))
	if err != nil || !strings.HasSuffix(u.Path, "/end_session") || u.Query().Get("client_id") != "entitled" ||
		u.Query().Get("id_token_hint") != "the-id-token" || u.Query().Get("post_logout_redirect_uri") == "" {
		t.Fatalf("end session URL %s (%v)", u, err)
	}
}

func TestConfigLogValueHidesTheSecret(t *testing.T) {
	v := oidc.Config{Issuer: "https://idp", ClientID: "c", ClientSecret: "very-secret"}.LogValue().String()
	if strings.Contains(v, "very-secret") || !strings.Contains(v, "clientSecretSet=true") {
		t.Fatalf("log value %s", v)
	}
}
