package http_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	ehttp "github.com/entitled-dev/entitled/http"
)

// The sweep sends every registered route, with every method it serves, a
// battery of bad calls against a store holding one of everything, and
// checks that each answer is below 500, that every 4xx is Graph's error
// envelope, and that a rejected call changed nothing in the database.

// sweepWorld is the populated store and the ids of its entities.
type sweepWorld struct {
	e        *env
	routes   []ehttp.SweepRoute
	plainTok string
	// readerTok is the Catalog reader of the catalog (and alice's manager).
	readerTok string
	hook      *httptest.Server
	hookHits  atomic.Int64
	// ids maps a pattern prefix ending in a {param} to a real id.
	ids map[string]string
	// named entity ids used by samples.
	id map[string]string
	// counts of cases run per route, for the summary.
	cases map[string]int
}

const (
	roleUserAdmin     = "fe930be7-5e62-47db-91af-98c3a49a38b1"
	roleCatalogReader = "44272f93-9762-48e8-af59-1b5351b1d6b3"
	sweepMaxBody      = 1 << 20
)

func newSweepWorld(t *testing.T) *sweepWorld {
	t.Helper()
	var cfg *ehttp.Config
	e := newEnv(t, func(c *ehttp.Config) { c.MaxBodyBytes = sweepMaxBody; cfg = c })
	w := &sweepWorld{e: e, routes: ehttp.SweepRoutes(ehttp.NewServer(*cfg)), id: map[string]string{}, cases: map[string]int{}}
	w.hook = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.hookHits.Add(1)
		rw.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(w.hook.Close)

	mk := func(path string, body any) map[string]any {
		t.Helper()
		return e.do("POST", path, body).must(t, 201)
	}
	user := func(name string) string {
		return str(mk("/v1.0/users", map[string]any{"userPrincipalName": name + "@example.com", "displayName": name, "mail": name + "@example.com"})["id"])
	}
	for _, n := range []string{"alice", "bob", "carol", "pat", "mgr", "ua"} {
		w.id[n] = user(n)
	}
	w.plainTok = e.tokenFor(w.id["pat"])
	w.readerTok = e.tokenFor(w.id["mgr"])
	e.do("PUT", "/v1.0/users/"+w.id["alice"]+"/manager/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + w.id["mgr"]}).must(t, 204)
	w.id["group"] = str(mk("/v1.0/groups", map[string]any{"displayName": "Sales", "mailNickname": "sales"})["id"])
	e.do("POST", "/v1.0/groups/"+w.id["group"]+"/members/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + w.id["alice"]}).must(t, 204)
	e.do("POST", "/v1.0/groups/"+w.id["group"]+"/owners/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + w.id["alice"]}).must(t, 204)
	w.id["cat"] = str(mk(em+"/catalogs", map[string]any{"displayName": "Sales", "state": "published"})["id"])
	w.id["sys"] = str(mk("/api/v1/systems", map[string]any{"name": "hooks", "kind": "webhook",
		"config": map[string]any{"url": w.hook.URL, "secret": "shh"}, "retry": map[string]any{"maxAttempts": 3}})["id"])
	w.id["subscription"] = str(mk("/api/v1/subscriptions", map[string]any{"url": w.hook.URL, "events": []any{"*"},
		"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="})["id"])
	rr := mk(em+"/resourceRequests", map[string]any{"requestType": "adminAdd",
		"resource": map[string]any{"originId": w.id["group"], "originSystem": "AadGroup"}, "catalog": map[string]any{"id": w.id["cat"]}})
	w.id["groupRes"] = str(obj(rr["resource"])["id"])
	rr = mk(em+"/resourceRequests", map[string]any{"requestType": "adminAdd",
		"resource": map[string]any{"originId": "team-a", "originSystem": "hooks"}, "catalog": map[string]any{"id": w.id["cat"]}})
	w.id["hookRes"] = str(obj(rr["resource"])["id"])
	w.id["ap"] = str(mk(em+"/accessPackages", map[string]any{"displayName": "Sales access", "catalog": map[string]any{"id": w.id["cat"]}})["id"])
	w.id["ap2"] = str(mk(em+"/accessPackages", map[string]any{"displayName": "Audit access", "catalog": map[string]any{"id": w.id["cat"]}})["id"])
	w.id["group2"] = str(mk("/v1.0/groups", map[string]any{"displayName": "Auditors", "mailNickname": "auditors"})["id"])
	w.id["scope"] = str(mk(em+"/accessPackages/"+w.id["ap"]+"/resourceRoleScopes", map[string]any{
		"role":  map[string]any{"originId": "Member_" + w.id["group"], "originSystem": "AadGroup", "resource": map[string]any{"id": w.id["groupRes"]}},
		"scope": map[string]any{"originId": w.id["group"], "originSystem": "AadGroup"}})["id"])
	w.id["polA"] = str(mk(em+"/assignmentPolicies", w.policyBody())["id"])
	w.id["polB"] = str(mk(em+"/assignmentPolicies", map[string]any{"displayName": "Open", "allowedTargetScope": "allMemberUsers",
		"accessPackage":           map[string]any{"id": w.id["ap"]},
		"requestorSettings":       map[string]any{"enableTargetsToSelfAddAccess": true},
		"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": false}})["id"])
	aliceTok := e.tokenFor(w.id["alice"])
	w.id["reqA"] = str(e.doAs(aliceTok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": w.id["ap"], "assignmentPolicyId": w.id["polA"], "targetId": w.id["alice"]}}).must(t, 201)["id"])
	st := list(e.do("GET", em+"/accessPackageAssignmentApprovals/"+w.id["reqA"]+"/stages", nil).must(t, 200)["value"])
	if len(st) != 1 {
		t.Fatalf("stages of the pending request: %v", st)
	}
	w.id["stage"] = str(obj(st[0])["id"])
	bobTok := e.tokenFor(w.id["bob"])
	w.id["reqB"] = str(e.doAs(bobTok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
		"assignment": map[string]any{"accessPackageId": w.id["ap"], "assignmentPolicyId": w.id["polB"], "targetId": w.id["bob"]}}).must(t, 201)["id"])
	as := list(e.doAs(bobTok, "GET", em+"/assignments/filterByCurrentUser(on='target')", nil).must(t, 200)["value"])
	if len(as) != 1 {
		t.Fatalf("bob's assignments: %v", as)
	}
	w.id["asg"] = str(obj(as[0])["id"])
	w.id["dirRA"] = str(mk("/v1.0/roleManagement/directory/roleAssignments", map[string]any{"principalId": w.id["ua"],
		"roleDefinitionId": roleUserAdmin, "directoryScopeId": "/"})["id"])
	w.id["emRA"] = str(mk("/v1.0/roleManagement/entitlementManagement/roleAssignments", map[string]any{"principalId": w.id["mgr"],
		"roleDefinitionId": roleCatalogReader, "appScopeId": "/AccessPackageCatalog/" + w.id["cat"]})["id"])
	w.id["token"] = str(mk("/api/v1/tokens", map[string]any{"userId": w.id["bob"], "ttl": "PT1H"})["id"])
	w.id["sp"] = str(mk("/v1.0/servicePrincipals", map[string]any{"appId": "sweep-fixture-app"})["id"])
	w.id["op"] = str(e.do("POST", "/api/v1/assignmentRequests/reprocess", map[string]any{"filter": "state eq 'deliveryFailed'"}).must(t, 202)["id"])
	audits := list(e.do("GET", "/v1.0/auditLogs/directoryAudits?$top=1", nil).must(t, 200)["value"])
	if len(audits) != 1 {
		t.Fatalf("no audit events")
	}
	w.id["audit"] = str(obj(audits[0])["id"])
	for k, v := range w.id {
		if v == "" {
			t.Fatalf("fixture id %s is empty", k)
		}
	}

	w.ids = map[string]string{
		"/v1.0/users/{id}":                                                w.id["alice"],
		"/v1.0/groups/{id}":                                               w.id["group"],
		"/v1.0/servicePrincipals/{id}":                                    w.id["sp"],
		"/v1.0/groups/{id}/members/{userId}":                              w.id["alice"],
		"/v1.0/groups/{id}/owners/{userId}":                               w.id["alice"],
		"/v1.0/roleManagement/directory/roleAssignments/{id}":             w.id["dirRA"],
		"/v1.0/roleManagement/entitlementManagement/roleAssignments/{id}": w.id["emRA"],
		em + "/catalogs/{id}":                                             w.id["cat"],
		em + "/catalogs/{id}/resources/{rid}":                             w.id["groupRes"],
		em + "/accessPackages/{id}":                                       w.id["ap"],
		em + "/accessPackages/{id}/resourceRoleScopes/{sid}":              w.id["scope"],
		em + "/accessPackages/{id}/incompatibleAccessPackages/{other}":    w.id["ap2"],
		em + "/accessPackages/{id}/incompatibleGroups/{other}":            w.id["group2"],
		em + "/assignmentPolicies/{id}":                                   w.id["polA"],
		em + "/assignmentRequests/{id}":                                   w.id["reqA"],
		em + "/assignments/{id}":                                          w.id["asg"],
		em + "/accessPackageAssignmentApprovals/{id}":                     w.id["reqA"],
		em + "/accessPackageAssignmentApprovals/{id}/stages/{stageId}":    w.id["stage"],
		"/v1.0/auditLogs/directoryAudits/{id}":                            w.id["audit"],
		"/api/v1/assignmentRequests/{id}":                                 w.id["reqB"],
		"/api/v1/systems/{id}":                                            w.id["sys"],
		"/api/v1/subscriptions/{id}":                                      w.id["subscription"],
		"/api/v1/tokens/{id}":                                             w.id["token"],
		"/api/v1/operations/{id}":                                         w.id["op"],
		// The fixture system has no findings: a finding id never matches.
		"/api/v1/systems/{id}/drift/{findingId}": "no-finding-yet",
	}
	return w
}

// policyBody is a valid assignment policy with one approval stage.
func (w *sweepWorld) policyBody() map[string]any {
	return map[string]any{
		"displayName": "Employees", "description": "d", "allowedTargetScope": "specificDirectoryUsers",
		"specificAllowedTargets": []any{map[string]any{"@odata.type": "#microsoft.graph.groupMembers", "groupId": w.id["group"]}},
		"accessPackage":          map[string]any{"id": w.id["ap"]},
		"expiration":             map[string]any{"type": "afterDuration", "duration": "P30D"},
		"requestorSettings": map[string]any{"enableTargetsToSelfAddAccess": true, "enableTargetsToSelfRemoveAccess": true,
			"onBehalfRequestors": []any{map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": w.id["mgr"]}}},
		"requestApprovalSettings": map[string]any{"isApprovalRequiredForAdd": true, "isRequestorJustificationRequired": false,
			"stages": []any{map[string]any{
				"durationBeforeAutomaticDenial": "P7D", "isApproverJustificationRequired": false, "isEscalationEnabled": false,
				"durationBeforeEscalation": "P2D",
				"primaryApprovers":         []any{map[string]any{"@odata.type": "#microsoft.graph.singleUser", "userId": w.e.admin.ID}},
			}}},
	}
}

// invalidValue is a property value of the right JSON type that the route
// must refuse (an unknown enum member, a malformed date or duration).
type invalidValue struct {
	path string
	val  any
	want []int
}

// sample is a valid body for a write route and what the sweep may vary.
type sample struct {
	// noBody marks routes that read no body (actions, deletes).
	noBody bool
	body   map[string]any
	// invalid values, each sent alone in an otherwise valid body.
	invalid []invalidValue
	// emptyOK marks routes where an empty body means "all defaults".
	emptyOK bool
	// anyType lists paths whose JSON type is free (raw JSON, the config of
	// a connector the test fixture does not validate).
	anyType []string
}

func bad(path string, val any, want ...int) invalidValue {
	if len(want) == 0 {
		want = []int{400}
	}
	return invalidValue{path: path, val: val, want: want}
}

// samples returns the body sample of every write route, keyed by
// "METHOD pattern". Every POST, PUT and PATCH route must have one.
func (w *sweepWorld) samples() map[string]sample {
	url := w.e.srv.URL
	userBody := map[string]any{"userPrincipalName": "new@example.com", "displayName": "New", "mail": "new@example.com", "accountEnabled": true}
	groupBody := map[string]any{"displayName": "G", "description": "d", "mailNickname": "g"}
	sched := map[string]any{"startDateTime": "2030-01-01T00:00:00Z",
		"expiration": map[string]any{"type": "afterDuration", "duration": "P7D"}}
	sysBody := map[string]any{"name": "hooks2", "kind": "webhook", "config": map[string]any{"url": w.hook.URL, "secret": "x"},
		"retry": map[string]any{"maxAttempts": 2, "initialBackoff": "PT1S", "maxBackoff": "PT5S"}}
	sysPatch := map[string]any{"name": "hooks", "config": map[string]any{"url": w.hook.URL, "secret": "shh"},
		"retry": map[string]any{"maxAttempts": 2, "initialBackoff": "PT1S", "maxBackoff": "PT5S"}}
	policyInvalid := []invalidValue{bad("allowedTargetScope", "everyone"), bad("expiration/type", "whenever"),
		bad("expiration/duration", "30 days"), bad("specificAllowedTargets/0/@odata.type", "#microsoft.graph.nobody"),
		bad("requestorSettings/onBehalfRequestors/0/@odata.type", "#microsoft.graph.nobody"),
		bad("requestApprovalSettings/stages/0/durationBeforeAutomaticDenial", "a week"),
		bad("requestApprovalSettings/stages/0/primaryApprovers/0/@odata.type", "#microsoft.graph.nobody"),
		bad("accessPackage/id", "no-such-package", 400, 404)}
	noBody := sample{noBody: true}
	return map[string]sample{
		"POST /v1.0/users":                    {body: userBody, invalid: []invalidValue{bad("userPrincipalName", "no at sign")}},
		"PATCH /v1.0/users/{id}":              {body: userBody, invalid: []invalidValue{bad("userPrincipalName", "no at sign"), bad("preferredLanguage", "not a tag")}},
		"PATCH /v1.0/me":                      {body: map[string]any{"preferredLanguage": "fr-FR"}, invalid: []invalidValue{bad("preferredLanguage", "not a tag")}},
		"PUT /v1.0/users/{id}/manager/$ref":   {body: map[string]any{"@odata.id": url + "/v1.0/users/" + w.id["mgr"]}},
		"POST /v1.0/groups":                   {body: groupBody},
		"POST /v1.0/servicePrincipals":        {body: map[string]any{"appId": "sweep-app", "displayName": "Sweep app"}, invalid: []invalidValue{bad("appId", "")}},
		"PATCH /v1.0/groups/{id}":             {body: groupBody},
		"POST /v1.0/groups/{id}/members/$ref": {body: map[string]any{"@odata.id": url + "/v1.0/users/" + w.id["bob"]}},
		"POST /v1.0/groups/{id}/owners/$ref":  {body: map[string]any{"@odata.id": url + "/v1.0/users/" + w.id["bob"]}},
		"POST " + em + "/accessPackages/{id}/incompatibleAccessPackages/$ref": {body: map[string]any{"@odata.id": url + em + "/accessPackages/" + w.id["ap2"]}},
		"POST " + em + "/accessPackages/{id}/incompatibleGroups/$ref":         {body: map[string]any{"@odata.id": url + "/v1.0/groups/" + w.id["group2"]}},
		"POST /v1.0/roleManagement/directory/roleAssignments": {body: map[string]any{"principalId": w.id["ua"],
			"roleDefinitionId": roleUserAdmin, "directoryScopeId": "/"},
			invalid: []invalidValue{bad("roleDefinitionId", "not-a-role", 400, 404), bad("directoryScopeId", "/nowhere")}},
		"POST /v1.0/roleManagement/entitlementManagement/roleAssignments": {body: map[string]any{"principalId": w.id["mgr"],
			"roleDefinitionId": roleCatalogReader, "appScopeId": "/AccessPackageCatalog/" + w.id["cat"]},
			invalid: []invalidValue{bad("roleDefinitionId", "not-a-role", 400, 404), bad("appScopeId", "/Nowhere/1", 400, 404)}},
		"POST " + em + "/catalogs": {body: map[string]any{"displayName": "C", "description": "d", "catalogType": "userManaged",
			"state": "published", "isExternallyVisible": false},
			invalid: []invalidValue{bad("state", "halfPublished"), bad("catalogType", "bogusManaged")}},
		"PATCH " + em + "/catalogs/{id}": {body: map[string]any{"displayName": "Sales", "description": "d", "state": "published",
			"isExternallyVisible": false}, invalid: []invalidValue{bad("state", "halfPublished")}},
		"POST " + em + "/resourceRequests": {body: map[string]any{"requestType": "adminAdd",
			"resource": map[string]any{"originId": "team-b", "originSystem": "hooks", "displayName": "Team B", "description": "d"},
			"catalog":  map[string]any{"id": w.id["cat"]}},
			invalid: []invalidValue{bad("requestType", "adminMaybe"), bad("resource/originSystem", "NoSuchSystem", 400, 404),
				bad("catalog/id", "no-such-catalog", 400, 404)}},
		"POST " + em + "/accessPackages": {body: map[string]any{"displayName": "P", "description": "d", "isHidden": false,
			"catalog": map[string]any{"id": w.id["cat"]}}, invalid: []invalidValue{bad("catalog/id", "no-such-catalog", 400, 404)}},
		"PATCH " + em + "/accessPackages/{id}": {body: map[string]any{"displayName": "Sales access", "description": "d", "isHidden": false}},
		"POST " + em + "/accessPackages/{id}/resourceRoleScopes": {body: map[string]any{
			"role":  map[string]any{"originId": "Member_team-a", "originSystem": "hooks", "resource": map[string]any{"id": w.id["hookRes"]}},
			"scope": map[string]any{"originId": "team-a", "originSystem": "hooks"}},
			invalid: []invalidValue{bad("role/originId", "Boss_team-a", 400, 404), bad("role/resource/id", "no-such-resource", 400, 404)}},
		"POST " + em + "/assignmentPolicies":     {body: w.policyBody(), invalid: policyInvalid},
		"PUT " + em + "/assignmentPolicies/{id}": {body: w.policyBody(), invalid: policyInvalid},
		"POST " + em + "/assignmentRequests": {body: map[string]any{"requestType": "adminAdd",
			"assignment":    map[string]any{"targetId": w.id["carol"], "assignmentPolicyId": w.id["polB"], "accessPackageId": w.id["ap"]},
			"justification": "j", "answers": []any{}, "schedule": sched},
			invalid: []invalidValue{bad("requestType", "adminMaybe"), bad("schedule/startDateTime", "tomorrow"),
				bad("schedule/expiration/type", "whenever"), bad("schedule/expiration/duration", "a week"),
				bad("assignment/targetId", "no-such-user", 400, 404), bad("assignment/assignmentPolicyId", "no-such-policy", 400, 404)}},
		"POST /api/v1/assignmentRequests/reprocess": {body: map[string]any{"filter": "state eq 'deliveryFailed'", "system": "hooks"},
			invalid: []invalidValue{bad("filter", "nope eq 'x'"), bad("filter", "state eq"), bad("system", "no-such-system")}},
		"POST " + em + "/assignmentRequests/{id}/cancel":                      noBody,
		"POST " + em + "/assignmentRequests/{id}/reprocess":                   noBody,
		"POST " + em + "/assignments/{id}/reprocess":                          noBody,
		"POST /api/v1/systems/{id}/check":                                     noBody,
		"POST /api/v1/systems/{id}/pause":                                     noBody,
		"POST /api/v1/systems/{id}/resume":                                    noBody,
		"POST /api/v1/systems/{id}/reconcile":                                 noBody,
		"POST /api/v1/systems/{id}/drift/{findingId}/adopt":                   noBody,
		"POST /api/v1/systems/{id}/drift/{findingId}/revoke":                  noBody,
		"POST " + em + "/accessPackages/{id}/getApplicablePolicyRequirements": noBody,
		"POST /api/v1/subscriptions": {body: map[string]any{"url": w.hook.URL, "events": []any{"assignmentRequest.*"},
			"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="},
			invalid: []invalidValue{bad("url", "not a url"), bad("events/0", "nope.*"), bad("secret", "short")}},
		"PATCH " + em + "/accessPackageAssignmentApprovals/{id}/stages/{stageId}": {body: map[string]any{"reviewResult": "Approve", "justification": "ok"},
			invalid: []invalidValue{bad("reviewResult", "Maybe")}},
		"POST /api/v1/systems": {body: sysBody, anyType: []string{"config/secret"},
			invalid: []invalidValue{bad("kind", "carrierPigeon"), bad("retry/initialBackoff", "soon"), bad("retry/maxAttempts", -5),
				bad("retry/maxBackoff", "later")}},
		"PATCH /api/v1/systems/{id}": {body: sysPatch, anyType: []string{"config/secret"},
			invalid: []invalidValue{bad("retry/initialBackoff", "soon"), bad("retry/maxAttempts", -5)}},
		"POST /api/v1/tokens": {emptyOK: true, body: map[string]any{"userId": w.id["bob"], "ttl": "PT1H"},
			invalid: []invalidValue{bad("ttl", "an hour"), bad("ttl", "-PT1H"), bad("userId", "no-such-user", 400, 404)}},
		"POST /v1.0/$batch": {body: map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": "/me",
			"headers": map[string]any{"x-a": "b"}, "body": map[string]any{}, "dependsOn": []any{}}}},
			anyType: []string{"requests/0/body"}},
	}
}

// key is a route's sample key.
func key(r ehttp.SweepRoute) string { return r.Method + " " + r.Pattern }

// isWrite reports whether the method may change state.
func isWrite(m string) bool { return m != "GET" && m != "HEAD" }

// fill replaces every {param} with its fixture id; bad, when not empty,
// replaces the param at index which instead.
func (w *sweepWorld) fill(t *testing.T, pattern string, which int, badID string) string {
	t.Helper()
	segs := strings.Split(pattern, "/")
	orig := slices.Clone(segs)
	n := 0
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		prefix := strings.Join(orig[:i+1], "/")
		id, ok := w.ids[prefix]
		if !ok {
			t.Fatalf("route %s: no fixture id for %s; add one to sweepWorld.ids", pattern, prefix)
		}
		if n == which && badID != "" {
			id = badID
		}
		segs[i] = url.PathEscape(id)
		n++
	}
	return strings.Join(segs, "/")
}

func paramCount(pattern string) int { return strings.Count(pattern, "{") }

// dbState is a row count and content hash of every table.
type dbState map[string]string

func (w *sweepWorld) state(t *testing.T) dbState {
	t.Helper()
	ctx := context.Background()
	db := w.e.services.DB().SQL
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := dbState{}
	for _, tb := range tables {
		rs, err := db.QueryContext(ctx, `SELECT * FROM "`+tb+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		var lines []string
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rs.Close()
		sort.Strings(lines)
		h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		out[tb] = strconv.Itoa(len(lines)) + " rows " + hex.EncodeToString(h[:6])
	}
	return out
}

func (a dbState) diff(b dbState) []string {
	var d []string
	for k, v := range a {
		if b[k] != v {
			d = append(d, fmt.Sprintf("%s: %s → %s", k, v, b[k]))
		}
	}
	sort.Strings(d)
	return d
}

// call is one request of the sweep.
type call struct {
	name   string
	method string
	path   string
	token  string
	body   io.Reader
	length int64 // -1: unknown length (chunked)
	hdr    map[string]string
	// want, when set, lists the acceptable statuses.
	want []int
	// mayChange allows a successful write to change the database.
	mayChange bool
}

func jsonBody(v any) io.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return bytes.NewReader(b)
}

func rawBody(s string) io.Reader { return strings.NewReader(s) }

func snippet(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// run sends c, checks the invariants and returns the response.
func (w *sweepWorld) run(t *testing.T, route string, c call) response {
	t.Helper()
	w.cases[route]++
	before := w.state(t)
	req, err := http.NewRequest(c.method, w.e.srv.URL+c.path, c.body)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	if c.length < 0 {
		req.ContentLength = -1
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s %s: %v", c.name, c.method, c.path, err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 {
		_ = json.Unmarshal(raw, &r.body)
	}
	label := fmt.Sprintf("[%s] %s %s", c.name, c.method, c.path)
	if len(label) > 400 {
		label = label[:400] + "…"
	}
	if r.status >= 500 {
		t.Errorf("%s: status %d; body %s", label, r.status, snippet(raw))
	}
	if len(c.want) > 0 && !slices.Contains(c.want, r.status) {
		t.Errorf("%s: status %d, want one of %v; body %s", label, r.status, c.want, snippet(raw))
	}
	if r.status >= 400 {
		checkEnvelope(t, label, r)
	}
	if r.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
		t.Errorf("%s: 401 without WWW-Authenticate", label)
	}
	if r.status == http.StatusMethodNotAllowed && r.header.Get("Allow") == "" {
		t.Errorf("%s: 405 without Allow", label)
	}
	if d := before.diff(w.state(t)); len(d) > 0 {
		switch {
		case r.status >= 400:
			t.Errorf("%s: refused with %d but changed the database: %v; body %s", label, r.status, d, snippet(raw))
		case !isWrite(c.method):
			t.Errorf("%s: a read changed the database: %v", label, d)
		case !c.mayChange:
			t.Errorf("%s: status %d (a call the sweep expected to be refused) changed the database: %v; body %s", label, r.status, d, snippet(raw))
		}
	}
	return r
}

// checkEnvelope asserts Graph's error envelope with the response's request id.
func checkEnvelope(t *testing.T, label string, r response) {
	t.Helper()
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: %d with Content-Type %q", label, r.status, ct)
	}
	e, ok := r.body["error"].(map[string]any)
	if !ok {
		t.Errorf("%s: %d without a Graph error envelope: %s", label, r.status, snippet(r.raw))
		return
	}
	if str(e["code"]) == "" || str(e["message"]) == "" {
		t.Errorf("%s: envelope without code or message: %s", label, snippet(r.raw))
	}
	if _, ok := e["details"].([]any); !ok {
		t.Errorf("%s: envelope details is not an array: %s", label, snippet(r.raw))
	}
	inner := obj(e["innerError"])
	if rid := r.header.Get("request-id"); rid == "" || str(inner["request-id"]) != rid {
		t.Errorf("%s: innerError.request-id %v, header %q", label, inner["request-id"], rid)
	}
}

