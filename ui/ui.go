// Package ui is entitled's server-rendered web UI: My Access (request
// packages, follow and cancel my requests, decide approvals) and Identity
// Governance (a package's requests, reprocess, request detail with its
// deliveries). Pages are html/template with embedded CSS and a few lines of
// optional JavaScript; every page and form works without JavaScript.
//
// The UI calls the domain services directly with the signed-in user as the
// actor (entitled.NewContext); the services enforce authorization, the UI
// only hides what the user may not use.
package ui

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/entitled-dev/entitled"
	ehttp "github.com/entitled-dev/entitled/http"
	"github.com/entitled-dev/entitled/i18n"
)

// Sessions stores one-time sign-in links and browser sessions; secrets are
// kept hashed. *sqlstore.SessionService implements it.
type Sessions interface {
	// RedeemLoginLink uses up a sign-in secret and starts a session of ttl;
	// it returns the session secret and the user id, or a 401 *entitled.Error.
	RedeemLoginLink(ctx context.Context, secret string, ttl time.Duration) (session, userID string, err error)
	// SessionUser returns the user id of a live session, or a 401 *entitled.Error.
	SessionUser(ctx context.Context, session string) (userID string, err error)
	// EndSession signs a session out.
	EndSession(ctx context.Context, session string) error
}

// PolicyFinder lists the policies of a package under which the caller may
// request it (a requestor may not list a catalog's policies). *sqlstore.PolicyService
// implements it.
type PolicyFinder interface {
	RequestablePolicies(ctx context.Context, packageID string) ([]entitled.AssignmentPolicy, error)
}

// Config configures the UI.
type Config struct {
	// Services are the domain services the pages call.
	Services entitled.Services
	// Sessions stores sign-in links and sessions.
	Sessions Sessions
	// Policies finds requestable policies; nil uses Sessions or
	// Services.Policies when either implements PolicyFinder.
	Policies PolicyFinder
	// Logger logs unexpected errors; nil means slog.Default().
	Logger *slog.Logger
	// SessionTTL is how long a session lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// PageSize is the number of rows of a list page; 0 means 50.
	PageSize int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Connectors, when set, names the connector kinds offered on the
	// add-system form (if it has a Kinds() []string method, as
	// *connectors.Registry does) and each kind's secret config keys, shown
	// as password inputs. Nil: the kind is typed in and secrets go in the
	// form's secret rows.
	Connectors entitled.Connectors
	// TimeZone is the zone pages show times in, with its name; nil means
	// UTC.
	TimeZone *time.Location
	// OIDC, when set, offers sign-in with an OpenID provider beside the
	// one-time links (which stay, for break-glass).
	OIDC *OIDCConfig
}

// handler serves the UI.
type handler struct {
	cfg      Config
	svc      entitled.Services
	policies PolicyFinder
	log      *slog.Logger
	pages    pages
	locs     map[string]*i18n.Localizer
	mux      *http.ServeMux
}

// New returns the UI's handler: / (My Access), /requests, /approvals,
// /packages/{id}/request, /login, /logout, /governance/…, /admin/catalogs/…, /admin/systems/…
// and /static/….
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 50
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TimeZone == nil {
		cfg.TimeZone = time.UTC
	}
	locs := localizers(cfg.TimeZone)
	h := &handler{cfg: cfg, svc: cfg.Services, log: cfg.Logger, pages: parsePages(locs), locs: locs, mux: http.NewServeMux()}
	h.policies = cfg.Policies
	if h.policies == nil {
		if pf, ok := cfg.Sessions.(PolicyFinder); ok {
			h.policies = pf
		} else if pf, ok := cfg.Services.Policies.(PolicyFinder); ok {
			h.policies = pf
		}
	}
	h.routes()
	return securityHeaders(h.mux)
}

