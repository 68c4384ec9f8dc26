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
	form := admin.get("/admin/systems/new?kind=scim").see(t, 200, `<option value="scim" selected>`,
		`type="password" id="svalue-0" name="svalue"`, `id="skey-0" name="skey" value="token"`)
	if strings.Count(form.body, `name="key"`) < 8 {
		t.Error("the form has fewer than 8 setting rows")
	}

	// An empty secret is refused, not saved as "set".
	admin.submit("/admin/systems", url.Values{"name": {"hr-scim"}, "kind": {"scim"},
		"key": {"baseURL"}, "value": {scimSrv.URL + "/scim/v2"}, "skey": {"token"}, "svalue": {""}}).
		see(t, 400, "The secret token is empty: type it, or clear its name to leave it out.")
	if _, err := w.services.Systems.System(w.sys(), "hr-scim"); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("a system with an empty secret was saved: %v", err)
	}

	// A bad config: the store's message is shown, the secret is not echoed.
	bad := admin.submit("/admin/systems", url.Values{"name": {"hr-scim"}, "kind": {"scim"},
		"key": {"baseURL", "bogus"}, "value": {scimSrv.URL + "/scim/v2", "1"}, "skey": {"token"}, "svalue": {"tok-s3cret"}})
	bad.see(t, 400, "unknown scim config key", `value="hr-scim"`, `value="bogus"`, `value="token"`)
	if strings.Contains(bad.body, "tok-s3cret") {
		t.Fatal("the form echoed the secret back")
	}
	// A secret typed into a plain row is not echoed either.
	plain := admin.submit("/admin/systems", url.Values{"name": {"hr-scim"}, "kind": {"scim"},
		"key": {"baseURL", "token", "bogus"}, "value": {scimSrv.URL + "/scim/v2", "tok-s3cret", "x"}})
	if plain.status != 400 || strings.Contains(plain.body, "tok-s3cret") {
		t.Fatalf("a secret in a plain row: %d, echoed %v", plain.status, strings.Contains(plain.body, "tok-s3cret"))
	}
	admin.submit("/admin/systems", url.Values{"name": {"x"}, "kind": {"scim"}, "key": {"roles"}, "value": {"[oops"}}).
		see(t, 400, "not valid JSON")
	admin.submit("/admin/systems", url.Values{"name": {""}, "kind": {"scim"}}).see(t, 400, "Enter a name")

	res := admin.submit("/admin/systems", url.Values{"name": {"hr-scim"}, "kind": {"scim"},
		"key": {"baseURL", "timeout", ""}, "value": {scimSrv.URL + "/scim/v2", "5s", ""}, "skey": {"token", ""}, "svalue": {"tok-s3cret", ""}})
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
		"<dt>token</dt><dd><span class=\"hint\">set (hidden)</span>", `id="check"`, `id="browse"`)
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
	crm, err := w.services.Systems.System(w.sys(), "crm")
	w.must(err)
	admin.get("/admin/systems/"+crm.ID+"/resources").see(t, 400, "cannot list their resources")

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
	crm, err := w.services.Systems.System(w.sys(), "crm")
	w.must(err)
	mia := w.signIn("mia")
	if strings.Contains(mia.get("/").body, `href="/admin/systems"`) {
		t.Error("an assignment manager's navigation shows Connected systems")
	}
	for _, p := range []string{"/admin/systems", "/admin/systems/new", "/admin/systems/" + crm.ID, "/admin/systems/" + crm.ID + "/resources"} {
		mia.get(p).see(t, 403, "Global and Identity Governance Administrators")
	}
	mia.submit("/admin/systems", url.Values{"name": {"sneaky"}, "kind": {"webhook"}, "key": {"url"}, "value": {"http://example.com"}}).see(t, 403)
	mia.submit("/admin/systems/"+crm.ID+"/check", nil).see(t, 403)
	if _, err := w.services.Systems.System(w.sys(), "sneaky"); entitled.ErrorKind(err) != entitled.KindNotFound {
		t.Fatalf("a forged add by an assignment manager: %v", err)
	}
}
