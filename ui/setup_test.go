package ui_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/connectors/directory"
	"github.com/entitled-dev/entitled/connectors/scim"
	"github.com/entitled-dev/entitled/connectors/webhook"
	"github.com/entitled-dev/entitled/delivery"
	"github.com/entitled-dev/entitled/internal/oidctest"
	"github.com/entitled-dev/entitled/internal/storetest"
	"github.com/entitled-dev/entitled/sqlstore"
	"github.com/entitled-dev/entitled/ui"
)

// noQueue drops jobs: in handler tests the test records delivery outcomes
// itself through the store's Engine side.
type noQueue struct{}

func (noQueue) InsertJobs(context.Context, *sql.Tx, []entitled.Job) error { return nil }

// clock is a settable time for the store and the UI.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the set time, or the real time when none was set.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		return time.Now()
	}
	return c.t
}

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// target is a webhook target system: it refuses grants (403, a permanent
// error) until fixed.
type target struct {
	srv   *httptest.Server
	fixed atomic.Bool
	calls atomic.Int64
}

func newTarget(t testing.TB) *target {
	tg := &target{}
	tg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tg.calls.Add(1)
		if !tg.fixed.Load() {
			http.Error(w, "no such account in the CRM", http.StatusForbidden)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(tg.srv.Close)
	return tg
}

// world is a database with users, a catalog and two packages, served by the UI.
type world struct {
	t        testing.TB
	services *sqlstore.Services
	db       *sqlstore.DB
	srv      *httptest.Server
	clock    *clock
	target   *target
	// op is the OpenID provider of a world made withProvider.
	op    *oidctest.Provider
	users map[string]*entitled.User // alice (requester), bob (approver), mia (assignment manager), rea (catalog reader)
	cat   string
	// crm needs bob's approval and a justification; wiki needs neither.
	crm, crmPolicy   string
	wiki, wikiPolicy string
	// userLists counts the UI's calls to list users (one per page, never
	// one per row).
	userLists atomic.Int64
}

// countingUsers counts Users list calls.
type countingUsers struct {
	entitled.UserService
	n *atomic.Int64
}

func (c *countingUsers) Users(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.User], error) {
	c.n.Add(1)
	return c.UserService.Users(ctx, opt)
}

// options tune a world.
type options struct {
	// engine runs the real delivery engine (River on the same SQLite
	// file) against the webhook target, on real time.
	engine bool
	// pageSize is the UI's page size; 0 means 5.
	pageSize int
	// provider signs people in with a real OpenID provider (oidc_test.go).
	provider *providerOptions
}

// withEngine delivers for real.
func withEngine(o *options) { o.engine = true }

