package ui

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/entitled-dev/entitled/i18n"
)

// The viewer's time zone: the one chosen on My profile (cookie
// entitled_tz_choice), else the browser's (cookie entitled_tz, set by
// app.js from Intl), else the server's --time-zone. Pages, dates on the
// request form and relative times ("in 13 days") all use it.

const (
	// zoneCookie holds the browser's IANA time zone, set by app.js.
	zoneCookie = "entitled_tz"
	// zoneChoiceCookie holds the zone chosen on My profile.
	zoneChoiceCookie = "entitled_tz_choice"
)

var zones sync.Map // name → *time.Location

// loadZone loads an IANA zone by name (URL-escaped or not), cached; ok is
// false for a name that is not one.
func loadZone(name string) (*time.Location, bool) {
	if n, err := url.QueryUnescape(name); err == nil {
		name = n
	}
	if name == "" || len(name) > 64 || strings.ContainsAny(name, " \\") {
		return nil, false
	}
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location), true
	}
	z, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, false
	}
	zones.Store(name, z)
	return z, true
}

// viewerZone is the zone the request's reader sees times in, and whether
// they chose it on My profile.
func (h *handler) viewerZone(r *http.Request) (*time.Location, bool) {
	if c, err := r.Cookie(zoneChoiceCookie); err == nil {
		if z, ok := loadZone(c.Value); ok {
			return z, true
		}
	}
	if c, err := r.Cookie(zoneCookie); err == nil {
		if z, ok := loadZone(c.Value); ok {
			return z, false
		}
	}
	return h.cfg.TimeZone, false
}

// zoned is loc showing times in the reader's zone.
func (h *handler) zoned(r *http.Request, loc *i18n.Localizer) *i18n.Localizer {
	z, _ := h.viewerZone(r)
	return loc.In(z)
}

// When is a time in the reader's language and zone, for templates
// ({{$.When .CreatedDateTime}}).
func (b *base) When(t time.Time) string { return b.loc.DateTime(t) }

// saveZone saves the time zone chosen on My profile ("" for the
// browser's) in a cookie of a year.
func (h *handler) saveZone(c *call) {
	name := strings.TrimSpace(c.r.PostForm.Get("zone"))
	ck := &http.Cookie{Name: zoneChoiceCookie, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: isHTTPS(c.r), MaxAge: 365 * 24 * 3600}
	if name == "" {
		ck.MaxAge = -1
	} else if z, ok := loadZone(name); ok {
		ck.Value = url.QueryEscape(z.String())
	} else {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("me.unknownZone", i18n.V("Zone", name)))
		return
	}
	http.SetCookie(c.w, ck)
	http.Redirect(c.w, c.r, "/me?done=zoneSaved", http.StatusSeeOther)
}
