package oidc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/entitled-dev/entitled"
)

// Directory finds who an access token is in entitled;
// *sqlstore.TokenService implements it.
type Directory interface {
	// ActorForIdentity is the user a person's token names (recorded
	// subject, then claim matches), or a 401.
	ActorForIdentity(ctx context.Context, x entitled.ExternalIdentity, o entitled.SignInOptions) (*entitled.Actor, error)
	// ActorForApplication is the service principal of an application's
	// own token, or a 401.
	ActorForApplication(ctx context.Context, appID string) (*entitled.Actor, error)
}

// Authenticator authenticates API callers by the provider's JWT access
// tokens; http.Server calls it (Config.AccessTokens) for bearer tokens that
// look like a JWT.
type Authenticator struct {
	Provider  *Provider
	Directory Directory
	Options   entitled.SignInOptions
}

// invalidToken is a 401 for an access token that is refused; callers add
// the message key.
//
//i18n:keyed-by-caller
func invalidToken(format string, args ...any) *entitled.Error {
	return entitled.Errorf(entitled.KindUnauthorized, entitled.CodeUnauthorized, format, args...)
}

// VerifyAccessToken checks an access token's signature against the
// provider's keys (fetched again when a token names a key not yet seen, so
// rotation is picked up), its issuer, audience, expiry and nbf; it returns
// its claims, or a 401 saying what is wrong.
func (p *Provider) VerifyAccessToken(ctx context.Context, raw string) (entitled.ExternalIdentity, error) {
	if p.access == nil {
		return entitled.ExternalIdentity{}, invalidToken("this entitled does not accept access tokens of an identity provider (serve --oidc-audience is not set)").WithKey("err.oidc.noAudience")
	}
	t, err := p.access.Verify(p.ctx(ctx), raw)
	if err != nil {
		var exp *gooidc.TokenExpiredError
		switch {
		case errors.As(err, &exp):
			return entitled.ExternalIdentity{}, invalidToken("the access token expired at %s", exp.Expiry.UTC().Format(time.RFC3339)).WithKey("err.oidc.expired", "Expiry", exp.Expiry.UTC().Format(time.RFC3339))
		case strings.Contains(err.Error(), "audience"):
			return entitled.ExternalIdentity{}, invalidToken("the access token is not for this API: its audience does not include %q", p.cfg.Audience).WithKey("err.oidc.wrongAudience", "Audience", p.cfg.Audience)
		case strings.Contains(err.Error(), "issued by a different provider"), strings.Contains(err.Error(), "id token issued by"):
			return entitled.ExternalIdentity{}, invalidToken("the access token was not issued by %s", p.cfg.Issuer).WithKey("err.oidc.wrongIssuer", "Issuer", p.cfg.Issuer)
		}
		return entitled.ExternalIdentity{}, invalidToken("the access token is not valid: %v", strings.TrimPrefix(err.Error(), "oidc: ")).WithKey("err.oidc.invalid", "Problem", strings.TrimPrefix(err.Error(), "oidc: "))
	}
	claims := map[string]any{}
	if err := t.Claims(&claims); err != nil {
		return entitled.ExternalIdentity{}, invalidToken("the access token's claims cannot be read").WithKey("err.oidc.unreadableClaims")
	}
	return entitled.ExternalIdentity{Issuer: t.Issuer, Subject: t.Subject, Claims: claims}, nil
}

// AuthenticateAccessToken is the actor of an API call with the provider's
// access token: the service principal of an application token
// (entitled.ApplicationOf), else the user it names — by the subject
// recorded at sign-in or the claim matches, asking the provider's userinfo
// endpoint (answers cached until the token expires) when the token carries
// none of the claims.
func (a *Authenticator) AuthenticateAccessToken(ctx context.Context, raw string) (*entitled.Actor, error) {
	x, err := a.Provider.VerifyAccessToken(ctx, raw)
	if err != nil {
		return nil, err
	}
	if app, ok := entitled.ApplicationOf(x.Claims); ok {
		return a.Directory.ActorForApplication(ctx, app)
	}
	opts := a.Options
	if opts.Provider == "" {
		opts.Provider = a.Provider.Name()
	}
	actor, err := a.Directory.ActorForIdentity(ctx, x, opts)
	if err == nil || entitled.ErrorKind(err) != entitled.KindUnauthorized || hasMatchClaim(x, opts.Matches) {
		return actor, err
	}
	extra, uerr := a.Provider.userinfoFor(ctx, raw, x)
	if uerr != nil {
		return nil, invalidToken("the access token names no user by the claims entitled matches, and the provider's userinfo endpoint did not answer for it: %v", uerr).WithKey("err.oidc.noUser", "Problem", uerr)
	}
	for k, v := range extra {
		if _, ok := x.Claims[k]; !ok {
			x.Claims[k] = v
		}
	}
	return a.Directory.ActorForIdentity(ctx, x, opts)
}

// hasMatchClaim reports whether the token carries a claim of the matches.
func hasMatchClaim(x entitled.ExternalIdentity, matches []entitled.ClaimMatch) bool {
	if matches == nil {
		matches = entitled.DefaultClaimMatches
	}
	for _, m := range matches {
		if x.Claim(m.Claim) != "" {
			return true
		}
	}
	return false
}

// userinfoFor asks the userinfo endpoint about the token's holder, cached
// by the token's hash until the token expires.
func (p *Provider) userinfoFor(ctx context.Context, raw string, x entitled.ExternalIdentity) (map[string]any, error) {
	sum := sha256.Sum256([]byte(raw))
	key := hex.EncodeToString(sum[:])
	if c, ok := p.userinfo.get(key); ok {
		return c, nil
	}
	ui, err := p.op.UserInfo(p.ctx(ctx), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: raw, TokenType: "Bearer"}))
	if err != nil {
		return nil, err
	}
	if ui.Subject != x.Subject {
		return nil, errors.New("the userinfo answer is about another subject")
	}
	claims := map[string]any{}
	if err := ui.Claims(&claims); err != nil {
		return nil, err
	}
	exp := time.Now().Add(5 * time.Minute)
	if f, ok := x.Claims["exp"].(float64); ok {
		exp = time.Unix(int64(f), 0)
	}
	p.userinfo.put(key, claims, exp)
	return claims, nil
}
