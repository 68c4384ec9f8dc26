package scim

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/internal/scimtest"
)

func TestUnknownUserIsPermanentWithClearMessage(t *testing.T) {
	e := newEnv(t, nil)
	de := deliveryError(t, e.c.Grant(ctx, grantOf(ghostSubject, e.g1)), entitled.Permanent)
	for _, want := range []string{`no user with userName "ghost@example.com"`, e.srv.URL, "config.createUsers"} {
		if !strings.Contains(de.Message, want) {
			t.Errorf("message %q lacks %q", de.Message, want)
		}
	}
	if _, ok := e.srv.UserByName("ghost@example.com"); ok {
		t.Fatal("a user was created with createUsers off")
	}
}

func TestCreateUsers(t *testing.T) {
	e := newEnv(t, map[string]any{"createUsers": true})
	if err := e.c.Grant(ctx, grantOf(ghostSubject, e.g1)); err != nil {
		t.Fatal(err)
	}
	u, ok := e.srv.UserByName("ghost@example.com")
	if !ok || u.ExternalID != "oid-ghost" || len(u.Emails) != 1 || u.Emails[0] != ghostSubject.Email || u.DisplayName != "Ghost" || !u.Active {
		t.Fatalf("created user %+v", u)
	}
	if !e.srv.IsMember(e.g1, u.ID) {
		t.Fatal("the created user is not a member")
	}
	// A revoke never creates a user.
	nobody := entitled.Subject{ID: "oid-x", ObjectID: "oid-x", PrincipalName: "x@example.com"}
	deliveryError(t, e.c.Revoke(ctx, grantOf(nobody, e.g1)), entitled.Permanent)
	if _, ok := e.srv.UserByName("x@example.com"); ok {
		t.Fatal("a revoke created a user")
	}
}

func TestCreateUserConflict(t *testing.T) {
	e := newEnv(t, map[string]any{"createUsers": true, "userMatch": "externalId"})
	// The user exists under the userName but has no externalId: the lookup
	// misses, the POST answers 409 uniqueness, and the second lookup misses
	// too: a permanent error naming the attribute.
	e.srv.AddUser("carol@example.com", "")
	carol := entitled.Subject{ID: "oid-carol", ObjectID: "oid-carol", PrincipalName: "carol@example.com"}
	de := deliveryError(t, e.c.Grant(ctx, grantOf(carol, e.g1)), entitled.Permanent)
	if !strings.Contains(de.Message, `externalId "oid-carol"`) {
		t.Fatalf("message %q", de.Message)
	}
}

func TestUserMatch(t *testing.T) {
	for _, tc := range []struct {
		match string
		subj  entitled.Subject
	}{
		{"userName", entitled.Subject{ID: "x", PrincipalName: "bob@example.com"}},
		{"emails", entitled.Subject{ID: "x", Email: "BOB@mail.example.com"}},
		{"externalId", entitled.Subject{ID: "x", ObjectID: "oid-bob"}},
	} {
		e := newEnv(t, map[string]any{"userMatch": tc.match})
		if err := e.c.Grant(ctx, grantOf(tc.subj, e.g2)); err != nil {
			t.Fatalf("%s: %v", tc.match, err)
		}
		if m := e.srv.Members(e.g2); len(m) != 1 || m[0] != e.bob {
			t.Fatalf("%s: members %v, want bob %s", tc.match, m, e.bob)
		}
	}
	// A subject without the matched attribute fails permanently, naming it.
	e := newEnv(t, map[string]any{"userMatch": "emails"})
	de := deliveryError(t, e.c.Grant(ctx, grantOf(entitled.Subject{ID: "x", PrincipalName: "p"}, e.g1)), entitled.Permanent)
	if !strings.Contains(de.Message, "has no email") || !strings.Contains(de.Message, "config.userMatch") {
		t.Fatalf("message %q", de.Message)
	}
}

func TestFilterValueIsQuoted(t *testing.T) {
	e := newEnv(t, nil)
	odd := e.srv.AddUser(`o"brien\x@example.com`, "")
	s := entitled.Subject{ID: "o", PrincipalName: `o"brien\x@example.com`}
	if err := e.c.Grant(ctx, grantOf(s, e.g1)); err != nil {
		t.Fatal(err)
	}
	if !e.srv.IsMember(e.g1, odd) {
		t.Fatal("not a member")
	}
}

