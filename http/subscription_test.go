package http_test

import (
	"strings"
	"testing"
)

const subscriptionSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="

// TestSubscriptionsAPI: tenant administrators create, read, list and
// delete subscriptions; the secret is never returned; bad input is a 400
// naming the property (in the reader's language); anyone else gets 403;
// the deliveries show the sends a change queued.
func TestSubscriptionsAPI(t *testing.T) {
	e := newEnv(t)
	in := map[string]any{"url": "https://hooks.example.org/entitled", "events": []string{"system.*", "delivery.failed"},
		"secret": subscriptionSecret}
	sub := e.do("POST", "/api/v1/subscriptions", in).must(t, 201)
	id := str(sub["id"])
	if _, leaked := sub["secret"]; leaked || sub["secretSet"] != true || sub["url"] != in["url"] || len(list(sub["events"])) != 2 {
		t.Errorf("created %v", sub)
	}
	got := e.do("GET", "/api/v1/subscriptions/"+id, nil)
	if got.must(t, 200)["id"] != id || strings.Contains(string(got.raw), subscriptionSecret) {
		t.Errorf("read %s", got.raw)
	}
	all := e.do("GET", "/api/v1/subscriptions", nil)
	if len(list(all.must(t, 200)["value"])) != 1 || strings.Contains(string(all.raw), "MfKQ9r8") {
		t.Errorf("list %s", all.raw)
	}

	// A pause of the built-in directory is an event the subscription wants.
	e.do("POST", "/api/v1/systems/directory/pause", nil).must(t, 200)
	sends := list(e.do("GET", "/api/v1/subscriptions/"+id+"/deliveries", nil).must(t, 200)["value"])
	if len(sends) != 1 || obj(sends[0])["type"] != "org.entitled.system.paused" || obj(sends[0])["status"] != "pending" ||
		obj(sends[0])["sequence"] != float64(1) {
		t.Errorf("deliveries %v", sends)
	}

	for _, c := range []struct {
		target string
		change func(map[string]any)
	}{
		{"url", func(m map[string]any) { m["url"] = "hooks.example.org" }},
		{"events", func(m map[string]any) { m["events"] = []string{"delivery.failled"} }},
		{"events", func(m map[string]any) { delete(m, "events") }},
		{"secret", func(m map[string]any) { m["secret"] = "short" }},
	} {
		body := map[string]any{"url": in["url"], "events": in["events"], "secret": in["secret"]}
		c.change(body)
		errBody := e.do("POST", "/api/v1/subscriptions", body).graphError(t, 400, "BadRequest")
		if errBody["target"] != c.target {
			t.Errorf("%v: target %v, want %s", body, errBody["target"], c.target)
		}
	}
	fr := e.do("POST", "/api/v1/subscriptions", map[string]any{"url": in["url"], "events": []string{"nope"}, "secret": subscriptionSecret},
		"Accept-Language", "fr").graphError(t, 400, "BadRequest")
	if !strings.Contains(str(fr["message"]), "« nope »") {
		t.Errorf("French message %v", fr["message"])
	}

	// Anyone but a tenant administrator is refused.
	u := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "lea@example.com", "accountEnabled": true}).must(t, 201)
	tok := e.tokenFor(str(u["id"]))
	e.doAs(tok, "POST", "/api/v1/subscriptions", in).graphError(t, 403, "Authorization_RequestDenied")
	e.doAs(tok, "GET", "/api/v1/subscriptions", nil).graphError(t, 403, "Authorization_RequestDenied")
	e.doAs(tok, "GET", "/api/v1/subscriptions/"+id+"/deliveries", nil).graphError(t, 403, "Authorization_RequestDenied")
	e.doAs(tok, "DELETE", "/api/v1/subscriptions/"+id, nil).graphError(t, 403, "Authorization_RequestDenied")

	e.do("DELETE", "/api/v1/subscriptions/"+id, nil).must(t, 204)
	e.do("GET", "/api/v1/subscriptions/"+id, nil).graphError(t, 404, "ResourceNotFound")
	e.do("GET", "/api/v1/subscriptions/"+id+"/deliveries", nil).graphError(t, 404, "ResourceNotFound")
}