func newWorld(t testing.TB, opts ...func(*options)) *world {
	t.Helper()
	var o options
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	db := storetest.Open(t)
	clk := &clock{t: time.Date(2031, 3, 4, 9, 0, 0, 0, time.UTC)}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg := connectors.NewRegistry(directory.NewKind(sqlstore.NewMembership(db)), webhook.NewKind(nil), scim.NewKind(nil))
	var queue sqlstore.Queue = noQueue{}
	if o.engine {
		clk = &clock{}
		q, err := delivery.NewQueue(db.SQL, db.Dialect)
		if err != nil {
			t.Fatal(err)
		}
		queue = q
	}
	st, err := sqlstore.NewServices(db, sqlstore.Config{Queue: queue, Connectors: reg, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if o.engine {
		eng, err := delivery.New(delivery.Config{DB: db.SQL, Dialect: db.Dialect, Engine: st.Deliveries, Connectors: reg, Logger: logger,
			Workers: 4, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := eng.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = eng.Stop(stop)
		})
	}
	db.Now = clk.Now
	w := &world{t: t, services: st, db: db, clock: clk, target: newTarget(t), users: map[string]*entitled.User{}}
	admin, err := st.Admin.EnsureAdmin(ctx, "admin@example.com", "Ada Admin")
	if err != nil {
		t.Fatal(err)
	}
	w.users["admin"] = admin
	sys := w.sys()
	for name, display := range map[string]string{"alice": "Alice Requester", "bob": "Bob Approver", "mia": "Mia Manager", "rea": "Rea Reader"} {
		u := &entitled.User{UserPrincipalName: name + "@example.com", DisplayName: display, Mail: name + "@example.com", AccountEnabled: true}
		w.must(st.Users.CreateUser(sys, u))
		w.users[name] = u
	}
	c := &entitled.Catalog{DisplayName: "Business apps", State: "published"}
	w.must(st.Catalogs.CreateCatalog(sys, c))
	w.cat = c.ID
	w.must(st.Systems.CreateSystem(sys, &entitled.ConnectedSystem{Name: "crm", Kind: "webhook",
		Config: map[string]any{"url": w.target.srv.URL, "secret": "webhook-secret", "roles": []any{"Member"}},
		Retry:  entitled.RetryPolicy{MaxAttempts: 1, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 10 * time.Millisecond}}))
	w.crm = w.pkg("CRM access", "The sales CRM", "app-crm")
	w.wiki = w.pkg("Wiki editor", "Edit the company wiki", "app-wiki")
	w.crmPolicy = w.policy(w.crm, &entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, IsRequestorJustificationRequired: true,
		Stages: []entitled.ApprovalStage{{DurationBeforeAutomaticDenial: 7 * 24 * time.Hour,
			PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: w.users["bob"].ID}}}}})
	w.wikiPolicy = w.policy(w.wiki, &entitled.ApprovalSettings{})
	for user, role := range map[string]string{"mia": entitled.RoleAccessPackageAssignmentManager, "rea": entitled.RoleCatalogReader} {
		w.must(st.Roles.CreateRoleAssignment(sys, false, &entitled.RoleAssignment{PrincipalID: w.users[user].ID,
			RoleDefinitionID: role, AppScopeID: entitled.CatalogScope(w.cat)}))
	}
	svc := st.Domain()
	svc.Users = &countingUsers{UserService: st.Users, n: &w.userLists}
	if o.pageSize == 0 {
		o.pageSize = 5
	}
	late := &lateHandler{}
	w.srv = httptest.NewServer(late)
	t.Cleanup(w.srv.Close)
	cfg := ui.Config{Services: svc, Sessions: st.Sessions, Logger: logger, Now: clk.Now, PageSize: o.pageSize, Connectors: reg}
	if o.provider != nil {
		cfg.OIDC = w.startProvider(*o.provider)
	}
	late.set(ui.New(cfg))
	return w
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// sys is a context acting as the system.
func (w *world) sys() context.Context {
	return entitled.NewContext(context.Background(), entitled.SystemActor)
}

// as is a context acting as a user.
func (w *world) as(name string) context.Context {
	w.t.Helper()
	a, err := w.services.Tokens.ActorFor(context.Background(), w.users[name].ID)
	w.must(err)
	return entitled.NewContext(context.Background(), a)
}

// pkg creates a package with one webhook resource role.
func (w *world) pkg(name, desc, origin string) string {
	w.t.Helper()
	sys := w.sys()
	rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: w.cat,
		Resource: entitled.Resource{OriginID: origin, OriginSystem: "crm", DisplayName: origin}}
	w.must(w.services.Catalogs.CreateResourceRequest(sys, rr))
	p := &entitled.AccessPackage{CatalogID: w.cat, DisplayName: name, Description: desc}
	w.must(w.services.AccessPackages.CreateAccessPackage(sys, p))
	_, err := w.services.AccessPackages.AddResourceRoleScope(sys, p.ID, entitled.ResourceRoleScopeInput{RoleOriginID: "Member", RoleOriginSystem: "crm", ResourceID: rr.Resource.ID})
	w.must(err)
	return p.ID
}

func (w *world) policy(pkg string, approval *entitled.ApprovalSettings) string {
	w.t.Helper()
	p := &entitled.AssignmentPolicy{AccessPackageID: pkg, DisplayName: "Employees", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		RequestorSettings:       entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, EnableTargetsToSelfRemoveAccess: true},
		RequestApprovalSettings: *approval, Expiration: entitled.Expiration{Type: entitled.ExpirationNone}}
	w.must(w.services.Policies.CreatePolicy(w.sys(), p))
	return p.ID
}

