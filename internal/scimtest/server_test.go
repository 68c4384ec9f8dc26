package scimtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func call(t *testing.T, s *Server, token, method, path, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, s.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
	}
	return resp.StatusCode, m
}

func ids(m map[string]any) []string {
	var out []string
	list, _ := m["Resources"].([]any)
	for _, r := range list {
		out = append(out, r.(map[string]any)["id"].(string))
	}
	return out
}

func TestFilters(t *testing.T) {
	s := New(t, "tok")
	ada := s.AddUser("ada@example.com", "oid-ada", "ada@mail.example.com")
	s.AddUser("bob@example.com", "oid-bob", "bob@mail.example.com")
	for _, tc := range []struct{ filter, want string }{
		{`userName eq "ADA@example.com"`, ada},
		{`emails.value eq "ada@mail.example.com"`, ada},
		{`emails[value eq "ada@mail.example.com"]`, ada},
		{`externalId eq "oid-ada"`, ada},
		{`externalId eq "OID-ADA"`, ""},
	} {
		code, m := call(t, s, "tok", "GET", "/Users?filter="+url.QueryEscape(tc.filter), "")
		got := strings.Join(ids(m), ",")
		if code != 200 || got != tc.want {
			t.Errorf("%s: %d %q, want %q", tc.filter, code, got, tc.want)
		}
	}
	if code, m := call(t, s, "tok", "GET", "/Users?filter="+url.QueryEscape(`nickName eq "x"`), ""); code != 400 {
		t.Errorf("unsupported filter: %d %v", code, m)
	}
}

func TestGroupPagingAndSearch(t *testing.T) {
	s := New(t, "tok")
	for i := 0; i < 120; i++ {
		s.AddGroup("team-" + string(rune('a'+i%3)))
	}
	code, m := call(t, s, "tok", "GET", "/Groups?count=500", "")
	if code != 200 || len(ids(m)) != MaxResults || m["totalResults"].(float64) != 120 {
		t.Fatalf("count capped: %d %d %v", code, len(ids(m)), m["totalResults"])
	}
	code, m = call(t, s, "tok", "GET", "/Groups?startIndex=101&count=50", "")
	if code != 200 || len(ids(m)) != 20 {
		t.Fatalf("last page: %d %d", code, len(ids(m)))
	}
	code, m = call(t, s, "tok", "GET", "/Groups?filter="+url.QueryEscape(`displayName co "M-B"`), "")
	if code != 200 || m["totalResults"].(float64) != 40 {
		t.Fatalf("co: %d %v", code, m["totalResults"])
	}
	code, m = call(t, s, "tok", "GET", "/Groups?filter="+url.QueryEscape(`displayName sw "team-c"`)+"&count=0", "")
	if code != 200 || m["totalResults"].(float64) != 40 || len(ids(m)) != 0 {
		t.Fatalf("sw count=0: %d %v %v", code, m["totalResults"], ids(m))
	}
}

func TestPatchMembers(t *testing.T) {
	s := New(t, "tok")
	a, b := s.AddUser("a", ""), s.AddUser("b", "")
	g := s.AddGroup("g")
	add := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"add","path":"members","value":[{"value":"` + a + `"},{"value":"` + b + `"}]},
		{"op":"add","path":"members","value":[{"value":"` + a + `"}]}]}`
	if code, m := call(t, s, "tok", "PATCH", "/Groups/"+g, add); code != 204 {
		t.Fatalf("add: %d %v", code, m)
	}
	if got := s.Members(g); len(got) != 2 {
		t.Fatalf("members %v", got)
	}
	rm := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"remove","path":"members[value eq \"` + a + `\"]"}]}`
	if code, m := call(t, s, "tok", "PATCH", "/Groups/"+g, rm); code != 204 {
		t.Fatalf("remove: %d %v", code, m)
	}
	code, m := call(t, s, "tok", "PATCH", "/Groups/"+g, rm)
	if code != 400 || m["scimType"] != "noTarget" {
		t.Fatalf("remove again: %d %v", code, m)
	}
	// All or nothing: a bad member fails the whole PATCH.
	bad := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"add","path":"members","value":[{"value":"` + a + `"}]},
		{"op":"add","path":"members","value":[{"value":"nobody"}]}]}`
	code, m = call(t, s, "tok", "PATCH", "/Groups/"+g, bad)
	if code != 400 || m["scimType"] != "invalidValue" || !strings.Contains(m["detail"].(string), "nobody") {
		t.Fatalf("bad member: %d %v", code, m)
	}
	if s.IsMember(g, a) {
		t.Fatal("a failed PATCH changed the group")
	}
	if code, _ := call(t, s, "tok", "PATCH", "/Groups/nope", add); code != 404 {
		t.Fatalf("unknown group: %d", code)
	}
	s.DeleteUser(b)
	if s.IsMember(g, b) {
		t.Fatal("a deleted user is still a member")
	}
}

func TestSwitches(t *testing.T) {
	s := New(t, "tok")
	if code, m := call(t, s, "bad", "GET", "/ServiceProviderConfig", ""); code != 401 || !strings.Contains(m["detail"].(string), "bad") {
		t.Fatalf("bad token: %d %v", code, m)
	}
	if code, _ := call(t, s, "tok", "GET", "/ServiceProviderConfig", ""); code != 200 {
		t.Fatalf("config: %d", code)
	}
	s.FailWith(503, "maintenance")
	if code, m := call(t, s, "tok", "GET", "/Users", ""); code != 503 || m["detail"] != "maintenance" {
		t.Fatalf("503: %d %v", code, m)
	}
	s.FailWith(0, "")
	s.Down()
	if _, err := http.Get(s.URL + "/Users"); err == nil {
		t.Fatal("server still up")
	}
	s.Up(t)
	if code, _ := call(t, s, "tok", "GET", "/Users", ""); code != 200 {
		t.Fatalf("after Up: %d", code)
	}
	if s.Requests("GET") < 4 {
		t.Fatalf("requests %d", s.Requests("GET"))
	}
	// Users created over SCIM keep externalId and emails.
	code, m := call(t, s, "tok", "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"cy","externalId":"oid-cy","emails":[{"value":"cy@x.example","primary":true}]}`)
	if code != 201 {
		t.Fatalf("create: %d %v", code, m)
	}
	if u, ok := s.UserByName("cy"); !ok || u.ExternalID != "oid-cy" || len(u.Emails) != 1 {
		t.Fatalf("created %+v", u)
	}
	if code, m := call(t, s, "tok", "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"cy"}`); code != 409 || m["scimType"] != "uniqueness" {
		t.Fatalf("duplicate: %d %v", code, m)
	}
}
