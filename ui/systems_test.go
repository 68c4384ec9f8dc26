package ui_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// scimServer is a small SCIM 2.0 service provider: it checks the bearer
// token and serves groups with displayName filtering and paging.
func scimServer(t *testing.T, token string, groups []string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, `{"detail":"bad token"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/scim+json")
		switch r.URL.Path {
		case "/scim/v2/ServiceProviderConfig":
			_, _ = w.Write([]byte(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]}`))
		case "/scim/v2/Groups":
			q := r.URL.Query()
			var match []map[string]string
			want := ""
			if m := regexp.MustCompile(`^displayName co "(.*)"$`).FindStringSubmatch(q.Get("filter")); m != nil {
				want = strings.ToLower(m[1])
			}
			for i, g := range groups {
				if strings.Contains(strings.ToLower(g), want) {
					match = append(match, map[string]string{"id": "g" + strconv.Itoa(i), "displayName": g})
				}
			}
			start, _ := strconv.Atoi(q.Get("startIndex"))
			count, _ := strconv.Atoi(q.Get("count"))
			start = max(start, 1)
			page := match[min(start-1, len(match)):min(start-1+count, len(match))]
			_ = json.NewEncoder(w).Encode(map[string]any{"totalResults": len(match), "startIndex": start,
				"itemsPerPage": len(page), "Resources": page})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestConnectedSystems: a tenant administrator adds a SCIM system (its
// token as a password input, never shown again), tests the connection and
// browses its groups with search and paging.
func TestConnectedSystems(t *testing.T) {
	w := newWorld(t) // page size 5
	groups := []string{"Sales EMEA", "Sales US", "Support", "Finance", "Sales APAC", "Sales LATAM", "Sales Nordics", "Engineering"}
	scimSrv := scimServer(t, "tok-s3cret", groups)

	admin := w.signIn("admin")
	admin.get("/").see(t, 200, `href="/admin/systems"`)
	admin.get("/admin/systems").see(t, 200, "Connected systems", "crm", "webhook", `id="add-system"`)
	// The kind comes first, then its typed form: no key/value rows.
	admin.get("/admin/systems/new").see(t, 200, `id="kind-scim"`, `id="kind-webhook"`, "SCIM 2.0 application", `id="choose-kind"`)
	form := admin.get("/admin/systems/new?kind=scim").see(t, 200, `name="kind" value="scim"`,
		`type="password" id="cfg-token" name="token"`, `id="cfg-baseURL" name="baseURL"`, "Match users by",
		`<option value="userName" selected>`, "Default: 10s.")
	if strings.Contains(form.body, `name="key"`) || strings.Contains(form.body, `id="pick-kind"`) {
		t.Error("the form still has key/value rows or a second kind selector")
	}

	// An empty secret is refused, not saved as "set".
	admin.submit("/admin/systems", url.Values{"name": {"hr-scim"}, "kind": {"scim"},
		"baseURL": {scimSrv.URL + "/scim/v2"}, "token": {""}}).
		see(t, 400, "Type the Bearer token: the connector cannot work without it.")
	if _, err := w.services.Systems.System(w.sys(), "hr-scim"); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("a system with an empty secret was saved: %v", err)
	}

	// A bad config: the store's message is shown, the other values are
	// kept, the secret is not echoed.
	bad := admin.submit("/admin/systems", url.Values{"name": {"hr-scim"}, "kind": {"scim"},
		"baseURL": {"ftp://nowhere"}, "token": {"tok-s3cret"}, "timeout": {"5s"}})
	bad.see(t, 400, "config.baseURL", `value="hr-scim"`, `value="5s"`)
	if strings.Contains(bad.body, "tok-s3cret") {
		t.Fatal("the form echoed the secret back")
	}
	admin.submit("/admin/systems", url.Values{"name": {"x"}, "kind": {"scim"}, "baseURL": {scimSrv.URL}, "token": {"t"}, "maxConnections": {"many"}}).
		see(t, 400, "Maximum connections must be a whole number")
	admin.submit("/admin/systems", url.Values{"name": {""}, "kind": {"scim"}, "baseURL": {scimSrv.URL}, "token": {"t"}}).see(t, 400, "Enter a name")
	admin.submit("/admin/systems", url.Values{"name": {"x"}, "kind": {"nosuch"}}).see(t, 400, "Choose the kind of system first.")

	res := admin.submit("/admin/systems", url.Values{"name": {"hr-scim"}, "kind": {"scim"},
		"baseURL": {scimSrv.URL + "/scim/v2"}, "timeout": {"5s"}, "token": {"tok-s3cret"}, "userMatch": {"userName"}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/admin/systems/") {
		t.Fatalf("add system: %d %q %s", res.status, res.location, res.body)
	}
	sysPath := strings.TrimSuffix(res.location, "?done=systemAdded")
	sys, err := w.services.Systems.System(w.sys(), "hr-scim")
	w.must(err)
	if sysPath != "/admin/systems/"+sys.ID {
		t.Fatalf("redirect to %s, want the new system %s", sysPath, sys.ID)
	}
	detail := admin.get(res.location).see(t, 200, "The connected system was added", "hr-scim", "scim", scimSrv.URL+"/scim/v2",
		"<dt>Bearer token</dt><dd><span class=\"hint\">set (hidden)</span>", `id="check"`, `id="browse"`, `id="drift"`, `id="edit-system"`, `id="delete-system"`)
	if strings.Contains(detail.body, "tok-s3cret") {
		t.Fatal("the detail page shows the secret")
	}
	admin.get("/admin/systems").see(t, 200, "hr-scim")

	admin.submit(sysPath+"/check", nil).see(t, 200, "Connection works")

	first := admin.get(sysPath+"/resources?q=sales").see(t, 200, "Sales EMEA", "Sales US", "Sales APAC", "Sales LATAM", "Sales Nordics", "Member")
	if strings.Contains(first.body, "Support") || strings.Contains(first.body, "Engineering") {
		t.Error("search for sales lists other groups")
	}
	all := admin.get(sysPath+"/resources").see(t, 200, "Sales EMEA", "Finance")
	next := regexp.MustCompile(`href="([^"]+skiptoken=[^"]+)">Next page`).FindStringSubmatch(all.body)
	if next == nil {
		t.Fatal("no next page of resources")
	}
	second := admin.get(strings.ReplaceAll(next[1], "&amp;", "&")).see(t, 200, "Sales LATAM", "Sales Nordics", "Engineering", "First page")
	if strings.Contains(second.body, "Sales EMEA") {
		t.Error("the second page repeats the first")
	}
	// A system whose kind cannot list resources says so.
	crm := w.systemPath("crm")
	admin.get(crm+"/resources").see(t, 400, "cannot list their resources")
	// … and its page does not offer what webhooks cannot do.
	crmPage := admin.get(crm).see(t, 200, `id="edit-system"`, `id="kind-limits"`)
	for _, id := range []string{`id="check"`, `id="browse"`, `id="drift"`} {
		if strings.Contains(crmPage.body, id) {
			t.Errorf("a webhook system's page offers %s", id)
		}
	}

	// A wrong token: the test fails with the connector's reason. (The
	// world's clock stands still; move it so the change is seen.)
	w.clock.Add(time.Minute)
	_, err = w.services.Systems.UpdateSystem(w.sys(), sys.ID, entitled.SystemUpdate{Config: map[string]any{"token": "wrong"}})
	w.must(err)
	check := admin.submit(sysPath+"/check", nil).see(t, 200, "Connection test failed", "401")
	if strings.Contains(check.body, "wrong") && strings.Contains(check.body, "Bearer") {
		t.Error("the failed check shows the token")
	}
	admin.get("/admin/systems/no-such-system").see(t, 404)
}

// TestConnectedSystemsRoles: only tenant administrators see and use the
// connected systems pages.
func TestConnectedSystemsRoles(t *testing.T) {
	w := newWorld(t)
	crm := w.systemPath("crm")
	mia := w.signIn("mia")
	if strings.Contains(mia.get("/").body, `href="/admin/systems"`) {
		t.Error("an assignment manager's navigation shows Connected systems")
	}
	for _, p := range []string{"/admin/systems", "/admin/systems/new", crm, crm + "/resources"} {
		mia.get(p).see(t, 403, "Global and Identity Governance Administrators")
	}
	mia.submit("/admin/systems", url.Values{"name": {"sneaky"}, "kind": {"webhook"}, "url": {"http://example.com"}}).see(t, 403)
	mia.get(crm+"/edit").see(t, 403)
	mia.submit(crm+"/edit", url.Values{"name": {"sneaky"}, "url": {"http://example.com"}}).see(t, 403)
	mia.submit(crm+"/delete", url.Values{"confirmed": {"yes"}}).see(t, 403)
	mia.submit(crm+"/check", nil).see(t, 403)
	if _, err := w.services.Systems.System(w.sys(), "sneaky"); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("a forged add by an assignment manager: %v", err)
	}
}

