package http_test

import (
	"fmt"
	"strings"
	"testing"

	ehttp "github.com/entitled-dev/entitled/http"
)

// TestBatchRefusesNesting sends every spelling of a nested $batch: each is
// answered 400 per sub-request, and none runs (the inner batch would have
// created a group).
func TestBatchRefusesNesting(t *testing.T) {
	e := newEnv(t)
	inner := map[string]any{"requests": []any{map[string]any{"id": "x", "method": "POST", "url": "/groups",
		"body": map[string]any{"displayName": "Nested", "mailNickname": "nested"}}}}
	spellings := []string{
		"/$batch", "/$batch/", "/$BATCH", "/%24batch", "/%24BaTcH/", "/v1.0/$batch", "/V1.0/$Batch",
		"$batch", "$batch?x=1", "/$batch?$top=1", "//$batch", "/v1.0//$batch",
		"/v1.0/x/../$batch", "/x/../$batch", "./$batch", "/v1.0/./$batch", "/api/v1/$batch",
		"/v1.0/$batch#frag", "/v1.0/%2524batch/../$batch",
	}
	var items []any
	for i, u := range spellings {
		items = append(items, map[string]any{"id": fmt.Sprint(i), "method": "POST", "url": u, "body": inner})
	}
	for start := 0; start < len(items); start += 20 {
		end := min(start+20, len(items))
		b := e.do("POST", "/v1.0/$batch", map[string]any{"requests": items[start:end]}).must(t, 200)
		rs := list(b["responses"])
		if len(rs) != end-start {
			t.Fatalf("responses %v", b)
		}
		for _, r := range rs {
			r := obj(r)
			var i int
			fmt.Sscan(str(r["id"]), &i)
			errBody := obj(obj(r["body"])["error"])
			if r["status"] != float64(400) || errBody["code"] != "BadRequest" || !strings.Contains(str(errBody["message"]), "$batch") {
				t.Errorf("url %q: %v", spellings[i], r)
			}
			if _, ok := errBody["innerError"]; !ok {
				t.Errorf("url %q: no innerError: %v", spellings[i], r)
			}
		}
	}
	g := e.do("GET", "/v1.0/groups?$filter="+urlq("displayName eq 'Nested'"), nil).must(t, 200)
	if n := len(list(g["value"])); n != 0 {
		t.Fatalf("a nested batch ran: %d groups named Nested", n)
	}
}

// TestBatchResponseSizeCap: once the responses of a batch reach the
// limit, the sub-request that does not fit is answered 413
// BatchResponseTooLarge and the ones after it are not run.
func TestBatchResponseSizeCap(t *testing.T) {
	e := newEnv(t, func(c *ehttp.Config) { c.MaxBatchResponseBytes = 1000 })
	var items []any
	for i := 0; i < 6; i++ {
		items = append(items, map[string]any{"id": fmt.Sprint(i), "method": "POST", "url": "/groups",
			"body": map[string]any{"displayName": fmt.Sprintf("G%d", i), "mailNickname": fmt.Sprintf("g%d", i)}})
	}
	b := e.do("POST", "/v1.0/$batch", map[string]any{"requests": items}).must(t, 200)
	rs := list(b["responses"])
	if len(rs) != len(items) {
		t.Fatalf("responses %v", b)
	}
	ran, refused := 0, 0
	for _, r := range rs {
		r := obj(r)
		switch r["status"] {
		case float64(201):
			if refused > 0 {
				t.Errorf("a sub-request ran after one was refused: %v", r)
			}
			ran++
		case float64(413):
			if c := obj(obj(r["body"])["error"])["code"]; c != "BatchResponseTooLarge" {
				t.Errorf("code %v: %v", c, r)
			}
			refused++
		default:
			t.Errorf("unexpected %v", r)
		}
	}
	if ran == 0 || refused == 0 {
		t.Fatalf("ran %d, refused %d: %s", ran, refused, b)
	}
	// The first refused one ran (its response did not fit); the others did not.
	g := e.do("GET", "/v1.0/groups?$top=999", nil).must(t, 200)
	if n := len(list(g["value"])); n != ran+1 {
		t.Errorf("%d groups exist, want %d (those answered and the one that did not fit)", n, ran+1)
	}
	// A GET whose response alone is over the limit is refused, not cut.
	for i := 0; i < 5; i++ {
		e.do("POST", "/v1.0/groups", map[string]any{"displayName": fmt.Sprintf("H%d", i), "mailNickname": fmt.Sprintf("h%d", i)}).must(t, 201)
	}
	one := e.do("POST", "/v1.0/$batch", map[string]any{"requests": []any{map[string]any{"id": "1", "method": "GET", "url": "/groups?$top=999"}}}).must(t, 200)
	if r := obj(list(one["responses"])[0]); r["status"] != float64(413) {
		t.Errorf("big GET: %v", r)
	}
}
