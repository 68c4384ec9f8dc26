package http

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// scimPrefix is where Config.SCIM is served.
const scimPrefix = "/scim/"

// isSCIMPath reports whether a path is under the SCIM endpoint.
func isSCIMPath(p string) bool { return p == "/scim" || strings.HasPrefix(p, scimPrefix) }

// serveSCIM authenticates a SCIM request: only a provisioning token
// (entitled.TokenScopeSCIM) is accepted there (entitled.ScopeAllowsRoute),
// then Config.SCIM serves it. Errors are SCIM errors (RFC 7644 §3.12),
// which provisioning clients read.
func (s *Server) serveSCIM(w http.ResponseWriter, r *http.Request) {
	actor, tok, err := s.authenticate(r)
	if err == nil && !entitled.ScopeAllowsRoute(actor.Scope, true) {
		err = entitled.Forbiddenf("the SCIM endpoint accepts only provisioning tokens (entitled scim token)").WithKey("api.scimTokenRequired")
	}
	if err != nil {
		writeSCIMError(w, r, err)
		return
	}
	if st, ok := r.Context().Value(logStateKey{}).(*logState); ok {
		st.userID = actor.User.ID
	}
	s.cfg.SCIM.ServeHTTP(w, r.WithContext(entitled.WithToken(entitled.NewContext(r.Context(), actor), tok)))
}

// errScopedToken is the 403 of a scoped token on a route its scope does
// not open.
func errScopedToken() error {
	return entitled.Forbiddenf("a provisioning token may only call the SCIM endpoint (/scim/v2)").WithKey("api.scimTokenOnly")
}

// writeSCIMError writes err as a SCIM error.
func writeSCIMError(w http.ResponseWriter, r *http.Request, err error) {
	status, d := describe(err, i18n.For(r.Header.Get("Accept-Language")))
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", wwwAuthenticate(r))
	}
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
		"status":  strconv.Itoa(status),
		"detail":  d.Message,
	})
}
