package ui

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"

	"github.com/entitled-dev/entitled"
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
}

// pageData is implemented by every page's data (through base).
type pageData interface{ b() *base }

func (b *base) b() *base { return b }

// pages maps a page name to its parsed template (layout + page).
type pages map[string]*template.Template

var pageNames = []string{"login", "error", "packages", "requestform", "myrequests", "approvals",
	"governance", "pkgrequests", "request", "pkgassignments", "pkgoverview", "pkgroles", "pkgpolicies",
	"systems", "systemform", "system", "systemresources", "catalogs", "catalogform", "packageform", "roleform", "policyform", "catalog", "catalogaddresource"}

func parsePages() pages {
	funcs := template.FuncMap{
		"query": func(kv ...string) template.URL {
			v := url.Values{}
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i+1] != "" {
					v.Set(kv[i], kv[i+1])
				}
			}
			if len(v) == 0 {
				return ""
			}
			return template.URL("?" + v.Encode())
		},
		"pkgTabs": func() []pkgTab { return packageTabs },
		"when":    when,
	}
	ps := pages{}
	for _, n := range pageNames {
		ps[n] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/parts.html", "templates/"+n+".html"))
	}
	return ps
}

// base fills the layout's data for a signed-in call.
func (c *call) base(title, nav string) base {
	return base{Title: title, Nav: nav, User: &c.actor.User, CSRF: c.csrf, CanGovern: canGovern(c.actor), CanSystems: canManageSystems(c.actor),
		CanCatalogs: canAdminCatalogs(c.actor),
		Flash:       flashes[c.r.URL.Query().Get("done")]}
}

// flashes are the messages shown after a redirect (?done=…).
var flashes = map[string]string{
	"packageSaved":       "The access package was saved.",
	"packageDeleted":     "The access package was deleted with its policies and resource roles.",
	"roleRemoved":        "The resource role was removed from the access package. Users who already have it keep it until their assignment is removed.",
	"policyDeleted":      "The policy was deleted.",
	"catalogDeleted":     "The catalog was deleted.",
	"resourceRemoved":    "The resource was removed from the catalog.",
	"requested":          "Your request was submitted.",
	"canceled":           "The request was canceled.",
	"approved":           "You approved the request.",
	"denied":             "You denied the request.",
	"reprocessed":        "Reprocess accepted: the failed deliveries are being sent again.",
	"assigned":           "The user was assigned; their access is being set up.",
	"systemAdded":        "The connected system was added.",
	"systemPaused":       "The connected system is paused: its deliveries wait until you resume it.",
	"systemResumed":      "The connected system is active again: its waiting deliveries run now.",
	"systemUnchanged":    "Nothing changed: the system was already in that state.",
	"catalogAdded":       "The catalog was created; you own it.",
	"packageAdded":       "The access package was created. Add the resource roles it grants and a policy.",
	"roleAdded":          "The resource role was added to the access package.",
	"policyAdded":        "The policy was added.",
	"catalogSaved":       "The catalog was saved.",
	"resourceAdded":      "The resource was added to the catalog.",
	"catalogRoleAdded":   "The role was given.",
	"catalogRoleRemoved": "The role was taken away.",
}

// render writes a page; templates run into a buffer so a template error is
// a clean 500, never half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	var buf bytes.Buffer
	if err := h.pages[name].Execute(&buf, d); err != nil {
		h.log.Error("ui: render", "page", name, "err", err)
		http.Error(w, "internal error while showing the page", http.StatusInternalServerError)
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
	}
	d.Title = http.StatusText(status)
	d.Error = msg
	h.render(w, r, status, "error", &d)
}

// fail shows a service error: *entitled.Error messages are written for
// people and shown as they are, with their status; others are logged and
// hidden.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, c *call, err error) {
	e := entitled.AsError(err)
	if e.Kind == entitled.KindInternal {
		h.log.Error("ui: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	h.renderError(w, r, c, e.Kind.HTTPStatus(), e.Message)
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, nil, http.StatusNotFound, "There is no page at this address.")
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
func canGovern(a *entitled.Actor) bool {
	if a.Can(entitled.OpViewRequests, "") {
		return true
	}
	for _, id := range a.CatalogIDs() {
		if a.Can(entitled.OpViewRequests, id) {
			return true
		}
	}
	return false
}
