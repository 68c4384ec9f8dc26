package ui

import (
	"net/http"

	"github.com/entitled-dev/entitled/i18n"
)

// The user's own page: who they are and their language.

// languageChoice is one option of the language setting.
type languageChoice struct {
	// Value is the preferredLanguage saved ("" for the browser's).
	Value string
	// Label names the language in itself ("Français").
	Label string
	// Lang is the option's language, for screen readers.
	Lang     string
	Selected bool
}

// meData is the user's page.
type meData struct {
	base
	Languages []languageChoice
	Zone      string
	// ZoneChoice is the zone chosen on this page ("" for the browser's).
	ZoneChoice string
}

// mePage shows the signed-in user's page with the language setting.
func (h *handler) mePage(c *call) {
	d := meData{base: c.base(c.T("me.title"), "me"), Zone: c.loc.Zone().String()}
	if z, chosen := h.viewerZone(c.r); chosen {
		d.ZoneChoice = z.String()
	}
	cur := ""
	if c.actor.User.PreferredLanguage != "" {
		cur = i18n.Match(c.actor.User.PreferredLanguage).String()
	}
	d.Languages = append(d.Languages, languageChoice{Value: "", Label: c.T("me.languageAuto"), Selected: cur == ""})
	for _, l := range i18n.Languages() {
		d.Languages = append(d.Languages, languageChoice{Value: l, Label: i18n.For(l).T("language.self"), Lang: l, Selected: cur == l})
	}
	h.render(c.w, c.r, http.StatusOK, "me", &d)
}

// saveMe saves the user's language as their preferredLanguage ("" is the
// browser's); the page then shows in it.
func (h *handler) saveMe(c *call) {
	lang := c.r.PostForm.Get("language")
	if lang != "" && !isSupported(lang) {
		h.renderError(c.w, c.r, c, http.StatusBadRequest, c.T("me.unknownLanguage", i18n.V("Language", lang)))
		return
	}
	if _, err := h.svc.Users.SetMyPreferredLanguage(c.ctx, lang); err != nil {
		h.fail(c.w, c.r, c, err)
		return
	}
	http.Redirect(c.w, c.r, "/me?done=languageSaved", http.StatusSeeOther)
}

// isSupported reports whether lang is one of the UI's languages.
func isSupported(lang string) bool {
	for _, l := range i18n.Languages() {
		if l == lang {
			return true
		}
	}
	return false
}