// paths returns every path (slash-separated keys and indices) in v.
func paths(v any, prefix string) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "/" + k
			}
			out = append(out, p)
			out = append(out, paths(x[k], p)...)
		}
	case []any:
		for i, e := range x {
			p := prefix + "/" + strconv.Itoa(i)
			out = append(out, p)
			out = append(out, paths(e, p)...)
		}
	}
	return out
}

// clone deep-copies a JSON value.
func clone(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func getPath(v any, path string) any {
	for _, k := range strings.Split(path, "/") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, _ := strconv.Atoi(k)
			v = x[i]
		}
	}
	return v
}

// setPath returns a copy of body with path set to val.
func setPath(body map[string]any, path string, val any) map[string]any {
	root := clone(body).(map[string]any)
	parts := strings.Split(path, "/")
	var v any = root
	for _, k := range parts[:len(parts)-1] {
		v = getPath(v, k)
	}
	last := parts[len(parts)-1]
	switch x := v.(type) {
	case map[string]any:
		x[last] = val
	case []any:
		i, _ := strconv.Atoi(last)
		x[i] = val
	}
	return root
}

// wrongTypes are values of every JSON type other than v's.
func wrongTypes(v any) []any {
	all := map[string]any{"string": "x", "number": 42, "bool": true, "object": map[string]any{"a": 1}, "array": []any{"a"}}
	var kind string
	switch v.(type) {
	case string:
		kind = "string"
	case float64:
		kind = "number"
	case bool:
		kind = "bool"
	case map[string]any:
		kind = "object"
	case []any:
		kind = "array"
	}
	var out []any
	for _, k := range []string{"string", "number", "bool", "object", "array"} {
		if k != kind {
			out = append(out, all[k])
		}
	}
	return out
}

