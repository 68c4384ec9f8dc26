// Package oidctest runs a real OpenID provider on loopback for tests: it is
// built on github.com/zitadel/oidc's op package with a small in-memory
// storage of its own (storage.go). It serves discovery, a JWKS whose keys
// can be rotated, authorize with a login form a browser fills, token
// (authorization code with PKCE, client credentials), userinfo and
// end_session. Tokens are RS256 JWTs signed with real keys.
package oidctest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// User is a person who can sign in at the provider.
type User struct {
	// Subject is the provider's id of the user (the sub claim).
	Subject           string
	Username          string // typed into the login form
	Password          string
	Email             string
	PreferredUsername string
	Name              string
}

// Client is an application registered at the provider.
type Client struct {
	ID, Secret string
	// RedirectURIs and PostLogoutRedirectURIs are the allowed redirects.
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	// ClaimsInIDToken puts the profile and email claims into the ID token;
	// false leaves them to the userinfo endpoint, as many providers do.
	ClaimsInIDToken bool
	// Audience is added to the aud of the access tokens the client gets
	// (the API they are for), besides the client id.
	Audience []string
}

// Provider is a running OpenID provider.
type Provider struct {
	// Issuer is the provider's URL (http://127.0.0.1:port).
	Issuer string
	srv    *httptest.Server
	store  *storage
	op     *op.Provider
	// UserinfoCalls counts answers of the userinfo endpoint.
	UserinfoCalls atomic.Int64
	// EndSessions counts sessions ended at end_session.
	EndSessions atomic.Int64
}

// Start runs a provider until the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{Issuer: "http://" + ln.Addr().String()}
	p.store = newStorage(p)
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		t.Fatal(err)
	}
	p.op, err = op.NewOpenIDProvider(p.Issuer, &op.Config{
		CryptoKey:                key,
		DefaultLogoutRedirectURI: "/signed-out",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedUILocales:       []language.Tag{language.English},
	}, p.store, op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", p.loginForm)
	mux.HandleFunc("POST /login", p.login)
	mux.HandleFunc("GET /signed-out", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "signed out of the provider")
	})
	mux.Handle("/userinfo", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.UserinfoCalls.Add(1)
		p.op.ServeHTTP(w, r)
	}))
	mux.Handle("/", p.op)
	p.srv = &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

// AddUser registers a user.
func (p *Provider) AddUser(u User) { p.store.addUser(u) }

// AddClient registers an application.
func (p *Provider) AddClient(c Client) { p.store.addClient(c) }

// RotateKey makes a new signing key current; the old ones stay in the JWKS
// unless retire is set, when only the new key is published.
func (p *Provider) RotateKey(retire bool) { p.store.rotate(retire) }

// SetTokenLifetime sets how long access tokens issued from now on live.
func (p *Provider) SetTokenLifetime(d time.Duration) { p.store.setTTL(d) }

// Sign signs claims with the provider's current key, as its tokens are: for
// tests that need a token the provider would not issue (expired, another
// audience or issuer).
func (p *Provider) Sign(claims map[string]any) string { return p.store.sign(claims) }

// SignWithStrangerKey signs claims with a key the provider does not publish.
func SignWithStrangerKey(claims map[string]any) string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return signWith(&signingKey{id: "stranger", key: k}, claims)
}

// ClientCredentialsToken gets an access token for the client itself (the
// client credentials grant) from the token endpoint.
func (p *Provider) ClientCredentialsToken(ctx context.Context, clientID, secret string) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"openid"}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.Issuer+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	return p.tokenCall(req)
}

// UserToken signs the user in through the authorization code flow with
// PKCE, as a browser and the client would (authorize, login form, callback,
// token endpoint), and returns the access token.
func (p *Provider) UserToken(ctx context.Context, clientID, secret, redirectURI, username, password string) (string, error) {
	verifier := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprint(time.Now().UnixNano(), "verifier-of-some-length")))
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirectURI}, "response_type": {"code"},
		"scope": {"openid profile email"}, "state": {"st"}, "nonce": {"n"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	step := func(method, u string, form url.Values) (string, error) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequestWithContext(ctx, method, u, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := noFollow.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		loc, err := resp.Location()
		if err != nil {
			return "", fmt.Errorf("%s %s: %s %s", method, u, resp.Status, b)
		}
		return loc.String(), nil
	}
	loc, err := step(http.MethodGet, p.Issuer+"/authorize?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	lu, _ := url.Parse(loc)
	loc, err = step(http.MethodPost, p.Issuer+"/login", url.Values{"id": {lu.Query().Get("id")}, "username": {username}, "password": {password}})
	if err != nil {
		return "", err
	}
	loc, err = step(http.MethodGet, loc, nil)
	if err != nil {
		return "", err
	}
	cu, _ := url.Parse(loc)
	code := cu.Query().Get("code")
	if code == "" {
		return "", fmt.Errorf("no code in the redirect %s", loc)
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}, "code_verifier": {verifier}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, p.Issuer+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(secret))
	return p.tokenCall(req)
}

func (p *Provider) tokenCall(req *http.Request) (string, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token endpoint: %s %s", resp.Status, b)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(b, &tr); err != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("token endpoint answered %s", b)
	}
	return tr.AccessToken, nil
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html><head><title>Test provider sign-in</title></head><body>
<h1>Sign in to the test provider</h1>
{{if .Error}}<p id="error">{{.Error}}</p>{{end}}
<form method="post" action="/login">
<input type="hidden" name="id" value="{{.ID}}">
<label>Username <input id="username" name="username"></label>
<label>Password <input id="password" name="password" type="password"></label>
<button id="login" type="submit">Sign in</button>
</form></body></html>`))

func (p *Provider) loginForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	loginPage.Execute(w, map[string]string{"ID": r.URL.Query().Get("id")})
}

// login checks the form and completes the auth request for the user.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	id := r.PostForm.Get("id")
	sub, ok := p.store.checkPassword(r.PostForm.Get("username"), r.PostForm.Get("password"))
	if !ok {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusUnauthorized)
		loginPage.Execute(w, map[string]string{"ID": id, "Error": "wrong username or password"})
		return
	}
	if err := p.store.complete(id, sub); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, op.AuthCallbackURL(p.op)(op.ContextWithIssuer(r.Context(), p.Issuer), id), http.StatusFound)
}

// signWith signs claims as a JWT with key.
func signWith(k *signingKey, claims map[string]any) string {
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k.key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", k.id))
	if err != nil {
		panic(err)
	}
	b, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	jws, err := s.Sign(b)
	if err != nil {
		panic(err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		panic(err)
	}
	return out
}
