package http

import (
	"context"
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
)

// AccessTokenAuthenticator authenticates bearer tokens that are JWT access
// tokens of an identity provider; *oidc.Authenticator implements it.
type AccessTokenAuthenticator interface {
	AuthenticateAccessToken(ctx context.Context, raw string) (*entitled.Actor, error)
}

// looksLikeJWT reports whether a bearer token has a JWT's three parts;
// entitled's own tokens (ent_…) never do.
func looksLikeJWT(s string) bool {
	if len(s) >= 16<<10 || len(s) >= len(entitled.TokenPrefix) && s[:len(entitled.TokenPrefix)] == entitled.TokenPrefix {
		return false
	}
	dots := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			dots++
		}
	}
	return dots == 2
}

// wwwAuthenticate is the challenge of a 401: RFC 6750's invalid_token when
// a bearer token was sent, so OAuth clients know to get a new one.
func wwwAuthenticate(r *http.Request) string {
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "Bearer") {
		return `Bearer realm="entitled", error="invalid_token"`
	}
	return `Bearer realm="entitled"`
}
