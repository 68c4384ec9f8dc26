package http_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	ehttp "github.com/entitled-dev/entitled/http"
	"github.com/entitled-dev/entitled/internal/oidctest"
	"github.com/entitled-dev/entitled/oidc"
)

const (
	apiAudience = "api://entitled"
	callback    = "http://127.0.0.1:1/auth/callback"
)

// providerEnv is the API with a real OpenID provider on loopback whose
// access tokens it accepts (serve --oidc-audience).
type providerEnv struct {
	*env
	op *oidctest.Provider
}

func newProviderEnv(t *testing.T) *providerEnv {
	t.Helper()
	op := oidctest.Start(t)
	op.AddClient(oidctest.Client{ID: "entitled", Secret: "s3cret", RedirectURIs: []string{callback}, Audience: []string{apiAudience}})
	op.AddClient(oidctest.Client{ID: "nightly-script", Secret: "script-secret", Audience: []string{apiAudience}})
	op.AddClient(oidctest.Client{ID: "other-api-client", Secret: "other-secret", Audience: []string{"api://someone-else"}})
	op.AddUser(oidctest.User{Subject: "sub-alice", Username: "alice", Password: "pw", Email: "alice@example.com",
		PreferredUsername: "alice", Name: "Alice"})
	op.AddUser(oidctest.User{Subject: "sub-bob", Username: "bob", Password: "pw", Email: "bob@elsewhere.example",
		PreferredUsername: "bob", Name: "Bob"})
	p, err := oidc.New(context.Background(), oidc.Config{Issuer: op.Issuer, ClientID: "entitled", ClientSecret: "s3cret",
		RedirectURL: callback, Audience: apiAudience})
	if err != nil {
		t.Fatal(err)
	}
	var e *env
	e = newEnv(t, func(c *ehttp.Config) {
		c.AccessTokens = &oidc.Authenticator{Provider: p, Directory: directoryOf(&e)}
	})
	return &providerEnv{env: e, op: op}
}

// lateDirectory lets the authenticator reach the store newEnv opens.
type lateDirectory struct{ e **env }

func directoryOf(e **env) oidc.Directory { return lateDirectory{e} }

func (d lateDirectory) ActorForIdentity(ctx context.Context, x entitled.ExternalIdentity, o entitled.SignInOptions) (*entitled.Actor, error) {
	return (*d.e).services.Tokens.ActorForIdentity(ctx, x, o)
}

func (d lateDirectory) ActorForApplication(ctx context.Context, app string) (*entitled.Actor, error) {
	return (*d.e).services.Tokens.ActorForApplication(ctx, app)
}

func (e *providerEnv) userToken(username string) string {
	e.t.Helper()
	tok, err := e.op.UserToken(context.Background(), "entitled", "s3cret", callback, username, "pw")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func (e *providerEnv) appToken(client, secret string) string {
	e.t.Helper()
	tok, err := e.op.ClientCredentialsToken(context.Background(), client, secret)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// A person's access token from the provider (only sub in it) calls the
// Graph API as the entitled user it names: by the provider's userinfo
// (asked once per token), or by the subject recorded at sign-in.
// Entitled's own tokens keep working beside it.
func TestProviderAccessTokenCallsTheAPI(t *testing.T) {
	e := newProviderEnv(t)
	alice := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "alice@example.com", "mail": "alice@example.com"}).must(t, 201)

	tok := e.userToken("alice")
	before := e.op.UserinfoCalls.Load()
	me := e.doAs(tok, "GET", "/v1.0/me", nil).must(t, 200)
	if me["id"] != alice["id"] {
		t.Fatalf("/me with alice's provider token is %v, want %v", me["id"], alice["id"])
	}
	e.doAs(tok, "GET", "/v1.0/me", nil).must(t, 200)
	if n := e.op.UserinfoCalls.Load() - before; n != 1 {
		t.Fatalf("userinfo asked %d times for one token, want 1 (cached)", n)
	}

	// Bob's provider email is not his entitled mail: he is found by the
	// subject recorded when he signed in to the web UI.
	bob := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "bob@example.com", "mail": "bob@example.com"}).must(t, 201)
	bobTok := e.userToken("bob")
	e.doAs(bobTok, "GET", "/v1.0/me", nil).graphError(t, 401, entitled.CodeUnauthorized)
	ctx := entitled.NewContext(context.Background(), entitled.SystemActor)
	if _, err := e.services.Sessions.SignInWithOIDC(ctx, entitled.ExternalIdentity{Issuer: e.op.Issuer, Subject: "sub-bob",
		Claims: map[string]any{"preferred_username": "bob@example.com"}}, entitled.SignInOptions{}); err != nil {
		t.Fatal(err)
	}
	if me := e.doAs(bobTok, "GET", "/v1.0/me", nil).must(t, 200); me["id"] != bob["id"] {
		t.Fatalf("/me with bob's token is %v, want %v", me["id"], bob["id"])
	}

	// A disabled user's token stops working.
	e.do("PATCH", "/v1.0/users/"+str(alice["id"]), map[string]any{"accountEnabled": false}).must(t, 204)
	e.doAs(tok, "GET", "/v1.0/me", nil).graphError(t, 401, entitled.CodeUnauthorized)

	// Entitled's own token still works.
	if me := e.do("GET", "/v1.0/me", nil).must(t, 200); me["id"] != e.admin.ID {
		t.Fatalf("/me with the admin's entitled token: %v", me["id"])
	}
}