// TestEditAndDeleteSystem: a system's settings are edited in the typed
// form (a secret left empty is kept, a cleared setting falls back to its
// default), and it is deleted after a confirmation; one catalog resources
// use is not.
func TestEditAndDeleteSystem(t *testing.T) {
	w := newWorld(t)
	scimSrv := scimServer(t, "tok-s3cret", []string{"Sales"})
	admin := w.signIn("admin")
	res := admin.submit("/admin/systems", url.Values{"name": {"hr-scim"}, "kind": {"scim"},
		"baseURL": {scimSrv.URL + "/scim/v2"}, "timeout": {"5s"}, "token": {"tok-s3cret"}, "userMatch": {"userName"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", res.status, res.body)
	}
	sys, err := w.services.Systems.System(w.sys(), "hr-scim")
	w.must(err)
	path := "/admin/systems/" + sys.ID

	edit := admin.get(path+"/edit").see(t, 200, `value="hr-scim"`, `value="5s"`, "A value is stored; leave empty to keep it.", `<option value="userName" selected>`)
	if strings.Contains(edit.body, "tok-s3cret") {
		t.Fatal("the edit form shows the secret")
	}
	w.clock.Add(time.Minute)
	admin.submit(path+"/edit", url.Values{"name": {"hr-scim2"}, "baseURL": {scimSrv.URL + "/scim/v2"}, "timeout": {""},
		"token": {""}, "userMatch": {"emails"}, "createUsers": {"true"}}).see(t, 303)
	got, err := w.services.Systems.System(w.sys(), sys.ID)
	w.must(err)
	if got.Name != "hr-scim2" || got.Config["userMatch"] != "emails" || got.Config["createUsers"] != true || got.Config["tokenSet"] != true {
		t.Fatalf("after edit: %s %v", got.Name, got.Config)
	}
	if _, ok := got.Config["timeout"]; ok {
		t.Errorf("a cleared timeout is still stored: %v", got.Config["timeout"])
	}
	// The kept token still works.
	admin.submit(path+"/check", nil).see(t, 200, "Connection works")
	admin.submit(path+"/edit", url.Values{"name": {"hr-scim2"}, "baseURL": {""}}).see(t, 400, "Fill in Base URL.")

	// Delete: asked first, then done.
	admin.submit(path+"/delete", nil).see(t, 200, "Delete the connected system hr-scim2?", `name="confirmed" value="yes"`)
	if _, err := w.services.Systems.System(w.sys(), sys.ID); err != nil {
		t.Fatalf("deleted without confirmation: %v", err)
	}
	admin.submit(path+"/delete", url.Values{"confirmed": {"yes"}}).see(t, 303)
	admin.get("/admin/systems?done=systemDeleted").see(t, 200, "The connected system was deleted.")
	if _, err := w.services.Systems.System(w.sys(), sys.ID); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("after delete: %v", err)
	}
	// The crm system is used by catalog resources: refused with the reason.
	admin.submit(w.systemPath("crm")+"/delete", url.Values{"confirmed": {"yes"}}).see(t, 409, "remove them from their catalogs first")
}
