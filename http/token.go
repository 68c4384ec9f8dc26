package http

import (
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

type tokenInput struct {
	UserID      *string `json:"userId"`
	TTL         *string `json:"ttl"`
	Description *string `json:"description"`
}

// tokenInfoWire is a token as listed: never its secret.
type tokenInfoWire struct {
	ID          string `json:"id"`
	UserID      string `json:"userId"`
	Description string `json:"description"`
	// Scope is "" for a full token, "scim" for a provisioning token.
	Scope           string  `json:"scope"`
	ParentID        *string `json:"parentId"`
	CreatedDateTime *string `json:"createdDateTime"`
	ExpiresDateTime *string `json:"expiresDateTime"`
	RevokedDateTime *string `json:"revokedDateTime"`
}

// tokenWire is an issued token; Token (the secret) is shown only here.
type tokenWire struct {
	tokenInfoWire
	Token string `json:"token"`
}

func toTokenInfo(t entitled.Token) tokenInfoWire {
	w := tokenInfoWire{ID: t.ID, UserID: t.UserID, Description: t.Description, Scope: t.Scope, CreatedDateTime: fmtTime(t.CreatedDateTime),
		ExpiresDateTime: fmtTimePtr(t.ExpiresDateTime), RevokedDateTime: fmtTimePtr(t.RevokedDateTime)}
	w.ParentID = orNull(t.ParentID)
	return w
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
			return badProp("ttl", "ttl must not be negative").WithKey("err.token.negativeTTL")
		}
		secret, tok, err := s.svc.Tokens.CreateToken(r.Context(), entitled.TokenRequest{User: user, TTL: ttl, Description: str(in.Description)})
		if err != nil {
			return err
		}
		return s.created(w, r, "", tok.ID, tokenWire{tokenInfoWire: toTokenInfo(*tok), Token: secret})
	})
	s.routes.handle("GET", apiBase+"/tokens", func(w http.ResponseWriter, r *http.Request, _ params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		pg, err := s.svc.Tokens.Tokens(r.Context(), entitled.TokenQuery{ListOptions: q.List, UserID: r.URL.Query().Get("userId")})
		if err != nil {
			return err
		}
		return writePage(s, w, r, "", pg, q.Select, func(t entitled.Token) (any, error) { return toTokenInfo(t), nil })
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