// request submits a userAdd for a user directly through the service.
func (w *world) request(user, pkg, policy string) string {
	w.t.Helper()
	r := &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AccessPackageID: pkg, AssignmentPolicyID: policy,
		Justification: "needed for my work"}
	w.must(w.services.Requests.SubmitRequest(w.as(user), r))
	return r.ID
}

// failDeliveries records a permanent failure for every open delivery of a
// request, as the delivery engine would; the request rolls up to
// deliveryFailed.
func (w *world) failDeliveries(requestID string) {
	w.t.Helper()
	w.failWith(requestID, "HTTP 403: no such account in the CRM")
}

// failWith records a permanent failure with the error for every open
// delivery of a request.
func (w *world) failWith(requestID, msg string) {
	w.t.Helper()
	ds, err := w.services.Requests.Deliveries(w.sys(), requestID)
	w.must(err)
	for _, d := range ds {
		if d.Status.IsFinal() {
			continue
		}
		w.must(w.services.Deliveries.RecordDeliveryOutcomes(context.Background(), []entitled.DeliveryOutcome{{DeliveryID: d.ID, Run: d.Run,
			Err: entitled.PermanentErrorf("%s", msg), Final: true, At: w.clock.Now()}}))
	}
}

// state reads a request's state.
func (w *world) state(requestID string) entitled.RequestState {
	w.t.Helper()
	r, err := w.services.Requests.Request(w.sys(), requestID)
	w.must(err)
	return r.State
}

// link creates a one-time sign-in secret for a user.
func (w *world) link(name string, ttl time.Duration) string {
	w.t.Helper()
	secret, _, err := w.services.Sessions.CreateLoginLink(w.sys(), w.users[name].UserPrincipalName, ttl)
	w.must(err)
	return secret
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	t    testing.TB
	w    *world
	c    *http.Client
	csrf string
}

// page is an answer.
type page struct {
	status   int
	location string
	body     string
	header   http.Header
}

func (w *world) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: w.t, w: w, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// signIn follows a fresh sign-in link and presses Continue.
func (w *world) signIn(name string) *browser {
	w.t.Helper()
	b := w.browser()
	secret := w.link(name, 15*time.Minute)
	p := b.get("/login?token=" + url.QueryEscape(secret))
	if p.status != 200 || !strings.Contains(p.body, secret) {
		w.t.Fatalf("sign-in page: %d %s", p.status, p.body)
	}
	p = b.post("/login", url.Values{"token": {secret}})
	if p.status != http.StatusSeeOther || p.location != "/" {
		w.t.Fatalf("sign in as %s: %d %q %s", name, p.status, p.location, p.body)
	}
	home := b.get("/")
	if home.status != 200 || !strings.Contains(home.body, w.users[name].DisplayName) {
		w.t.Fatalf("home after sign-in: %d %s", home.status, home.body)
	}
	return b
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	p := page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(raw), header: res.Header}
	if m := csrfRe.FindStringSubmatch(p.body); m != nil {
		b.csrf = m[1]
	}
	return p
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.w.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form as is (no CSRF token added), with the site's Origin.
func (b *browser) post(path string, form url.Values, hdr ...string) page {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.w.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.w.srv.URL)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return b.do(req)
}

// submit posts a form with the CSRF token of the last page seen.
func (b *browser) submit(path string, form url.Values) page {
	b.t.Helper()
	if b.csrf == "" {
		b.t.Fatal("no CSRF token seen yet: load a page with a form first")
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf", b.csrf)
	return b.post(path, f)
}

// see asserts a page's status and that its body holds every text.
func (p page) see(t *testing.T, status int, texts ...string) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d; body:\n%s", p.status, status, p.body)
	}
	for _, s := range texts {
		if !strings.Contains(p.body, s) {
			t.Errorf("page lacks %q; body:\n%s", s, p.body)
		}
	}
	return p
}

// redirect asserts a 303 to the location.
func (p page) redirect(t *testing.T, location string) {
	t.Helper()
	if p.status != http.StatusSeeOther || p.location != location {
		t.Fatalf("got %d to %q, want 303 to %q; body:\n%s", p.status, p.location, location, p.body)
	}
}
