package http_test

import "testing"

func TestSystemsAPI(t *testing.T) {
	e := newEnv(t)
	sys := e.do("POST", "/api/v1/systems", map[string]any{"name": "hooks", "kind": "webhook",
		"config": map[string]any{"url": "https://hooks.example.com", "secret": "s3cret"},
		"retry":  map[string]any{"maxAttempts": 3, "initialBackoff": "2s", "maxBackoff": "PT1M"}}).must(t, 201)
	cfg := obj(sys["config"])
	if _, leaked := cfg["secret"]; leaked || cfg["secretSet"] != true || cfg["url"] != "https://hooks.example.com" {
		t.Errorf("config %v", cfg)
	}
	retry := obj(sys["retry"])
	if retry["maxAttempts"] != float64(3) || retry["initialBackoff"] != "PT2S" || retry["maxBackoff"] != "PT1M" {
		t.Errorf("retry %v", retry)
	}
	byName := e.do("GET", "/api/v1/systems/hooks", nil).must(t, 200)
	if byName["id"] != sys["id"] {
		t.Errorf("system by name %v", byName)
	}
	all := e.do("GET", "/api/v1/systems", nil).must(t, 200)
	if len(list(all["value"])) != 2 { // the built-in directory and hooks
		t.Errorf("systems %v", all)
	}
	upd := e.do("PATCH", "/api/v1/systems/hooks", map[string]any{"retry": map[string]any{"maxAttempts": 7}}).must(t, 200)
	if r := obj(upd["retry"]); r["maxAttempts"] != float64(7) || r["initialBackoff"] != "PT2S" {
		t.Errorf("patched retry %v", r)
	}
	e.do("POST", "/api/v1/systems", map[string]any{"name": "bad", "kind": "webhook", "config": map[string]any{},
		"retry": map[string]any{"initialBackoff": "soon"}}).graphError(t, 400, "BadRequest")
	e.do("POST", "/api/v1/systems", map[string]any{"name": "bad", "kind": "webhook", "config": map[string]any{}}).graphError(t, 400, "BadRequest")
	e.do("DELETE", "/api/v1/systems/hooks", nil).must(t, 204)
	e.do("GET", "/api/v1/systems/hooks", nil).graphError(t, 404, "ResourceNotFound")
}

// TestSystemBrowseAndCheck lists the built-in directory's groups through
// the connector and tests connections; a webhook cannot list its resources.
func TestSystemBrowseAndCheck(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"Finance readers", "Finance writers", "Engineering"} {
		e.do("POST", "/v1.0/groups", map[string]any{"displayName": name, "mailNickname": "x"}).must(t, 201)
	}
	page := e.do("GET", "/api/v1/systems/directory/resources?search=finance&$top=1", nil).must(t, 200)
	if len(list(page["value"])) != 1 || page["@odata.nextLink"] == nil {
		t.Fatalf("first page %v", page)
	}
	first := obj(list(page["value"])[0])
	roles := list(first["roles"])
	if len(roles) != 1 || obj(roles[0])["originId"] != "Member_"+first["originId"].(string) {
		t.Errorf("resource %v", first)
	}
	all := e.do("GET", "/api/v1/systems/directory/resources?search=finance", nil).must(t, 200)
	if len(list(all["value"])) != 2 {
		t.Errorf("finance groups %v", all)
	}
	if r := e.do("POST", "/api/v1/systems/directory/check", nil).must(t, 200); r["status"] != "ok" {
		t.Errorf("check %v", r)
	}
	e.do("POST", "/api/v1/systems", map[string]any{"name": "hooks", "kind": "webhook",
		"config": map[string]any{"url": "http://127.0.0.1:1/hook"}}).must(t, 201)
	e.do("GET", "/api/v1/systems/hooks/resources", nil).graphError(t, 400, "BadRequest")
	e.do("GET", "/api/v1/systems/nope/resources", nil).graphError(t, 404, "ResourceNotFound")
}

// TestSecretMarkerNotStored: a config read back (with "secretSet") and sent
// unchanged keeps the secret; removing the secret then shows it unset.
func TestSecretMarkerNotStored(t *testing.T) {
	e := newEnv(t)
	sys := e.do("POST", "/api/v1/systems", map[string]any{"name": "hooks", "kind": "webhook",
		"config": map[string]any{"url": "https://hooks.example.com", "secret": "s3cret-s3cret"}}).must(t, 201)
	readBack := obj(sys["config"])
	if readBack["secretSet"] != true {
		t.Fatalf("config %v", readBack)
	}
	e.do("PATCH", "/api/v1/systems/hooks", map[string]any{"config": readBack}).must(t, 200)
	if cfg := obj(e.do("GET", "/api/v1/systems/hooks", nil).must(t, 200)["config"]); cfg["secretSet"] != true {
		t.Fatalf("after sending the read-back config: %v", cfg)
	}
	e.do("PATCH", "/api/v1/systems/hooks", map[string]any{"config": map[string]any{"secret": nil}}).must(t, 200)
	if cfg := obj(e.do("GET", "/api/v1/systems/hooks", nil).must(t, 200)["config"]); cfg["secretSet"] != nil {
		t.Fatalf("after removing the secret: %v", cfg)
	}
}

// TestAddResourceTargetDown: a target that does not answer is a 503, not a
// bad request, and nothing is added.
func TestAddResourceTargetDown(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/systems", map[string]any{"name": "pg", "kind": "postgres",
		"config": map[string]any{"dsn": "postgres://u:p4ssw0rd-long@127.0.0.1:1/postgres", "connectTimeout": "1s"}}).must(t, 201)
	cat := e.do("POST", "/v1.0/identityGovernance/entitlementManagement/catalogs", map[string]any{"displayName": "c"}).must(t, 201)
	r := e.do("POST", "/v1.0/identityGovernance/entitlementManagement/resourceRequests", map[string]any{"requestType": "adminAdd",
		"catalog": map[string]any{"id": cat["id"]}, "resource": map[string]any{"originId": "app_read", "originSystem": "pg"}})
	r.graphError(t, 503, "ConnectedSystemUnavailable")
	res := e.do("GET", "/v1.0/identityGovernance/entitlementManagement/catalogs/"+cat["id"].(string)+"/resources", nil).must(t, 200)
	if len(list(res["value"])) != 0 {
		t.Errorf("a resource was added: %v", res)
	}
}