// badIDs are path parameter values that name nothing.
var badIDs = []string{"01890000-0000-7000-8000-000000000000", "does-not-exist", "it's", strings.Repeat("z", 2000)}

// badQueries are query strings every GET must survive.
var badQueries = []string{
	"$filter=" + url.QueryEscape("garbage ((("),
	"$filter=" + url.QueryEscape("nope eq 'x'"),
	"$filter=" + url.QueryEscape("displayName eq 'x'' or 1=1 --'"),
	"$filter=" + url.QueryEscape("contains(displayName, 1)"),
	"$filter=" + url.QueryEscape("id eq"),
	"$filter=" + url.QueryEscape(strings.Repeat("(", 5000)+"id eq 'x'"+strings.Repeat(")", 5000)),
	"$filter=" + url.QueryEscape(strings.Repeat("not ", 5000)+"id eq 'x'"),
	"$filter=" + url.QueryEscape("accessPackage/id in ()"),
	"$top=-1", "$top=abc", "$top=100000", "$top=0", "$top=99999999999999999999",
	"$skiptoken=garbage", "$skiptoken=" + url.QueryEscape("eyJ4IjoxfQ=="), "$skiptoken=" + url.QueryEscape(strings.Repeat("A", 10000)),
	"$expand=nope", "$expand=" + url.QueryEscape("catalog($expand=nope)"), "$expand=" + url.QueryEscape("((("),
	"$orderby=nope", "$orderby=" + url.QueryEscape("displayName sideways"), "$orderby=" + url.QueryEscape("1; DROP TABLE users"),
	"$filter=" + url.QueryEscape("displayName eq '"+strings.Repeat("x", 100<<10)+"'"),
	"$filter=" + url.QueryEscape("startswith(displayName,'\u0000')"),
	"$select=nope", "$count=maybe", "$search=x", "$skip=1",
}

