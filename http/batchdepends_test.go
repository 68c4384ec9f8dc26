package http_test

import (
	"testing"
)

// TestBatchDependsOn: a sub-request whose dependsOn failed is answered
// 424 FailedDependency and does not run (here it would have created a
// group); one that depends on a request that succeeded runs; a dependsOn
// naming no earlier request refuses the whole batch, and a sub-request
// without a method or url is a 400 saying what it needs.
func TestBatchDependsOn(t *testing.T) {
	e := newEnv(t)
	group := func(name string) map[string]any {
		return map[string]any{"displayName": name, "mailNickname": name}
	}
	b := e.do("POST", "/v1.0/$batch", map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "POST", "url": "/groups", "body": map[string]any{"displayName": ""}},
		map[string]any{"id": "2", "method": "POST", "url": "/groups", "body": group("AfterFailure"), "dependsOn": []string{"1"}},
		map[string]any{"id": "3", "method": "POST", "url": "/groups", "body": group("First")},
		map[string]any{"id": "4", "method": "POST", "url": "/groups", "body": group("AfterSuccess"), "dependsOn": []string{"3"}},
		map[string]any{"id": "5", "method": "GET"},
	}}).must(t, 200)
	rs := list(b["responses"])
	if len(rs) != 5 {
		t.Fatalf("responses %v", b)
	}
	status := func(i int) float64 { return obj(rs[i])["status"].(float64) }
	errOf := func(i int) map[string]any { return obj(obj(obj(rs[i])["body"])["error"]) }
	if status(0) != 400 || status(2) != 201 || status(3) != 201 {
		t.Errorf("statuses %v", b)
	}
	if e := errOf(1); status(1) != 424 || e["code"] != "FailedDependency" || e["message"] != "batch request 2 was not run: request 1, which it depends on, failed" {
		t.Errorf("request 2 after a failed request 1: %v", rs[1])
	}
	if e := errOf(4); status(4) != 400 || e["target"] != "requests.url" || e["message"] != `batch request 5 needs a method and a url, such as {"method": "GET", "url": "/me"}` {
		t.Errorf("request without a url: %v", rs[4])
	}
	g := e.do("GET", "/v1.0/groups?$filter="+urlq("displayName eq 'AfterFailure'"), nil).must(t, 200)
	if n := len(list(g["value"])); n != 0 {
		t.Errorf("the request that depends on a failed one ran: %d groups", n)
	}

	for _, deps := range [][]string{{"9"}, {"2"}} {
		m := e.do("POST", "/v1.0/$batch", map[string]any{"requests": []any{
			map[string]any{"id": "1", "method": "POST", "url": "/groups", "body": group("Never"), "dependsOn": deps},
			map[string]any{"id": "2", "method": "GET", "url": "/me"},
		}}).graphError(t, 400, "BadRequest")
		if m["target"] != "requests.dependsOn" || m["message"] != `batch request 1 depends on "`+deps[0]+`", which is not the id of an earlier request of the batch` {
			t.Errorf("dependsOn %v: %v", deps, m)
		}
	}
	g = e.do("GET", "/v1.0/groups?$filter="+urlq("displayName eq 'Never'"), nil).must(t, 200)
	if n := len(list(g["value"])); n != 0 {
		t.Errorf("a refused batch ran: %d groups", n)
	}
}
