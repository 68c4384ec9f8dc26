package http

import (
	"net/http"

	"github.com/entitled-dev/entitled"
)

type tokenInput struct {
	UserID *string `json:"userId"`
	TTL    *string `json:"ttl"`
}

// tokenWire is an issued token; Token (the secret) is shown only here.
type tokenWire struct {
	ID              string  `json:"id"`
	Token           string  `json:"token"`
	UserID          string  `json:"userId"`
	ExpiresDateTime *string `json:"expiresDateTime"`
}

func (s *Server) registerTokens() {
	s.routes.handle("POST", apiBase+"/tokens", func(w http.ResponseWriter, r *http.Request, _ params) error {
		var in tokenInput
		if r.ContentLength != 0 {
			if err := s.decode(r, &in); err != nil && !isEmptyBody(err) {
				return err
			}
		}
		user := entitled.ActorFrom(r.Context()).User.ID
		if in.UserID != nil && *in.UserID != "" {
			user = *in.UserID
		}
		ttl, err := parseDuration(in.TTL, "ttl", true)
		if err != nil {
			return err
		}
		if ttl < 0 {
			return badProp("ttl", "ttl must not be negative")
		}
		secret, tok, err := s.svc.Tokens.IssueToken(r.Context(), user, ttl)
		if err != nil {
			return err
		}
		return s.created(w, r, "", tok.ID, tokenWire{ID: tok.ID, Token: secret, UserID: tok.UserID,
			ExpiresDateTime: fmtTimePtr(tok.ExpiresDateTime)})
	})
	s.routes.handle("DELETE", apiBase+"/tokens/{id}", func(w http.ResponseWriter, r *http.Request, p params) error {
		if err := s.svc.Tokens.RevokeToken(r.Context(), p["id"]); err != nil {
			return err
		}
		return noContent(w)
	})
}

// isEmptyBody reports the decode error of an empty body.
func isEmptyBody(err error) bool {
	e, ok := err.(*entitled.Error)
	return ok && e.Message == emptyBodyMessage
}