// strictQueries are query options every collection must refuse with 400.
var strictQueries = []string{
	"$filter=" + url.QueryEscape("garbage ((("), "$filter=" + url.QueryEscape("nope eq 'x'"),
	"$top=-1", "$top=abc", "$top=100000", "$expand=nope", "$orderby=nope", "$count=maybe",
}

// TestSweep sends every route every kind of bad call.
func TestSweep(t *testing.T) {
	w := newSweepWorld(t)
	samples := w.samples()
	for k, sm := range samples {
		if sm.body != nil {
			sm.body = clone(sm.body).(map[string]any) // numbers as float64, as decoded JSON
			samples[k] = sm
		}
	}
	byPattern := map[string][]string{}
	for _, r := range w.routes {
		byPattern[r.Pattern] = append(byPattern[r.Pattern], r.Method)
		if isWrite(r.Method) && r.Method != "DELETE" {
			if _, ok := samples[key(r)]; !ok {
				t.Fatalf("route %s has no sample body; add one (or noBody) to sweepWorld.samples", key(r))
			}
		}
	}
	if len(w.routes) < 70 {
		t.Fatalf("only %d routes enumerated", len(w.routes))
	}
	admin := w.e.token

	t.Run("Refusals", func(t *testing.T) {
		for _, r := range w.routes {
			k := key(r)
			sm := samples[k]
			path := w.fill(t, r.Pattern, -1, "")
			var body func() io.Reader
			if sm.body != nil {
				body = func() io.Reader { return jsonBody(sm.body) }
			} else {
				body = func() io.Reader { return nil }
			}
			// Authentication.
			for _, auth := range []struct{ name, tok, raw string }{{"no token", "", ""}, {"unknown token", "nope-not-a-token", ""},
				{"basic auth", "", "Basic YWRtaW46YWRtaW4="}, {"empty bearer", "", "Bearer "}} {
				hdr := map[string]string{}
				if auth.raw != "" {
					hdr["Authorization"] = auth.raw
				}
				w.run(t, k, call{name: auth.name, method: r.Method, path: path, token: auth.tok, body: body(), hdr: hdr, want: []int{401}})
			}
			// A plain user with no roles: refused or allowed, never 401 or 5xx;
			// writes other than $batch, PATCH /v1.0/me (every user sets
			// their own preferredLanguage) and getApplicablePolicyRequirements
			// (a POST that reads what a requestor must supply) must be refused.
			pc := call{name: "plain user", method: r.Method, path: path, token: w.plainTok, body: body()}
			if isWrite(r.Method) && !strings.HasSuffix(r.Pattern, "/$batch") && r.Pattern != "/v1.0/me" &&
				!strings.HasSuffix(r.Pattern, "/getApplicablePolicyRequirements") {
				pc.want = []int{400, 403, 404}
			} else {
				pc.mayChange = true
			}
			w.run(t, k, pc)
			// A Catalog reader may read its catalog but change nothing.
			rc := pc
			rc.name, rc.token = "catalog reader", w.readerTok
			rc.body = body()
			w.run(t, k, rc)
			// Unknown ids in every path parameter, as the administrator.
			for i := 0; i < paramCount(r.Pattern); i++ {
				for _, id := range badIDs {
					w.run(t, k, call{name: fmt.Sprintf("unknown id %d %.20q", i, id), method: r.Method, path: w.fill(t, r.Pattern, i, id),
						token: admin, body: body(), want: []int{404}})
				}
			}
			// Bad query options. A collection must refuse what it cannot
			// honour rather than ignore it and return unfiltered rows.
			if r.Method == "GET" {
				for _, q := range badQueries {
					w.run(t, k, call{name: "query " + q, method: r.Method, path: path + "?" + q, token: admin})
				}
				probe := []int{200}
				if k == "GET /api/v1/systems/{id}/resources" {
					// The fixture system is a webhook, which cannot list
					// its resources: a clear 400 by design.
					probe = []int{400}
				}
				if ok := w.run(t, k, call{name: "collection probe", method: r.Method, path: path, token: admin, want: probe}); ok.body["value"] != nil {
					for _, q := range strictQueries {
						w.run(t, k, call{name: "collection query " + q, method: r.Method, path: path + "?" + q, token: admin, want: []int{400}})
					}
				}
			}
			if !isWrite(r.Method) || sm.noBody || r.Method == "DELETE" {
				continue
			}
			// Malformed and wrongly typed bodies.
			empty := call{name: "empty body", method: r.Method, path: path, token: admin, body: rawBody(""), want: []int{400}}
			none := call{name: "no body", method: r.Method, path: path, token: admin, want: []int{400}}
			if sm.emptyOK {
				empty.want, none.want, empty.mayChange, none.mayChange = nil, nil, true, true
			}
			w.run(t, k, empty)
			w.run(t, k, none)
			for _, b := range []string{"{", `{"a":}`, "not json", `{"displayName":"x",}`, `{} {"x"`, `{}]`, "\xff\xfe{}", `[]`, `[{}]`, `"str"`, `42`, `true`} {
				w.run(t, k, call{name: fmt.Sprintf("body %q", b), method: r.Method, path: path, token: admin, body: rawBody(b), want: []int{400}})
			}
			w.run(t, k, call{name: "body null", method: r.Method, path: path, token: admin, body: rawBody("null"), want: []int{400}})
			w.run(t, k, call{name: "not gzip", method: r.Method, path: path, token: admin, body: rawBody("{}"),
				hdr: map[string]string{"Content-Encoding": "gzip"}, want: []int{400}})
			w.run(t, k, call{name: "gzip array", method: r.Method, path: path, token: admin, body: bytes.NewReader(gz(t, `[1,2]`)),
				hdr: map[string]string{"Content-Encoding": "gzip"}, want: []int{400}})
			w.run(t, k, call{name: "brotli", method: r.Method, path: path, token: admin, body: rawBody("{}"),
				hdr: map[string]string{"Content-Encoding": "br"}, want: []int{400, 415}})
			for _, p := range paths(sm.body, "") {
				if slices.Contains(sm.anyType, p) {
					continue
				}
				for _, v := range wrongTypes(getPath(sm.body, p)) {
					w.run(t, k, call{name: fmt.Sprintf("%s as %T", p, v), method: r.Method, path: path, token: admin,
						body: jsonBody(setPath(sm.body, p, v)), want: []int{400}})
				}
			}
			for _, iv := range sm.invalid {
				w.run(t, k, call{name: fmt.Sprintf("%s = %v", iv.path, iv.val), method: r.Method, path: path, token: admin,
					body: jsonBody(setPath(sm.body, iv.path, iv.val)), want: iv.want})
			}
			// Oversized bodies: declared length, chunked, and gzip that inflates past the limit.
			big := `{"displayName":"` + strings.Repeat("x", sweepMaxBody+1024) + `"}`
			w.run(t, k, call{name: "oversized", method: r.Method, path: path, token: admin, body: rawBody(big), want: []int{413}})
			w.run(t, k, call{name: "oversized chunked", method: r.Method, path: path, token: admin,
				body: io.MultiReader(rawBody(big)), length: -1, want: []int{413}})
			w.run(t, k, call{name: "oversized gzip", method: r.Method, path: path, token: admin, body: bytes.NewReader(gz(t, big)),
				hdr: map[string]string{"Content-Encoding": "gzip"}, want: []int{413}})
		}
	})

	t.Run("MethodNotAllowed", func(t *testing.T) {
		for pattern, methods := range byPattern {
			for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
				if slices.Contains(methods, m) {
					continue
				}
				w.run(t, m+" "+pattern, call{name: "method", method: m, path: w.fill(t, pattern, -1, ""), token: w.e.token,
					body: rawBody("{}"), want: []int{404, 405}})
			}
		}
	})

	t.Run("Batch", func(t *testing.T) {
		// Every route inside $batch: unknown ids and wrongly typed bodies
		// are answered per item, never with a 5xx, never changing anything.
		for _, r := range w.routes {
			if strings.HasSuffix(r.Pattern, "/$batch") {
				continue
			}
			k := key(r)
			var items []any
			add := func(path string, body any) {
				it := map[string]any{"id": strconv.Itoa(len(items) + 1), "method": r.Method, "url": path}
				if body != nil {
					it["body"] = body
				}
				items = append(items, it)
			}
			for i := 0; i < paramCount(r.Pattern); i++ {
				add(w.fill(t, r.Pattern, i, badIDs[0]), samples[k].body)
			}
			if sm := samples[k]; sm.body != nil {
				path := w.fill(t, r.Pattern, -1, "")
				add(path, []any{1})
				add(path, "str")
				for _, p := range paths(sm.body, "") {
					if len(items) >= 20 {
						break
					}
					if !slices.Contains(sm.anyType, p) {
						add(path, setPath(sm.body, p, wrongTypes(getPath(sm.body, p))[0]))
					}
				}
			}
			if len(items) == 0 {
				continue
			}
			if len(items) > 20 {
				items = items[:20]
			}
			res := w.run(t, k, call{name: "batch", method: "POST", path: "/v1.0/$batch", token: w.e.token,
				body: jsonBody(map[string]any{"requests": items}), want: []int{200}})
			for _, it := range list(res.body["responses"]) {
				ir := obj(it)
				st := int(ir["status"].(float64))
				if st >= 500 || st < 400 {
					t.Errorf("batch %s item %v: status %d: %v", k, ir["id"], st, ir["body"])
				}
				e := obj(obj(ir["body"])["error"])
				if str(e["code"]) == "" || str(e["message"]) == "" || str(obj(e["innerError"])["request-id"]) == "" {
					t.Errorf("batch %s item %v: no Graph error envelope: %v", k, ir["id"], ir["body"])
				}
			}
		}
	})

	t.Run("Lenient", func(t *testing.T) {
		// Unknown properties are ignored, and 100 KB strings never cause a
		// 5xx. These bodies are otherwise valid, so they may succeed and
		// change things: they run last.
		for _, r := range w.routes {
			k := key(r)
			sm := samples[k]
			if sm.body == nil {
				continue
			}
			path := w.fill(t, r.Pattern, -1, "")
			extra := setPath(sm.body, "zzUnknownProperty", map[string]any{"deep": []any{1, "two", nil}})
			res := w.run(t, k, call{name: "unknown property", method: r.Method, path: path, token: w.e.token, body: jsonBody(extra), mayChange: true})
			if res.status == 400 && strings.Contains(string(res.raw), "zzUnknownProperty") {
				t.Errorf("%s: unknown property refused: %s", k, snippet(res.raw))
			}
			for _, p := range paths(sm.body, "") {
				if _, ok := getPath(sm.body, p).(string); !ok {
					continue
				}
				res := w.run(t, k, call{name: "100 KB " + p, method: r.Method, path: path, token: w.e.token,
					body: jsonBody(setPath(sm.body, p, strings.Repeat("x", 100<<10))), mayChange: true})
				if res.status < 300 {
					t.Logf("accepted: 100 KB %s in %s (%d)", p, k, res.status)
				}
			}
		}
	})

	if hits := w.hookHits.Load(); hits != 0 {
		t.Logf("webhook target received %d calls", hits)
	}
	var total int
	var keys []string
	for k, n := range w.cases {
		total += n
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%4d cases  %s", w.cases[k], k)
	}
	t.Logf("%d routes, %d cases", len(w.routes), total)
}