func TestAmbiguousUserIsPermanent(t *testing.T) {
	e := newEnv(t, map[string]any{"userMatch": "emails"})
	e.srv.AddUser("ada2", "", adaSubject.Email)
	de := deliveryError(t, e.c.Grant(ctx, grantOf(adaSubject, e.g1)), entitled.Permanent)
	if !strings.Contains(de.Message, "2 users") {
		t.Fatalf("message %q", de.Message)
	}
}

func TestSCIMErrorDetailKept(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.FailWith(http.StatusBadRequest, "Operations must not exceed 10")
	de := deliveryError(t, e.c.Grant(ctx, grantOf(adaSubject, e.g1)), entitled.Permanent)
	if !strings.Contains(de.Message, "HTTP 400") || !strings.Contains(de.Message, "Operations must not exceed 10") {
		t.Fatalf("message %q", de.Message)
	}
	e.srv.FailWith(0, "")
	// scimType and detail of a real refusal: a stale member id that no
	// longer resolves.
	g := grantOf(adaSubject, "")
	g.Resource.OriginID = e.g1
	e.c.users.put("userName\x00"+adaSubject.PrincipalName, "u-stale")
	if err := e.c.Grant(ctx, g); err != nil {
		t.Fatalf("a stale cached id must be re-resolved: %v", err)
	}
	if !e.srv.IsMember(e.g1, e.ada) {
		t.Fatal("not a member after re-resolving")
	}
	// A role other than Member is refused before any request.
	g.Role.OriginID = "Owner"
	de = deliveryError(t, e.c.Grant(ctx, g), entitled.Permanent)
	if !strings.Contains(de.Message, `role "Owner"`) {
		t.Fatalf("message %q", de.Message)
	}
}

