// Package oidc connects entitled to an OpenID Connect provider (Entra ID,
// Okta, Keycloak, Authentik, Google …) with github.com/coreos/go-oidc and
// golang.org/x/oauth2: discovery, the authorization code flow with PKCE,
// state and nonce for the web UI, ID-token and access-token verification
// against the provider's keys, and userinfo. Who an identity is in entitled
// is decided by the root package's rules (entitled.DecideSignIn,
// entitled.ApplicationOf); the store applies them.
package oidc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/entitled-dev/entitled"
)

// Config configures a Provider.
type Config struct {
	// Issuer is the provider's issuer URL; discovery reads
	// {Issuer}/.well-known/openid-configuration.
	Issuer string
	// ClientID and ClientSecret are entitled's registration at the
	// provider. The secret is never logged (LogValue hides it).
	ClientID     string
	ClientSecret string
	// RedirectURL is {base URL}/auth/callback.
	RedirectURL string
	// Name is the provider's name on the sign-in button; "" uses the
	// issuer's host.
	Name string
	// Scopes requested at sign-in; nil means openid, profile and email.
	Scopes []string
	// Audience, when set, makes the API accept the provider's JWT access
	// tokens whose aud contains it.
	Audience string
	// HTTPClient is used for discovery, keys, token and userinfo calls;
	// nil means a client with a 15-second timeout.
	HTTPClient *http.Client
}

// LogValue logs the configuration without the client secret.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("issuer", c.Issuer), slog.String("clientID", c.ClientID),
		slog.Bool("clientSecretSet", c.ClientSecret != ""), slog.String("redirectURL", c.RedirectURL),
		slog.String("audience", c.Audience))
}

// Provider is a discovered OpenID provider.
type Provider struct {
	cfg        Config
	client     *http.Client
	op         *gooidc.Provider
	oauth      oauth2.Config
	idTokens   *gooidc.IDTokenVerifier
	access     *gooidc.IDTokenVerifier
	endSession string
	userinfo   *userinfoCache
}

// New discovers the provider at cfg.Issuer.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" {
		return nil, errors.New("oidc: the issuer and the client id are required")
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	dctx := gooidc.ClientContext(ctx, client)
	op, err := gooidc.NewProvider(dctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discover %s: %w", cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := op.Claims(&extra); err != nil {
		return nil, fmt.Errorf("oidc: read the discovery document of %s: %w", cfg.Issuer, err)
	}
	scopes := cfg.Scopes
	if scopes == nil {
		scopes = []string{gooidc.ScopeOpenID, "profile", "email"}
	}
	if cfg.Name == "" {
		if u, err := url.Parse(cfg.Issuer); err == nil {
			cfg.Name = u.Host
		}
	}
	p := &Provider{cfg: cfg, client: client, op: op, endSession: extra.EndSession, userinfo: newUserinfoCache(1000)}
	p.oauth = oauth2.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL,
		Endpoint: op.Endpoint(), Scopes: scopes}
	p.idTokens = op.Verifier(&gooidc.Config{ClientID: cfg.ClientID})
	if cfg.Audience != "" {
		p.access = op.Verifier(&gooidc.Config{ClientID: cfg.Audience})
	}
	return p, nil
}

// Name is the provider's name for the sign-in button.
func (p *Provider) Name() string { return p.cfg.Name }

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

// AcceptsAccessTokens reports whether an audience is configured.
func (p *Provider) AcceptsAccessTokens() bool { return p.access != nil }

// ctx carries the HTTP client for go-oidc and x/oauth2.
func (p *Provider) ctx(ctx context.Context) context.Context {
	return gooidc.ClientContext(ctx, p.client)
}

// Attempt is one sign-in in progress: the secrets the callback must match,
// kept by the browser in a short-lived cookie.
type Attempt struct {
	State    string
	Nonce    string
	Verifier string
}