// Expired, wrong-audience, wrong-issuer and forged tokens are 401 with
// Graph's error envelope and an invalid_token challenge.
func TestBadProviderTokensAre401(t *testing.T) {
	e := newProviderEnv(t)
	e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "alice@example.com", "mail": "alice@example.com"}).must(t, 201)
	now := time.Now()
	claims := func(k string, v any) map[string]any {
		c := map[string]any{"iss": e.op.Issuer, "sub": "sub-alice", "aud": apiAudience, "exp": now.Add(time.Hour).Unix(),
			"iat": now.Unix(), "email": "alice@example.com"}
		if k != "" {
			c[k] = v
		}
		return c
	}
	good := e.op.Sign(claims("", nil))
	e.doAs(good, "GET", "/v1.0/me", nil).must(t, 200)
	for _, c := range []struct{ name, token, says string }{
		{"expired", e.op.Sign(claims("exp", now.Add(-time.Minute).Unix())), "expired"},
		{"wrong audience", e.appToken("other-api-client", "other-secret"), "not for this API"},
		{"wrong issuer", e.op.Sign(claims("iss", "https://login.example.com/evil")), "not issued by"},
		{"stranger's signature", oidctest.SignWithStrangerKey(claims("", nil)), "not valid"},
		{"not yet valid", e.op.Sign(claims("nbf", now.Add(time.Hour).Unix())), "nbf"},
	} {
		r := e.doAs(c.token, "GET", "/v1.0/me", nil)
		er := r.graphError(t, 401, entitled.CodeUnauthorized)
		if !strings.Contains(str(er["message"]), c.says) {
			t.Errorf("%s: message %q, want it to say %q", c.name, er["message"], c.says)
		}
		if ch := r.header.Get("WWW-Authenticate"); !strings.Contains(ch, `error="invalid_token"`) {
			t.Errorf("%s: WWW-Authenticate %q", c.name, ch)
		}
	}

	// The provider rotates its key and drops the old one: new tokens work.
	e.op.RotateKey(true)
	e.doAs(e.op.Sign(claims("", nil)), "GET", "/v1.0/me", nil).must(t, 200)
	e.doAs(good, "GET", "/v1.0/me", nil).graphError(t, 401, entitled.CodeUnauthorized)
}

// An application's own token (client credentials) is refused until an
// administrator registers it as a service principal; then it acts with the
// roles given to that principal: none → 403, User Administrator → allowed.
func TestApplicationTokenActsAsServicePrincipal(t *testing.T) {
	e := newProviderEnv(t)
	tok := e.appToken("nightly-script", "script-secret")
	er := e.doAs(tok, "GET", "/v1.0/me", nil).graphError(t, 401, entitled.CodeUnauthorized)
	if m := str(er["message"]); !strings.Contains(m, `"nightly-script"`) || !strings.Contains(m, "POST /v1.0/servicePrincipals") {
		t.Fatalf("unknown application: %q", m)
	}

	sp := e.do("POST", "/v1.0/servicePrincipals", map[string]any{"appId": "nightly-script", "displayName": "Nightly script"}).must(t, 201)
	if sp["appId"] != "nightly-script" || sp["displayName"] != "Nightly script" || str(sp["id"]) == "" {
		t.Fatalf("service principal %v", sp)
	}
	e.do("POST", "/v1.0/servicePrincipals", map[string]any{"appId": "nightly-script"}).graphError(t, 409, entitled.CodeConflict)
	e.do("POST", "/v1.0/servicePrincipals", map[string]any{}).graphError(t, 400, entitled.CodeBadRequest)

	newUser := map[string]any{"userPrincipalName": "made-by-script@example.com"}
	e.doAs(tok, "POST", "/v1.0/users", newUser).graphError(t, 403, entitled.CodeForbidden)
	e.do("POST", "/v1.0/roleManagement/directory/roleAssignments", map[string]any{"principalId": sp["id"],
		"roleDefinitionId": entitled.RoleUserAdministrator, "directoryScopeId": "/"}).must(t, 201)
	e.doAs(tok, "POST", "/v1.0/users", newUser).must(t, 201)

	// The service principal is listed as one, not as a user.
	list := e.do("GET", "/v1.0/servicePrincipals?$filter=appId%20eq%20%27nightly-script%27", nil).must(t, 200)
	if v, _ := list["value"].([]any); len(v) != 1 {
		t.Fatalf("service principals: %v", list)
	}
	users := e.do("GET", "/v1.0/users", nil).must(t, 200)
	for _, u := range users["value"].([]any) {
		if u.(map[string]any)["id"] == sp["id"] {
			t.Fatal("the service principal is listed among the users")
		}
	}

	// Deleting it ends its tokens.
	e.do("DELETE", "/v1.0/servicePrincipals/"+str(sp["id"]), nil).must(t, 204)
	e.doAs(tok, "POST", "/v1.0/users", map[string]any{"userPrincipalName": "again@example.com"}).graphError(t, 401, entitled.CodeUnauthorized)
}
