package entitled

import (
	"context"
	"time"
)

// Token is a bearer token of a user. Only its SHA-256 hash is stored; the
// secret is shown once, when the token is issued.
type Token struct {
	ID     string
	UserID string
	// Description is the caller's note on what the token is for.
	Description string
	// ParentID is the token whose holder minted this one over the API;
	// empty for tokens issued on the host (`entitled token issue`). A token
	// never outlives its parent, and revoking the parent revokes it.
	ParentID string
	// Scope narrows what the token may do: "" is everything its user may,
	// TokenScopeSCIM only SCIM provisioning (ScopeAllows).
	Scope           string
	ExpiresDateTime *time.Time
	RevokedDateTime *time.Time
	CreatedDateTime time.Time
}

// TokenPrefix starts every bearer token, so a leaked one is easy to recognise.
const TokenPrefix = "ent_"

// TokenRequest asks for a new token.
type TokenRequest struct {
	// User is the id or userPrincipalName of the token's owner.
	User string
	// TTL is the requested lifetime; 0 asks for no expiry. A token minted
	// with a token (TokenFrom) never outlives it: the parent's expiry bounds it.
	TTL time.Duration
	// Description is an optional note shown when tokens are listed.
	Description string
	// Scope narrows the token (Token.Scope); "" for a full token.
	Scope string
}

// TokenQuery lists tokens.
type TokenQuery struct {
	ListOptions
	// UserID (id or userPrincipalName) selects whose tokens; "" means the caller's.
	UserID string
}

type tokenKey struct{}

// WithToken returns a context carrying the token the caller authenticated
// with; tokens minted in that context record it as their parent.
func WithToken(ctx context.Context, t *Token) context.Context {
	return context.WithValue(ctx, tokenKey{}, t)
}

// TokenFrom returns the token the caller authenticated with, or nil (the
// system, the CLI, a web UI session).
func TokenFrom(ctx context.Context) *Token {
	t, _ := ctx.Value(tokenKey{}).(*Token)
	return t
}

// ChildExpiry is the expiry of a token requested with ttl (0: none) at now
// by the holder of a token expiring at parent (nil: never): the earlier of
// the two, so a minted token never outlives the token that minted it.
func ChildExpiry(now time.Time, ttl time.Duration, parent *time.Time) *time.Time {
	var exp *time.Time
	if ttl > 0 {
		e := now.Add(ttl)
		exp = &e
	}
	if parent != nil && (exp == nil || parent.Before(*exp)) {
		p := *parent
		exp = &p
	}
	return exp
}
