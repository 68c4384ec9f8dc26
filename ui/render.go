package ui

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

//go:embed templates static
var assets embed.FS

// base is what the layout of every page needs.
type base struct {
	Title string
	// Nav marks the active section: access, requests, approvals, governance,
	// catalogs, systems.
	Nav       string
	User      *entitled.User
	CSRF      string
	CanGovern bool
	// CanSystems shows the Connected systems section.
	CanSystems bool
	// CanCatalogs shows the Catalogs section.
	CanCatalogs bool
	Flash       string
	Error       string
	// loc is the reader's language; it picks the page's templates.
	loc *i18n.Localizer
}

// pageData is implemented by every page's data (through base).
type pageData interface{ b() *base }

func (b *base) b() *base { return b }

// pages maps a language and a page name to its parsed template (layout +
// page), whose t, when and lang functions speak that language.
type pages map[string]map[string]*template.Template

var pageNames = []string{"login", "error", "packages", "requestform", "myrequests", "approvals",
	"governance", "pkgrequests", "request", "pkgassignments", "pkgoverview", "pkgroles", "pkgpolicies",
	"systems", "systemform", "system", "systemresources", "catalogs", "catalogform", "packageform", "roleform", "policyform", "catalog", "catalogaddresource",
	"me", "outbox", "operation", "confirm", "myactive", "drift"}

// templateFuncs are the functions of a page in the language of loc: t
// (a catalogue message, placeholders as name/value pairs: {{t "key" "Name"
// .Value}}; the pair named Count also chooses the plural form), when (a
// time), lang (the BCP 47 tag for <html lang>), catalogState, query (a
// query string) and pager (the links of the "pager" partial).
func templateFuncs(loc *i18n.Localizer) template.FuncMap {
	return template.FuncMap{
		"query":        queryOf,
		"pager":        pager,
		"pkgTabs":      func() []pkgTab { return packageTabs },
		"t":            func(key string, pairs ...any) string { return loc.T(key, i18n.Pairs(pairs...)...) },
		"when":         loc.DateTime,
		"lang":         loc.Lang,
		"catalogState": func(s string) string { return catalogStateText(loc, s) },
	}
}

// parsePages parses every page once per supported language, showing times
// in zone.
func parsePages(locs map[string]*i18n.Localizer) pages {
	ps := pages{}
	for lang, loc := range locs {
		ps[lang] = map[string]*template.Template{}
		for _, n := range pageNames {
			ps[lang][n] = template.Must(template.New("layout.html").Funcs(templateFuncs(loc)).ParseFS(assets, "templates/layout.html", "templates/parts.html", "templates/questions.html", "templates/"+n+".html"))
		}
	}
	return ps
}

// localizers are one Localizer per supported language, showing times in
// zone.
func localizers(zone *time.Location) map[string]*i18n.Localizer {
	out := map[string]*i18n.Localizer{}
	for _, l := range i18n.Languages() {
		out[l] = i18n.For(l).In(zone)
	}
	return out
}

// localizer picks the reader's language: the signed-in user's
// preferredLanguage, else the browser's Accept-Language, else English.
func (h *handler) localizer(r *http.Request, u *entitled.User) *i18n.Localizer {
	pref := ""
	if u != nil {
		pref = u.PreferredLanguage
	}
	return h.locs[i18n.Match(pref, r.Header.Get("Accept-Language")).String()]
}

// base fills the layout's data for a signed-in call.
func (c *call) base(title, nav string) base {
	b := base{Title: title, Nav: nav, User: &c.actor.User, CSRF: c.csrf, CanGovern: canGovern(c.actor), CanSystems: canManageSystems(c.actor),
		CanCatalogs: canAdminCatalogs(c.actor), loc: c.loc}
	if k, ok := flashKeys[c.r.URL.Query().Get("done")]; ok {
		b.Flash = c.T(k)
	}
	return b
}

// T is a catalogue message in the caller's language.
func (c *call) T(key string, args ...i18n.Arg) string { return c.loc.T(key, args...) }

// flashKeys are the messages shown after a redirect (?done=…).
var flashKeys = map[string]string{
	"packageSaved":       "flash.packageSaved",
	"packageDeleted":     "flash.packageDeleted",
	"roleRemoved":        "flash.roleRemoved",
	"policyDeleted":      "flash.policyDeleted",
	"catalogDeleted":     "flash.catalogDeleted",
	"resourceRemoved":    "flash.resourceRemoved",
	"requested":          "flash.requested",
	"canceled":           "flash.canceled",
	"approved":           "flash.approved",
	"denied":             "flash.denied",
	"reprocessed":        "flash.reprocessed",
	"assigned":           "flash.assigned",
	"systemAdded":        "flash.systemAdded",
	"systemSaved":        "flash.systemSaved",
	"systemDeleted":      "flash.systemDeleted",
	"systemPaused":       "flash.systemPaused",
	"systemResumed":      "flash.systemResumed",
	"systemUnchanged":    "flash.systemUnchanged",
	"catalogAdded":       "flash.catalogAdded",
	"packageAdded":       "flash.packageAdded",
	"roleAdded":          "flash.roleAdded",
	"policyAdded":        "flash.policyAdded",
	"policySaved":        "policyedit.saved",
	"catalogSaved":       "flash.catalogSaved",
	"resourceAdded":      "flash.resourceAdded",
	"catalogRoleAdded":   "flash.catalogRoleAdded",
	"catalogRoleRemoved": "flash.catalogRoleRemoved",
	"languageSaved":      "flash.languageSaved",
	"zoneSaved":          "flash.zoneSaved",
	"gaveUp":             "flash.gaveUp",
	"extended":           "flash.extended",
	"reconcileStarted":   "drift.flashStarted",
	"driftAdopted":       "drift.flashAdopted",
	"driftRevoked":       "drift.flashRevoked",
}

// render writes a page; templates run into a buffer so a template error is
// a clean 500, never half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	var buf bytes.Buffer
	b := d.b()
	if b.loc == nil {
		b.loc = h.localizer(r, nil)
	}
	if err := h.pages[b.loc.Lang()][name].Execute(&buf, d); err != nil {
		h.log.Error("ui: render", "page", name, "err", err)
		http.Error(w, b.loc.T("error.render"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// errorData is the error page.
type errorData struct {
	base
	Status int
}

// renderError shows an error page with a message for people.
func (h *handler) renderError(w http.ResponseWriter, r *http.Request, c *call, status int, msg string) {
	d := errorData{Status: status}
	if c != nil {
		d.base = c.base("", "")
	} else {
		d.loc = h.localizer(r, nil)
	}
	d.Title = statusTitle(d.loc, status)
	d.Error = msg
	h.render(w, r, status, "error", &d)
}

// fail shows a service error: *entitled.Error messages are written for
// people and shown in the reader's language when they carry a catalogue key
// (as they are otherwise), with their status; others are logged and hidden.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, c *call, err error) {
	e := entitled.AsError(err)
	if e.Kind == entitled.KindInternal {
		h.log.Error("ui: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	loc := h.localizer(r, nil)
	if c != nil {
		loc = c.loc
	}
	h.renderError(w, r, c, e.Kind.HTTPStatus(), errorText(loc, e))
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, nil, http.StatusNotFound, h.localizer(r, nil).T("error.noPage"))
}

// staticHandler serves the embedded CSS and JavaScript.
func staticHandler() http.Handler {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err)
	}
	fsrv := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// canGovern reports whether the actor may see requests of any catalog, so
// the Identity Governance section is shown.
func canGovern(a *entitled.Actor) bool { return a.CanSomewhere(entitled.OpViewRequests) }
