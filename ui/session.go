package ui

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/google/uuid"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// CookieName is the session cookie.
const CookieName = "entitled_session"

// csrfField is the hidden form field carrying the CSRF token.
const csrfField = "csrf"

// maxForm bounds a form body.
const maxForm = 64 << 10

// call is one authenticated UI request.
type call struct {
	w       http.ResponseWriter
	r       *http.Request
	actor   *entitled.Actor
	session string
	csrf    string
	// loc speaks the user's language (preferredLanguage, else the
	// browser's Accept-Language, else English).
	loc *i18n.Localizer
	// ctx carries the actor and a request id for the services.
	ctx context.Context
}

// csrfToken is the session's CSRF token: an HMAC of a fixed label under the
// session secret, so it needs no storage and cannot be derived from the
// stored (hashed) session.
func csrfToken(session string) string {
	m := hmac.New(sha256.New, []byte(session))
	m.Write([]byte("entitled-ui-csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// sameOrigin reports whether a state-changing request comes from this site.
// Browsers say so in Sec-Fetch-Site; older ones in Origin. A request with
// neither (an old browser, a script) is judged by the CSRF token alone.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default: // cross-site, same-site (a sibling host)
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && o != "null" && u.Host == r.Host
}

// isHTTPS reports whether the browser talks HTTPS to us (directly or through
// a proxy that says so); the cookie is then Secure.
func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func (h *handler) setCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isHTTPS(r)})
}

// authed wraps a page that needs a signed-in user. GETs without a session
// go to /login; POSTs are refused unless they come from this site and carry
// the session's CSRF token (403 otherwise).
func (h *handler) authed(fn func(c *call)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		post := r.Method == http.MethodPost
		if post && !sameOrigin(r) {
			h.renderError(w, r, nil, http.StatusForbidden, h.localizer(r, nil).T("error.crossSite"))
			return
		}
		ck, err := r.Cookie(CookieName)
		var userID string
		if err == nil && ck.Value != "" {
			userID, err = h.cfg.Sessions.SessionUser(r.Context(), ck.Value)
		} else if err == nil {
			err = http.ErrNoCookie
		}
		if err != nil {
			if entitled.ErrorKind(err) == entitled.KindInternal && err != http.ErrNoCookie {
				h.fail(w, r, nil, err)
				return
			}
			h.signInAgain(w, r)
			return
		}
		ctx := entitled.WithRequestID(r.Context(), uuid.NewString())
		a, err := h.svc.Tokens.ActorFor(ctx, userID)
		if err != nil {
			if entitled.ErrorKind(err) == entitled.KindUnauthorized {
				h.signInAgain(w, r)
				return
			}
			h.fail(w, r, nil, err)
			return
		}
		c := &call{w: w, r: r, actor: a, session: ck.Value, csrf: csrfToken(ck.Value), ctx: entitled.NewContext(ctx, a),
			loc: h.zoned(r, h.localizer(r, &a.User))}
		if post {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				h.renderError(w, r, c, http.StatusBadRequest, c.T("error.formUnreadable"))
				return
			}
			got := r.PostForm.Get(csrfField)
			if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.csrf)) != 1 {
				h.renderError(w, r, c, http.StatusForbidden, c.T("error.csrf"))
				return
			}
		}
		fn(c)
	}
}

// signInAgain sends a visitor without a live session to the sign-in page.
func (h *handler) signInAgain(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		if ck, err := r.Cookie(CookieName); err == nil && ck.Value != "" {
			h.setCookie(w, r, "", -1)
			http.Redirect(w, r, "/login?expired=1", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	h.renderError(w, r, nil, http.StatusUnauthorized, h.localizer(r, nil).T("error.sessionEnded"))
}

// loginData is the sign-in page.
type loginData struct {
	base
	Token   string
	Expired bool
	Signout bool
	// Provider names the OpenID provider of the "Sign in with" button;
	// "" when sign-in links are the only way in.
	Provider string
	// EndSession is the provider's sign-out address offered after signing
	// out of entitled.
	EndSession string
}

// loginData is the sign-in page's data for a request.
func (h *handler) loginData(r *http.Request) loginData {
	q := r.URL.Query()
	loc := h.localizer(r, nil)
	return loginData{base: base{Title: loc.T("login.title"), loc: loc}, Token: q.Get("token"), Expired: q.Get("expired") != "",
		Signout: q.Get("signedout") != "", Provider: h.providerName()}
}

// loginPage shows the sign-in page. A link's GET never uses the secret up
// (link previewers and mail scanners follow links); the button POSTs it.
// After signing out it offers the provider's end-session address.
func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	d := h.loginData(r)
	if d.Signout {
		d.EndSession = h.endSessionURL(r)
		h.cookie(w, r, idTokenCookie, "", "/", -1)
	}
	h.render(w, r, http.StatusOK, "login", &d)
}

// login redeems a sign-in secret and starts the session.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	loc := h.localizer(r, nil)
	if !sameOrigin(r) {
		h.renderError(w, r, nil, http.StatusForbidden, loc.T("error.crossSiteSignIn"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		h.renderError(w, r, nil, http.StatusBadRequest, loc.T("error.formUnreadable"))
		return
	}
	session, _, err := h.cfg.Sessions.RedeemLoginLink(r.Context(), r.PostForm.Get("token"), h.cfg.SessionTTL)
	if err != nil {
		if entitled.ErrorKind(err) == entitled.KindInternal {
			h.fail(w, r, nil, err)
			return
		}
		d := h.loginData(r)
		d.Error = errorText(loc, entitled.AsError(err))
		h.render(w, r, entitled.ErrorKind(err).HTTPStatus(), "login", &d)
		return
	}
	h.setCookie(w, r, session, int(h.cfg.SessionTTL.Seconds()))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout ends the session.
func (h *handler) logout(c *call) {
	if err := h.cfg.Sessions.EndSession(c.ctx, c.session); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	h.setCookie(c.w, c.r, "", -1)
	http.Redirect(c.w, c.r, "/login?signedout=1", http.StatusSeeOther)
}
