package http_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestTokenMintedByTokenIsBounded: a token minted with an expiring token
// expires no later than it and records it as parent; revoking the parent
// revokes its children and grandchildren.
func TestTokenMintedByTokenIsBounded(t *testing.T) {
	e := newEnv(t)
	parentSecret, parent, err := e.services.Tokens.IssueToken(entitled.NewContext(context.Background(), entitled.SystemActor), e.admin.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	parentExp := *parent.ExpiresDateTime

	expiry := func(tok map[string]any) time.Time {
		t.Helper()
		at, err := time.Parse(time.RFC3339Nano, str(tok["expiresDateTime"]))
		if err != nil {
			t.Fatalf("expiresDateTime of %v: %v", tok, err)
		}
		return at
	}
	// No ttl, and a ttl longer than the parent's: both end with the parent.
	for _, body := range []any{nil, map[string]any{}, map[string]any{"ttl": "P30D"}} {
		child := e.doAs(parentSecret, "POST", "/api/v1/tokens", body).must(t, 201)
		if child["expiresDateTime"] == nil || !expiry(child).Equal(parentExp) {
			t.Errorf("child of %v expires %v, want the parent's %s", body, child["expiresDateTime"], parentExp)
		}
		if child["parentId"] != parent.ID {
			t.Errorf("child parentId %v, want %s", child["parentId"], parent.ID)
		}
	}
	short := e.doAs(parentSecret, "POST", "/api/v1/tokens", map[string]any{"ttl": "PT5M"}).must(t, 201)
	if !expiry(short).Before(parentExp) {
		t.Errorf("a 5-minute child expires %v, after the parent's %s", short["expiresDateTime"], parentExp)
	}
	// A token minted for another user is bounded by the caller's too.
	bobID, _ := e.newUser(t, "bob@example.com")
	forBob := e.doAs(parentSecret, "POST", "/api/v1/tokens", map[string]any{"userId": bobID}).must(t, 201)
	if !expiry(forBob).Equal(parentExp) || forBob["parentId"] != parent.ID {
		t.Errorf("token for bob %v", forBob)
	}

	child := e.doAs(parentSecret, "POST", "/api/v1/tokens", map[string]any{"description": "ci"}).must(t, 201)
	grandchild := e.doAs(str(child["token"]), "POST", "/api/v1/tokens", nil).must(t, 201)
	if grandchild["parentId"] != child["id"] || !expiry(grandchild).Equal(parentExp) {
		t.Errorf("grandchild %v", grandchild)
	}
	e.doAs(str(grandchild["token"]), "GET", "/v1.0/me", nil).must(t, 200)
	// A token that never expires still mints tokens that never expire.
	if free := e.do("POST", "/api/v1/tokens", nil).must(t, 201); free["expiresDateTime"] != nil || free["parentId"] == nil {
		t.Errorf("token minted with a token that never expires: %v", free)
	}

	e.do("DELETE", "/api/v1/tokens/"+parent.ID, nil).must(t, 204)
	for name, secret := range map[string]string{"parent": parentSecret, "child": str(child["token"]),
		"grandchild": str(grandchild["token"]), "bob's": str(forBob["token"])} {
		if r := e.doAs(secret, "GET", "/v1.0/me", nil); r.status != 401 {
			t.Errorf("%s token after revoking the parent: %d %s", name, r.status, r.raw)
		}
	}
	// The revoked parent mints nothing.
	e.doAs(parentSecret, "POST", "/api/v1/tokens", nil).graphError(t, 401, entitled.CodeUnauthorized)
	revoked := e.do("GET", "/api/v1/tokens?$filter="+urlq("id eq '"+str(grandchild["id"])+"'"), nil).must(t, 200)
	if v := list(revoked["value"]); len(v) != 1 || obj(v[0])["revokedDateTime"] == nil {
		t.Errorf("grandchild after the cascade: %v", revoked)
	}
}

// TestListAndRevokeTokens: users list and revoke their own tokens, never
// seeing secrets; administrators list and revoke anyone's.
func TestListAndRevokeTokens(t *testing.T) {
	e := newEnv(t)
	aliceID, aliceTok := e.newUser(t, "alice@example.com")
	bobID, bobTok := e.newUser(t, "bob@example.com")
	minted := e.doAs(aliceTok, "POST", "/api/v1/tokens", map[string]any{"ttl": "PT1H", "description": "laptop"}).must(t, 201)
	e.doAs(bobTok, "POST", "/api/v1/tokens", nil).must(t, 201)

	mine := e.doAs(aliceTok, "GET", "/api/v1/tokens", nil)
	got := list(mine.must(t, 200)["value"])
	if len(got) != 2 {
		t.Fatalf("alice's tokens %v, want 2", got)
	}
	if strings.Contains(string(mine.raw), entitled.TokenPrefix) || strings.Contains(string(mine.raw), `"token"`) {
		t.Errorf("the list shows a secret: %s", mine.raw)
	}
	var laptop map[string]any
	for _, it := range got {
		if o := obj(it); o["userId"] != aliceID {
			t.Errorf("alice sees a token of %v", o["userId"])
		} else if o["id"] == minted["id"] {
			laptop = o
		}
	}
	if laptop == nil || laptop["description"] != "laptop" || laptop["createdDateTime"] == nil ||
		laptop["expiresDateTime"] != minted["expiresDateTime"] || laptop["revokedDateTime"] != nil || laptop["parentId"] == nil {
		t.Errorf("listed token %v, minted %v", laptop, minted)
	}
	if _, ok := mine.body["@odata.context"]; ok {
		t.Errorf("own API list carries @odata.context: %s", mine.raw)
	}

	// Others' tokens: administrators only.
	e.doAs(aliceTok, "GET", "/api/v1/tokens?userId="+bobID, nil).graphError(t, 403, entitled.CodeForbidden)
	e.doAs(aliceTok, "GET", "/api/v1/tokens?userId="+aliceID, nil).must(t, 200)
	bobs := list(e.do("GET", "/api/v1/tokens?userId=bob@example.com", nil).must(t, 200)["value"])
	if len(bobs) != 2 || obj(bobs[0])["userId"] != bobID {
		t.Errorf("bob's tokens as seen by the admin %v", bobs)
	}
	e.do("GET", "/api/v1/tokens?userId=nobody@example.com", nil).graphError(t, 400, entitled.CodeBadRequest)
	if own := list(e.do("GET", "/api/v1/tokens", nil).must(t, 200)["value"]); len(own) != 1 || obj(own[0])["userId"] != e.admin.ID {
		t.Errorf("the admin's own tokens %v", own)
	}
	paged := e.doAs(aliceTok, "GET", "/api/v1/tokens?$top=1", nil).must(t, 200)
	if len(list(paged["value"])) != 1 || !strings.Contains(str(paged["@odata.nextLink"]), "skiptoken") {
		t.Errorf("paged list %v", paged)
	}

	// Revoke: own by anyone, others' by administrators, unknown 404.
	bobsFirst := str(obj(bobs[0])["id"])
	e.doAs(aliceTok, "DELETE", "/api/v1/tokens/"+bobsFirst, nil).graphError(t, 403, entitled.CodeForbidden)
	e.doAs(aliceTok, "DELETE", "/api/v1/tokens/"+str(minted["id"]), nil).must(t, 204)
	e.doAs(str(minted["token"]), "GET", "/v1.0/me", nil).graphError(t, 401, entitled.CodeUnauthorized)
	e.do("DELETE", "/api/v1/tokens/"+bobsFirst, nil).must(t, 204)
	e.doAs(aliceTok, "DELETE", "/api/v1/tokens/01a24ad8-0000-7000-8000-000000000000", nil).graphError(t, 404, entitled.CodeNotFound)
	audit := e.do("GET", "/v1.0/auditLogs/directoryAudits?$filter="+urlq("targetResources/any(t: t/id eq '"+str(minted["id"])+"')"), nil).must(t, 200)
	var revokes int
	for _, ev := range list(audit["value"]) {
		if obj(ev)["activityDisplayName"] == "Revoke token" {
			revokes++
		}
	}
	if revokes != 1 {
		t.Errorf("audit of the revoked token: %v", audit)
	}
}
