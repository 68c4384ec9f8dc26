package http_test

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

func TestPagingSelectCount(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 4; i++ {
		e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": fmt.Sprintf("u%d@example.com", i), "displayName": fmt.Sprintf("User %d", i)}).must(t, 201)
	}
	var ids []string
	next := "/v1.0/users?$top=2&$count=true&$select=displayName&$filter=" + urlq("startswith(userPrincipalName,'u')")
	pages := 0
	for next != "" {
		b := e.do("GET", next, nil).must(t, 200)
		pages++
		if c, ok := b["@odata.count"].(float64); !ok || c != 4 {
			t.Errorf("@odata.count = %v, want 4", b["@odata.count"])
		}
		if !strings.HasSuffix(str(b["@odata.context"]), "/v1.0/$metadata#users") {
			t.Errorf("@odata.context %v", b["@odata.context"])
		}
		for _, v := range list(b["value"]) {
			m := obj(v)
			keys := []string{}
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if strings.Join(keys, ",") != "displayName,id" {
				t.Errorf("$select=displayName returned keys %v", keys)
			}
			ids = append(ids, str(m["id"]))
		}
		next = ""
		if nl := str(b["@odata.nextLink"]); nl != "" {
			u, err := url.Parse(nl)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			if q.Get("$top") != "2" || q.Get("$skiptoken") == "" || q.Get("$filter") == "" || q.Get("$select") != "displayName" {
				t.Errorf("nextLink lost query options: %s", nl)
			}
			if u.Scheme+"://"+u.Host != e.srv.URL {
				t.Errorf("nextLink base %s, want %s", nl, e.srv.URL)
			}
			next = u.RequestURI()
		}
	}
	if pages != 2 || len(ids) != 4 {
		t.Errorf("pages %d ids %v", pages, ids)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("id %s on two pages", id)
		}
		seen[id] = true
	}
	// The last page has no nextLink.
	b := e.do("GET", "/v1.0/users?$top=999", nil).must(t, 200)
	if _, ok := b["@odata.nextLink"]; ok || len(list(b["value"])) != 5 {
		t.Errorf("single page %v", b)
	}
	e.do("GET", "/v1.0/users?$skiptoken=!!!", nil).graphError(t, 400, "BadRequest")
}

func TestDirectoryAndRoles(t *testing.T) {
	e := newEnv(t)
	bob := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "bob@example.com", "displayName": "Bob"}).must(t, 201)
	bobID := str(bob["id"])
	byUPN := e.do("GET", "/v1.0/users/bob@example.com", nil).must(t, 200)
	if byUPN["id"] != bobID || byUPN["accountEnabled"] != true {
		t.Errorf("user by UPN %v", byUPN)
	}
	e.do("PATCH", "/v1.0/users/"+bobID, map[string]any{"displayName": "Robert"}).must(t, 204)
	if got := e.do("GET", "/v1.0/users/"+bobID, nil).must(t, 200); got["displayName"] != "Robert" {
		t.Errorf("after PATCH %v", got)
	}
	e.do("PUT", "/v1.0/users/"+bobID+"/manager/$ref", map[string]any{"@odata.id": e.srv.URL + "/v1.0/users/" + e.admin.ID}).must(t, 204)
	if m := e.do("GET", "/v1.0/users/"+bobID+"/manager", nil).must(t, 200); m["id"] != e.admin.ID {
		t.Errorf("manager %v", m)
	}
	e.do("DELETE", "/v1.0/users/"+bobID+"/manager/$ref", nil).must(t, 204)
	e.do("GET", "/v1.0/users/"+bobID+"/manager", nil).graphError(t, 404, "ResourceNotFound")

	g := e.do("POST", "/v1.0/groups", map[string]any{"displayName": "Ops", "mailNickname": "ops"}).must(t, 201)
	gID := str(g["id"])
	e.do("POST", "/v1.0/groups/"+gID+"/members/$ref", map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + bobID}).must(t, 204)
	mem := e.do("GET", "/v1.0/groups/"+gID+"/members", nil).must(t, 200)
	if v := list(mem["value"]); len(v) != 1 || obj(v[0])["id"] != bobID || obj(v[0])["@odata.type"] != "#microsoft.graph.user" {
		t.Errorf("members %v", mem)
	}
	e.do("DELETE", "/v1.0/groups/"+gID+"/members/"+bobID+"/$ref", nil).must(t, 204)
	if mem := e.do("GET", "/v1.0/groups/"+gID+"/members", nil).must(t, 200); len(list(mem["value"])) != 0 {
		t.Errorf("members after removal %v", mem)
	}

	defs := e.do("GET", "/v1.0/roleManagement/directory/roleDefinitions", nil).must(t, 200)
	if len(list(defs["value"])) != 3 {
		t.Errorf("directory role definitions %v", defs)
	}
	ra := e.do("POST", "/v1.0/roleManagement/directory/roleAssignments", map[string]any{"principalId": bobID,
		"roleDefinitionId": entitled.RoleUserAdministrator, "directoryScopeId": "/"}).must(t, 201)
	if ra["principalId"] != bobID || ra["directoryScopeId"] != "/" {
		t.Errorf("role assignment %v", ra)
	}
	bobTok := e.tokenFor(bobID)
	me := e.doAs(bobTok, "GET", "/v1.0/me", nil).must(t, 200)
	if me["id"] != bobID {
		t.Errorf("me %v", me)
	}
	// Bob, a User Administrator, may not grant Global Administrator.
	e.doAs(bobTok, "POST", "/v1.0/roleManagement/directory/roleAssignments", map[string]any{"principalId": bobID,
		"roleDefinitionId": entitled.RoleGlobalAdministrator, "directoryScopeId": "/"}).graphError(t, 403, entitled.CodeForbidden)
	e.do("DELETE", "/v1.0/roleManagement/directory/roleAssignments/"+str(ra["id"]), nil).must(t, 204)
	e.do("GET", "/v1.0/roleManagement/directory/roleAssignments/"+str(ra["id"]), nil).graphError(t, 404, "ResourceNotFound")

	e.do("DELETE", "/v1.0/groups/"+gID, nil).must(t, 204)
	e.do("DELETE", "/v1.0/users/"+bobID, nil).must(t, 204)
	e.do("GET", "/v1.0/users/"+bobID, nil).graphError(t, 404, "ResourceNotFound")
}

