package ui

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/oidc"
)

// IdentityProvider is the OpenID provider people sign in with;
// *oidc.Provider implements it.
type IdentityProvider interface {
	// Name is shown on the sign-in button.
	Name() string
	// AuthCodeURL is the provider's sign-in address for an attempt.
	AuthCodeURL(a oidc.Attempt) string
	// Finish checks state, exchanges the code (PKCE), verifies the ID
	// token and its nonce and returns who signed in.
	Finish(ctx context.Context, a oidc.Attempt, state, code string) (*oidc.SignIn, error)
	// EndSessionURL is the provider's sign-out address, "" when none.
	EndSessionURL(idTokenHint, postLogout string) string
}

// OIDCUsers finds the entitled user of a sign-in and starts their session;
// *sqlstore.SessionService implements it.
type OIDCUsers interface {
	SignInWithOIDC(ctx context.Context, x entitled.ExternalIdentity, o entitled.SignInOptions) (*entitled.User, error)
	StartSession(ctx context.Context, userID string, ttl time.Duration, method string) (string, error)
}

// OIDCConfig turns on sign-in with an OpenID provider.
type OIDCConfig struct {
	Provider IdentityProvider
	Users    OIDCUsers
	// Options are the matching and creation settings.
	Options entitled.SignInOptions
	// PostLogoutURL is where the provider sends people after signing
	// out there ({base URL}/login); register it at the provider.
	PostLogoutURL string
}

// Cookies of a sign-in with the provider.
const (
	// attemptCookie carries the state, nonce and PKCE verifier from
	// /auth/login to /auth/callback (ten minutes, that path only).
	attemptCookie = "entitled_oidc_attempt"
	// idTokenCookie keeps the ID token as the hint for the provider's
	// end-session endpoint.
	idTokenCookie = "entitled_oidc_id"
)

func (h *handler) cookie(w http.ResponseWriter, r *http.Request, name, value, path string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isHTTPS(r)})
}

// oidcLogin starts a sign-in at the provider: fresh state, nonce and PKCE
// verifier in a cookie, then off to the provider.
func (h *handler) oidcLogin(w http.ResponseWriter, r *http.Request) {
	if h.cfg.OIDC == nil {
		h.notFound(w, r)
		return
	}
	a := oidc.NewAttempt()
	b, _ := json.Marshal(a)
	h.cookie(w, r, attemptCookie, base64.RawURLEncoding.EncodeToString(b), "/auth/callback", 600)
	http.Redirect(w, r, h.cfg.OIDC.Provider.AuthCodeURL(a), http.StatusFound)
}

// oidcCallback finishes a sign-in: the provider's answer is checked
// (state, code with PKCE, ID token and nonce), the person is matched to an
// entitled user (entitled.DecideSignIn) and their session starts. Refusals
// show the sign-in page with what to do.
func (h *handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	o := h.cfg.OIDC
	if o == nil {
		h.notFound(w, r)
		return
	}
	h.cookie(w, r, attemptCookie, "", "/auth/callback", -1)
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		msg := q.Get("error_description")
		if msg == "" {
			msg = e
		}
		h.refuse(w, r, http.StatusUnauthorized, h.localizer(r, nil).T("oidc.providerRefused", i18n.V("Provider", o.Provider.Name()), i18n.V("Message", msg)))
		return
	}
	var a oidc.Attempt
	if ck, err := r.Cookie(attemptCookie); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(ck.Value); err == nil {
			_ = json.Unmarshal(b, &a)
		}
	}
	s, err := o.Provider.Finish(r.Context(), a, q.Get("state"), q.Get("code"))
	if err != nil {
		h.refuseErr(w, r, err)
		return
	}
	ctx := entitled.WithRequestID(r.Context(), uuid.NewString())
	u, err := o.Users.SignInWithOIDC(ctx, s.Identity, o.Options)
	if err != nil {
		h.refuseErr(w, r, err)
		return
	}
	session, err := o.Users.StartSession(ctx, u.ID, h.cfg.SessionTTL, "OpenID Connect")
	if err != nil {
		h.refuseErr(w, r, err)
		return
	}
	h.setCookie(w, r, session, int(h.cfg.SessionTTL.Seconds()))
	if len(s.IDToken) < 3000 {
		h.cookie(w, r, idTokenCookie, s.IDToken, "/", int(h.cfg.SessionTTL.Seconds()))
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// refuseErr shows a refused sign-in; unexpected errors are logged and shown
// as such.
func (h *handler) refuseErr(w http.ResponseWriter, r *http.Request, err error) {
	e := entitled.AsError(err)
	if e.Kind == entitled.KindInternal {
		h.log.Error("ui: sign-in with the identity provider failed", "err", err)
		h.refuse(w, r, http.StatusBadGateway, h.localizer(r, nil).T("oidc.failed", i18n.V("Provider", h.cfg.OIDC.Provider.Name())))
		return
	}
	h.refuse(w, r, e.Kind.HTTPStatus(), errorText(h.localizer(r, nil), e))
}

// refuse renders the sign-in page with why the sign-in was refused.
func (h *handler) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	d := h.loginData(r)
	d.Error = msg
	h.render(w, r, status, "login", &d)
}

// providerName is the provider's name, "" without one.
func (h *handler) providerName() string {
	if h.cfg.OIDC == nil {
		return ""
	}
	return h.cfg.OIDC.Provider.Name()
}

// endSessionURL is the provider's sign-out address for the signed-out page
// (with the ID token of the ended session as hint), "" when there is none.
func (h *handler) endSessionURL(r *http.Request) string {
	if h.cfg.OIDC == nil {
		return ""
	}
	hint := ""
	if ck, err := r.Cookie(idTokenCookie); err == nil {
		hint = ck.Value
	}
	return h.cfg.OIDC.Provider.EndSessionURL(hint, h.cfg.OIDC.PostLogoutURL)
}