func (h *handler) routes() {
	m := h.mux
	m.Handle("GET /static/", staticHandler())
	m.HandleFunc("GET /login", h.loginPage)
	m.HandleFunc("POST /login", h.login)
	m.HandleFunc("POST /logout", h.authed(h.logout))
	m.HandleFunc("GET /auth/login", h.oidcLogin)
	m.HandleFunc("GET /auth/callback", h.oidcCallback)

	m.HandleFunc("GET /{$}", h.authed(h.packagesPage))
	m.HandleFunc("GET /me", h.authed(h.mePage))
	m.HandleFunc("POST /me", h.authed(h.saveMe))
	m.HandleFunc("POST /me/zone", h.authed(h.saveZone))
	m.HandleFunc("POST /access/{id}/give-up", h.authed(h.giveUp))
	m.HandleFunc("POST /access/{id}/extend", h.authed(h.extendAccess))
	m.HandleFunc("GET /packages/{id}/request", h.authed(h.requestForm))
	m.HandleFunc("POST /packages/{id}/request", h.authed(h.submitRequest))
	m.HandleFunc("GET /requests", h.authed(h.myRequestsPage))
	m.HandleFunc("GET /requests/{id}", h.authed(h.requestDetail))
	m.HandleFunc("POST /requests/{id}/cancel", h.authed(h.cancelRequest))
	m.HandleFunc("GET /approvals", h.authed(h.approvalsPage))
	m.HandleFunc("POST /approvals/{id}", h.authed(h.decide))

	m.HandleFunc("GET /governance/{$}", h.authed(h.governancePage))
	m.HandleFunc("GET /governance/packages/{id}", h.authed(h.packageRedirect))
	m.HandleFunc("GET /governance/packages/{id}/overview", h.authed(h.packageOverview))
	m.HandleFunc("POST /governance/packages/{id}/overview", h.authed(h.editPackage))
	m.HandleFunc("POST /governance/packages/{id}/delete", h.authed(h.deletePackage))
	m.HandleFunc("GET /governance/packages/{id}/roles", h.authed(h.packageRoles))
	m.HandleFunc("GET /governance/packages/{id}/policies", h.authed(h.packagePoliciesTab))
	m.HandleFunc("GET /governance/packages/{id}/assignments", h.authed(h.packageAssignments))
	m.HandleFunc("POST /governance/packages/{id}/assignments/action", h.authed(h.assignmentAction))
	m.HandleFunc("POST /governance/packages/{id}/assignments/add", h.authed(h.directAssign))
	m.HandleFunc("GET /governance/packages/{id}/requests", h.authed(h.packageRequests))
	m.HandleFunc("POST /governance/packages/{id}/requests/reprocess", h.authed(h.reprocessSelected))
	m.HandleFunc("GET /governance/requests/{id}", h.authed(h.requestDetail))
	m.HandleFunc("POST /governance/requests/{id}/reprocess", h.authed(h.reprocessOne))
	m.HandleFunc("POST /governance/requests/{id}/cancel", h.authed(h.cancelRequest))

	m.HandleFunc("GET /governance/packages/{id}/roles/add", h.authed(h.addRoleForm))
	m.HandleFunc("POST /governance/packages/{id}/roles/add", h.authed(h.addRole))
	m.HandleFunc("POST /governance/packages/{id}/roles/remove", h.authed(h.removePackageRole))
	m.HandleFunc("GET /governance/packages/{id}/policies/add", h.authed(h.addPolicyForm))
	m.HandleFunc("POST /governance/packages/{id}/policies/add", h.authed(h.addPolicy))
	m.HandleFunc("GET /governance/packages/{id}/policies/{policy}/edit", h.authed(h.editPolicyForm))
	m.HandleFunc("POST /governance/packages/{id}/policies/{policy}/edit", h.authed(h.editPolicy))
	m.HandleFunc("POST /governance/packages/{id}/policies/{policy}/delete", h.authed(h.deletePackagePolicy))

	m.HandleFunc("GET /admin/catalogs", h.authed(h.catalogsPage))
	m.HandleFunc("GET /admin/catalogs/new", h.authed(h.newCatalogForm))
	m.HandleFunc("POST /admin/catalogs", h.authed(h.createCatalog))
	m.HandleFunc("GET /admin/catalogs/{id}/packages/new", h.authed(h.newPackageForm))
	m.HandleFunc("POST /admin/catalogs/{id}/packages", h.authed(h.createPackage))
	m.HandleFunc("GET /admin/catalogs/{id}", h.authed(h.catalogPage))
	m.HandleFunc("POST /admin/catalogs/{id}", h.authed(h.editCatalog))
	m.HandleFunc("GET /admin/catalogs/{id}/resources/add", h.authed(h.addResourcePage))
	m.HandleFunc("POST /admin/catalogs/{id}/resources", h.authed(h.addResource))
	m.HandleFunc("POST /admin/catalogs/{id}/resources/{resource}/remove", h.authed(h.removeCatalogResource))
	m.HandleFunc("POST /admin/catalogs/{id}/delete", h.authed(h.deleteCatalog))
	m.HandleFunc("POST /admin/catalogs/{id}/roles", h.authed(h.addCatalogRole))
	m.HandleFunc("POST /admin/catalogs/{id}/roles/{ra}/remove", h.authed(h.removeCatalogRole))

	m.HandleFunc("GET /admin/systems", h.authed(h.systemsPage))
	m.HandleFunc("GET /admin/outbox", h.authed(h.outboxPage))
	m.HandleFunc("GET /admin/systems/new", h.authed(h.newSystemForm))
	m.HandleFunc("POST /admin/systems", h.authed(h.createSystem))
	m.HandleFunc("GET /admin/systems/{id}", h.authed(h.systemDetail))
	m.HandleFunc("GET /admin/systems/{id}/edit", h.authed(h.editSystemForm))
	m.HandleFunc("POST /admin/systems/{id}/edit", h.authed(h.updateSystem))
	m.HandleFunc("POST /admin/systems/{id}/delete", h.authed(h.deleteSystem))
	m.HandleFunc("POST /admin/systems/{id}/check", h.authed(h.checkSystem))
	m.HandleFunc("POST /admin/systems/{id}/pause", h.authed(h.pauseSystem))
	m.HandleFunc("POST /admin/systems/{id}/resume", h.authed(h.resumeSystem))
	m.HandleFunc("GET /admin/systems/{id}/resources", h.authed(h.systemResources))
	m.HandleFunc("POST /admin/systems/{id}/reprocess", h.authed(h.reprocessSystem))
	m.HandleFunc("GET /admin/systems/{id}/drift", h.authed(h.driftPage))
	m.HandleFunc("POST /admin/systems/{id}/reconcile", h.authed(h.reconcileSystem))
	m.HandleFunc("POST /admin/systems/{id}/drift/{fid}/adopt", h.authed(h.adoptFinding))
	m.HandleFunc("POST /admin/systems/{id}/drift/{fid}/revoke", h.authed(h.revokeFinding))
	m.HandleFunc("POST /governance/packages/{id}/requests/reprocess-all", h.authed(h.reprocessPackageFiltered))
	m.HandleFunc("GET /operations/{id}", h.authed(h.operationPage))

	m.HandleFunc("/", h.notFound)
}

// securityHeaders sets the headers every UI answer carries: no framing, no
// inline script, no referrer to other sites (sign-in links carry a
// secret).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// Mux routes the API's paths (http.IsAPIPath: /v1.0, /api/v1 and below in
// any case, /healthz, /metrics) to api and everything else to web: the one handler
// `entitled serve` listens with.
func Mux(api, web http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ehttp.IsAPIPath(r.URL.Path) {
			api.ServeHTTP(w, r)
			return
		}
		web.ServeHTTP(w, r)
	})
}