func TestTokensAPI(t *testing.T) {
	e := newEnv(t)
	tok := e.do("POST", "/api/v1/tokens", map[string]any{"ttl": "PT1H"}).must(t, 201)
	secret := str(tok["token"])
	if !strings.HasPrefix(secret, entitled.TokenPrefix) || !strings.HasSuffix(str(tok["expiresDateTime"]), "Z") {
		t.Fatalf("token %v", tok)
	}
	if _, ok := tok["@odata.context"]; ok {
		t.Errorf("own API answer carries @odata.context: %v", tok)
	}
	e.doAs(secret, "GET", "/v1.0/me", nil).must(t, 200)
	e.do("DELETE", "/api/v1/tokens/"+str(tok["id"]), nil).must(t, 204)
	e.doAs(secret, "GET", "/v1.0/me", nil).graphError(t, 401, "InvalidAuthenticationToken")
	e.do("POST", "/api/v1/tokens", map[string]any{"ttl": "forever"}).graphError(t, 400, "BadRequest")
	// No body: a token for the caller without expiry.
	nb := e.do("POST", "/api/v1/tokens", nil).must(t, 201)
	if nb["expiresDateTime"] != nil || nb["userId"] != e.admin.ID {
		t.Errorf("token without body %v", nb)
	}
}

func TestBatch(t *testing.T) {
	e := newEnv(t)
	b := e.do("POST", "/v1.0/$batch", map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "POST", "url": "/groups", "body": map[string]any{"displayName": "B", "mailNickname": "b"},
			"headers": map[string]any{"Content-Type": "application/json"}},
		map[string]any{"id": "2", "method": "GET", "url": "/me", "dependsOn": []any{"1"}},
		map[string]any{"id": "3", "method": "GET", "url": "users/nobody@example.com"},
	}}).must(t, 200)
	rs := list(b["responses"])
	if len(rs) != 3 {
		t.Fatalf("responses %v", b)
	}
	byID := map[string]map[string]any{}
	for _, r := range rs {
		byID[str(obj(r)["id"])] = obj(r)
	}
	if byID["1"]["status"] != float64(201) || obj(byID["1"]["body"])["displayName"] != "B" {
		t.Errorf("batch create %v", byID["1"])
	}
	if byID["2"]["status"] != float64(200) || obj(byID["2"]["body"])["id"] != e.admin.ID {
		t.Errorf("batch me %v", byID["2"])
	}
	if byID["3"]["status"] != float64(404) || obj(obj(byID["3"]["body"])["error"])["code"] != "ResourceNotFound" {
		t.Errorf("batch 404 %v", byID["3"])
	}
	many := make([]any, 21)
	for i := range many {
		many[i] = map[string]any{"id": fmt.Sprint(i), "method": "GET", "url": "/me"}
	}
	e.do("POST", "/v1.0/$batch", map[string]any{"requests": many}).graphError(t, 400, "BadRequest")
}
