package entitled

import "time"

// Token is a bearer token of a user. Only its SHA-256 hash is stored; the
// secret is shown once, when the token is issued.
type Token struct {
	ID              string
	UserID          string
	ExpiresDateTime *time.Time
	RevokedDateTime *time.Time
	CreatedDateTime time.Time
}

// TokenPrefix starts every bearer token, so a leaked one is easy to recognise.
const TokenPrefix = "ent_"