func TestSCIMTypeKept(t *testing.T) {
	e := newEnv(t, nil)
	// Adding a member id the server does not know (a fresh id, so no
	// re-resolving): 400 invalidValue, kept in the message.
	it := &item{grant: true, g: grantOf(adaSubject, e.g1), userID: "u-nobody"}
	errs := make([]error, 1)
	e.c.patchGroup(ctx, e.g1, []*item{it}, errs, false)
	de := deliveryError(t, errs[0], entitled.Permanent)
	for _, want := range []string{"HTTP 400", "scimType invalidValue", `member "u-nobody" is not a User`, "add user ada@example.com"} {
		if !strings.Contains(de.Message, want) {
			t.Errorf("message %q lacks %q", de.Message, want)
		}
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	e := newEnv(t, nil)
	wrong := "wrong-token-0123456789"
	c := connector(t, map[string]any{"baseURL": e.srv.URL, "token": wrong})
	// The test server echoes a rejected token in its 401 detail.
	for name, err := range map[string]error{
		"grant": c.Grant(ctx, grantOf(adaSubject, e.g1)),
		"check": c.Check(ctx),
	} {
		var de *entitled.DeliveryError
		if !strings.Contains(err.Error(), "refused the bearer token") || strings.Contains(err.Error(), wrong) {
			t.Errorf("%s: %v, want a refusal without the token", name, err)
		}
		de = deliveryError(t, err, entitled.Permanent)
		if !strings.Contains(de.Message, "[redacted]") {
			t.Errorf("%s: message %q, want the echoed token redacted", name, de.Message)
		}
	}
	_, err := c.ListResources(ctx, "", "", 10)
	if err == nil || strings.Contains(err.Error(), wrong) {
		t.Fatalf("list: %v", err)
	}
	// Config errors never repeat the token either.
	err = NewKind(nil).Validate(map[string]any{"baseURL": "ftp://" + wrong, "token": wrong})
	if err == nil || strings.Contains(err.Error(), wrong) {
		t.Fatalf("validate: %v", err)
	}
}

func TestTimeoutIsTransient(t *testing.T) {
	e := newEnv(t, map[string]any{"timeout": "PT0.1S"})
	e.srv.SetDelay(2 * time.Second)
	de := deliveryError(t, e.c.Grant(ctx, grantOf(adaSubject, e.g1)), entitled.Transient)
	if !strings.Contains(de.Message, "did not answer within 100ms") {
		t.Fatalf("message %q", de.Message)
	}
}

func TestBatchIsOnePatchPerGroup(t *testing.T) {
	e := newEnv(t, nil)
	carol := e.srv.AddUser("carol@example.com", "oid-carol")
	carolS := entitled.Subject{ID: "oid-carol", PrincipalName: "carol@example.com"}
	changes := []entitled.Change{
		{Action: entitled.ActionGrant, Grant: grantOf(adaSubject, e.g1)},
		{Action: entitled.ActionGrant, Grant: grantOf(bobSubject, e.g1)},
		{Action: entitled.ActionGrant, Grant: grantOf(carolS, e.g1)},
		{Action: entitled.ActionGrant, Grant: grantOf(adaSubject, e.g2)},
	}
	before := e.srv.Requests("PATCH")
	for i, err := range e.c.ApplyBatch(ctx, changes) {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	if n := e.srv.Requests("PATCH") - before; n != 2 {
		t.Fatalf("%d PATCH requests for 2 groups", n)
	}
	if m := e.srv.Members(e.g1); len(m) != 3 || m[2] != carol {
		t.Fatalf("g1 members %v", m)
	}
	// A batch mixing a real change with a remove of a non-member: the
	// PATCH fails as a whole (noTarget) and each change is retried alone.
	changes = []entitled.Change{
		{Action: entitled.ActionRevoke, Grant: grantOf(bobSubject, e.g2)}, // not a member
		{Action: entitled.ActionRevoke, Grant: grantOf(adaSubject, e.g2)},
		{Action: entitled.ActionGrant, Grant: grantOf(bobSubject, e.g2)},
		{Action: entitled.ActionGrant, Grant: grantOf(ghostSubject, e.g2)}, // unknown user
	}
	errs := e.c.ApplyBatch(ctx, changes)
	for i := 0; i < 3; i++ {
		if errs[i] != nil {
			t.Fatalf("change %d: %v", i, errs[i])
		}
	}
	deliveryError(t, errs[3], entitled.Permanent)
	if m := e.srv.Members(e.g2); len(m) != 1 || m[0] != e.bob {
		t.Fatalf("g2 members %v, want bob only", m)
	}
	// Users are resolved once per batch and then cached.
	gets := e.srv.Requests("GET")
	e.c.ApplyBatch(ctx, changes[:3])
	if n := e.srv.Requests("GET") - gets; n != 0 {
		t.Fatalf("%d user lookups for cached users", n)
	}
}

func TestLargeBatchIsSplit(t *testing.T) {
	e := newEnv(t, nil)
	var changes []entitled.Change
	for i := 0; i < 250; i++ {
		name := fmt.Sprintf("user%03d@example.com", i)
		e.srv.AddUser(name, "")
		changes = append(changes, entitled.Change{Action: entitled.ActionGrant,
			Grant: grantOf(entitled.Subject{ID: name, PrincipalName: name}, e.g1)})
	}
	before := e.srv.Requests("PATCH")
	for i, err := range e.c.ApplyBatch(ctx, changes) {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	if n := e.srv.Requests("PATCH") - before; n != 3 {
		t.Fatalf("%d PATCH requests for 250 changes, want 3 of at most %d", n, maxPatchOps)
	}
	if len(e.srv.Members(e.g1)) != 250 {
		t.Fatalf("%d members", len(e.srv.Members(e.g1)))
	}
}

func TestMaxConnectionsBoundsConcurrency(t *testing.T) {
	e := newEnv(t, map[string]any{"maxConnections": 2.0})
	e.srv.SetDelay(5 * time.Millisecond)
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = e.c.Check(ctx)
		}()
	}
	wg.Wait()
	if n := e.srv.MaxInFlight(); n > 2 || n < 1 {
		t.Fatalf("%d requests in flight at once with maxConnections 2", n)
	}
}

func TestListPagesBeyondServerCap(t *testing.T) {
	e := newEnv(t, nil)
	for i := 0; i < 130; i++ {
		e.srv.AddGroup(fmt.Sprintf("team %03d", i))
	}
	// The server caps pages at scimtest.MaxResults; the connector follows
	// totalResults and startIndex.
	var got []string
	token := ""
	pages := 0
	for {
		p, err := e.c.ListResources(ctx, "team", token, 100)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range p.Resources {
			got = append(got, r.DisplayName)
		}
		if p.Next == "" {
			break
		}
		token = p.Next
	}
	if len(got) != 130 || got[0] != "team 000" || got[129] != "team 129" || pages != 3 {
		t.Fatalf("%d groups in %d pages (first %q)", len(got), pages, got[0])
	}
	if scimtest.MaxResults != 50 {
		t.Fatal("the page count above assumes pages of 50")
	}
	p, err := e.c.ListResources(ctx, `no "such" group`, "", 10)
	if err != nil || len(p.Resources) != 0 || p.Next != "" {
		t.Fatalf("no match: %+v %v", p, err)
	}
}

func TestDescribeAndCheck(t *testing.T) {
	e := newEnv(t, nil)
	info, err := e.c.Describe(ctx, e.g2)
	if err != nil || info.OriginID != e.g2 || info.DisplayName != "Payroll" || len(info.Roles) != 1 || info.Roles[0].OriginID != RoleMember {
		t.Fatalf("Describe = %+v, %v", info, err)
	}
	de := deliveryError(t, func() error { _, err := e.c.Describe(ctx, "nope"); return err }(), entitled.Permanent)
	if !strings.Contains(de.Message, `no group with id "nope"`) {
		t.Fatalf("message %q", de.Message)
	}
	if _, err := e.c.Describe(ctx, " "); entitled.ErrorKind(err) != entitled.KindInvalid {
		t.Fatalf("blank id: %v", err)
	}
	if err := e.c.Check(ctx); err != nil {
		t.Fatal(err)
	}
	e.srv.FailWith(http.StatusTooManyRequests, "slow down")
	de = deliveryError(t, e.c.Check(ctx), entitled.Transient)
	if !strings.Contains(de.Message, "HTTP 429") || !strings.Contains(de.Message, "slow down") {
		t.Fatalf("message %q", de.Message)
	}
}

func TestConfigValidation(t *testing.T) {
	k := NewKind(nil)
	if k.Name() != "scim" {
		t.Fatal(k.Name())
	}
	if got := k.SecretFields(); len(got) != 1 || got[0] != "token" {
		t.Fatalf("SecretFields = %v", got)
	}
	base := func(kv ...any) map[string]any {
		m := map[string]any{"baseURL": "https://app.example.com/scim/v2/", "token": "t"}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		config map[string]any
		target string // "" = valid
	}{
		{"minimal", base(), ""},
		{"full", base("userMatch", "emails", "createUsers", true, "timeout", "PT30S", "maxConnections", 8.0), ""},
		{"externalId", base("userMatch", "externalId"), ""},
		{"tokenSet echoed back", base("tokenSet", true), ""},
		{"missing baseURL", base("baseURL", nil), "config.baseURL"},
		{"relative baseURL", base("baseURL", "/scim"), "config.baseURL"},
		{"baseURL with credentials", base("baseURL", "https://u:p@x.example/scim"), "config.baseURL"},
		{"baseURL with query", base("baseURL", "https://x.example/scim?token=t"), "config.baseURL"},
		{"missing token", base("token", nil), "config.token"},
		{"only tokenSet", base("token", nil, "tokenSet", true), "config.token"},
		{"blank token", base("token", " "), "config.token"},
		{"bad userMatch", base("userMatch", "mail2"), "config.userMatch"},
		{"createUsers not bool", base("createUsers", "yes"), "config.createUsers"},
		{"bad timeout", base("timeout", "soon"), "config.timeout"},
		{"timeout too long", base("timeout", "PT3M"), "config.timeout"},
		{"maxConnections zero", base("maxConnections", 0.0), "config.maxConnections"},
		{"maxConnections fraction", base("maxConnections", 1.5), "config.maxConnections"},
		{"maxConnections too many", base("maxConnections", 1000.0), "config.maxConnections"},
		{"unknown key", base("password", "x"), "config.password"},
	} {
		err := k.Validate(tc.config)
		if tc.target == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		e, ok := err.(*entitled.Error)
		if !ok || e.Kind != entitled.KindInvalid || e.Target != tc.target || e.Message == "" {
			t.Errorf("%s: %v, want 400 on %s", tc.name, err, tc.target)
		}
	}
	cfg, _ := ParseConfig(base())
	if cfg.BaseURL.String() != "https://app.example.com/scim/v2" || cfg.UserMatch != MatchUserName || cfg.CreateUsers ||
		cfg.Timeout != DefaultTimeout || cfg.MaxConnections != DefaultMaxConnections {
		t.Fatalf("defaults %+v", cfg)
	}
	red := entitled.RedactedConfig(k, base())
	if _, ok := red["token"]; ok || red["tokenSet"] != true {
		t.Fatalf("redacted %v", red)
	}
}