// NewAttempt makes fresh random state, nonce and PKCE verifier.
func NewAttempt() Attempt {
	return Attempt{State: oauth2.GenerateVerifier(), Nonce: oauth2.GenerateVerifier(), Verifier: oauth2.GenerateVerifier()}
}

// AuthCodeURL is where the browser goes to sign in at the provider, with
// state, nonce and the S256 PKCE challenge of the attempt.
func (p *Provider) AuthCodeURL(a Attempt) string {
	return p.oauth.AuthCodeURL(a.State, gooidc.Nonce(a.Nonce), oauth2.S256ChallengeOption(a.Verifier))
}

// Errors of a sign-in that a person can cause; the UI shows their message.
var (
	ErrState = entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized,
		"this sign-in did not start here or has expired (its state does not match); start again from the sign-in page").WithKey("err.oidc.badState")
	ErrNonce = entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized,
		"the identity provider's ID token was not issued for this sign-in (its nonce does not match); start again from the sign-in page").WithKey("err.oidc.badNonce")
)

// SignIn is a finished sign-in: who the provider says it is, and the raw ID
// token (for the end-session hint).
type SignIn struct {
	Identity entitled.ExternalIdentity
	IDToken  string
}

// Finish completes a sign-in at the callback: it checks state, exchanges the
// code with the PKCE verifier, verifies the ID token (signature, issuer,
// audience, expiry) and its nonce, and merges the userinfo claims the ID
// token leaves out.
func (p *Provider) Finish(ctx context.Context, a Attempt, state, code string) (*SignIn, error) {
	if a.State == "" || state != a.State {
		return nil, ErrState
	}
	if code == "" {
		return nil, entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized, "the identity provider sent no authorization code").WithKey("err.oidc.noCode")
	}
	ctx = p.ctx(ctx)
	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(a.Verifier))
	if err != nil {
		return nil, fmt.Errorf("oidc: exchange the authorization code: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errors.New("oidc: the token answer has no id_token")
	}
	idt, err := p.idTokens.Verify(ctx, raw)
	if err != nil {
		return nil, entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized, "the identity provider's ID token is not valid: %v", err).WithKey("err.oidc.badIdToken", "Problem", err)
	}
	if idt.Nonce != a.Nonce {
		return nil, ErrNonce
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, err
	}
	if missingProfile(claims) {
		ui, err := p.op.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return nil, fmt.Errorf("oidc: userinfo: %w", err)
		}
		if ui.Subject != idt.Subject {
			return nil, errors.New("oidc: the userinfo answer is about another subject")
		}
		if err := mergeUserinfo(claims, ui); err != nil {
			return nil, err
		}
	}
	return &SignIn{Identity: entitled.ExternalIdentity{Issuer: idt.Issuer, Subject: idt.Subject, Claims: claims}, IDToken: raw}, nil
}

// missingProfile reports whether claims lack every claim entitled matches
// or names users by, so userinfo should be asked.
func missingProfile(claims map[string]any) bool {
	for _, k := range []string{"email", "preferred_username", "name", "upn"} {
		if s, _ := claims[k].(string); s != "" {
			return false
		}
	}
	return true
}

// mergeUserinfo adds userinfo claims the token does not carry.
func mergeUserinfo(claims map[string]any, ui *gooidc.UserInfo) error {
	extra := map[string]any{}
	if err := ui.Claims(&extra); err != nil {
		return err
	}
	for k, v := range extra {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	return nil
}

// EndSessionURL is the provider's end-session address that signs the person
// out there too and comes back to postLogout; "" when the provider has no
// end-session endpoint.
func (p *Provider) EndSessionURL(idTokenHint, postLogout string) string {
	if p.endSession == "" {
		return ""
	}
	q := url.Values{"client_id": {p.cfg.ClientID}}
	if postLogout != "" {
		q.Set("post_logout_redirect_uri", postLogout)
	}
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	sep := "?"
	if strings.Contains(p.endSession, "?") {
		sep = "&"
	}
	return p.endSession + sep + q.Encode()
}
