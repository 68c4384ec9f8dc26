package entitled_test

import (
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

func TestDecideSignIn(t *testing.T) {
	alice := entitled.User{ID: "u-alice", UserPrincipalName: "alice@example.com", Mail: "alice@example.com", AccountEnabled: true}
	alice2 := entitled.User{ID: "u-alice2", UserPrincipalName: "alice2@example.com", Mail: "alice@example.com", AccountEnabled: true}
	off := entitled.User{ID: "u-off", UserPrincipalName: "off@example.com", Mail: "off@example.com"}
	sp := entitled.User{ID: "u-sp", UserPrincipalName: "u-sp@serviceprincipals.invalid", AccountEnabled: true}
	id := func(claims map[string]any) entitled.ExternalIdentity {
		return entitled.ExternalIdentity{Issuer: "https://idp", Subject: "s1", Claims: claims}
	}
	email := map[string]any{"email": "alice@example.com", "preferred_username": "alice@example.com", "name": "Alice"}
	for _, c := range []struct {
		name   string
		facts  entitled.SignInFacts
		user   string // id of the user signed in
		create string // userPrincipalName of the user created
		link   bool
		refuse string // part of the refusal message
	}{
		{name: "recorded subject wins", facts: entitled.SignInFacts{Identity: id(email), Linked: &alice2,
			Found: [][]entitled.User{{alice}}}, user: "u-alice2"},
		{name: "recorded but disabled", facts: entitled.SignInFacts{Identity: id(email), Linked: &off}, refuse: "is disabled"},
		{name: "email matches mail", facts: entitled.SignInFacts{Identity: id(email), Found: [][]entitled.User{{alice}}},
			user: "u-alice", link: true},
		{name: "second match used when the first finds none", facts: entitled.SignInFacts{Identity: id(email),
			Found: [][]entitled.User{nil, {alice}}}, user: "u-alice", link: true},
		{name: "two users with one mail are never guessed", facts: entitled.SignInFacts{Identity: id(email),
			Found: [][]entitled.User{{alice, alice2}}}, refuse: "several entitled users have mail"},
		{name: "user linked to another subject is not taken", facts: entitled.SignInFacts{Identity: id(email),
			Found: [][]entitled.User{{alice}}, LinkedElsewhere: map[string]bool{"u-alice": true}}, refuse: "already linked to another account"},
		{name: "unverified email is not matched", facts: entitled.SignInFacts{
			Identity: id(map[string]any{"email": "alice@example.com", "email_verified": false}), Found: [][]entitled.User{{alice}}},
			refuse: "not verified"},
		{name: "service principal never signs in as a person", facts: entitled.SignInFacts{
			Identity: id(map[string]any{"preferred_username": sp.UserPrincipalName}), Found: [][]entitled.User{nil, {sp}},
			ServicePrincipals: map[string]bool{"u-sp": true}}, refuse: "no entitled user matches"},
		{name: "disabled match refused", facts: entitled.SignInFacts{Identity: id(map[string]any{"email": "off@example.com"}),
			Found: [][]entitled.User{{off}}}, refuse: "is disabled"},
		{name: "unknown refused, says who to ask", facts: entitled.SignInFacts{Identity: id(email), SignInOptions: entitled.SignInOptions{Provider: "Keycloak"}},
			refuse: "Keycloak signed you in, but no entitled user matches email \"alice@example.com\", preferred_username \"alice@example.com\"; ask a Global, Identity Governance or User Administrator"},
		{name: "unknown created when allowed", facts: entitled.SignInFacts{Identity: id(email), SignInOptions: entitled.SignInOptions{CreateUsers: true}},
			create: "alice@example.com", link: true},
		{name: "created from email when the username is not name@domain", facts: entitled.SignInFacts{
			Identity: id(map[string]any{"email": "carol@example.com", "preferred_username": "carol"}), SignInOptions: entitled.SignInOptions{CreateUsers: true}},
			create: "carol@example.com", link: true},
		{name: "nothing to create a user from", facts: entitled.SignInFacts{
			Identity: id(map[string]any{"preferred_username": "carol"}), SignInOptions: entitled.SignInOptions{CreateUsers: true}}, refuse: "cannot create your user"},
		{name: "unverified email cannot name a created user", facts: entitled.SignInFacts{
			Identity: id(map[string]any{"email": "ceo@example.com", "email_verified": false}), SignInOptions: entitled.SignInOptions{CreateUsers: true}}, refuse: "cannot create your user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := entitled.DecideSignIn(c.facts)
			if c.refuse != "" {
				if err == nil || entitled.ErrorKind(err) != entitled.KindForbidden || !strings.Contains(err.Error(), c.refuse) {
					t.Fatalf("got %+v, %v; want a 403 containing %q", d, err, c.refuse)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.user != "" && (d.User == nil || d.User.ID != c.user || d.Create != nil):
				t.Fatalf("decision %+v, want user %s", d, c.user)
			case c.create != "" && (d.Create == nil || d.Create.UserPrincipalName != c.create || !d.Create.AccountEnabled || d.User != nil):
				t.Fatalf("decision %+v, want a new enabled user %s", d, c.create)
			case d.Link != c.link:
				t.Fatalf("link %v, want %v", d.Link, c.link)
			}
		})
	}
}

func TestParseClaimMatches(t *testing.T) {
	got, err := entitled.ParseClaimMatches("")
	if err != nil || len(got) != 2 || got[0].String() != "email=mail" || got[1].String() != "preferred_username=userPrincipalName" {
		t.Fatalf("default: %v %v", got, err)
	}
	got, err = entitled.ParseClaimMatches(" upn = userprincipalname , oid=id")
	if err != nil || len(got) != 2 || got[0] != (entitled.ClaimMatch{Claim: "upn", Attribute: entitled.AttrUserPrincipalName}) || got[1] != (entitled.ClaimMatch{Claim: "oid", Attribute: entitled.AttrID}) {
		t.Fatalf("custom: %v %v", got, err)
	}
	for _, bad := range []string{"email", "email=manager", "=mail", "e mail=mail"} {
		if _, err := entitled.ParseClaimMatches(bad); entitled.ErrorKind(err) != entitled.KindInvalid {
			t.Errorf("%q: %v, want 400", bad, err)
		}
	}
}

func TestApplicationOf(t *testing.T) {
	for _, c := range []struct {
		name   string
		claims map[string]any
		app    string
	}{
		{"entra app token", map[string]any{"idtyp": "app", "appid": "a1", "sub": "oid-of-sp"}, "a1"},
		{"auth0 client credentials", map[string]any{"gty": "client-credentials", "azp": "a2", "sub": "a2@clients"}, "a2"},
		{"sub is the client", map[string]any{"sub": "a3", "client_id": "a3"}, "a3"},
		{"keycloak service account", map[string]any{"sub": "uuid", "azp": "a4", "preferred_username": "service-account-a4"}, "a4"},
		{"user token", map[string]any{"sub": "user-1", "azp": "a5", "email": "alice@example.com"}, ""},
		{"entra user token", map[string]any{"idtyp": "user", "appid": "a6", "sub": "pairwise"}, ""},
		{"no client at all", map[string]any{"sub": "x"}, ""},
	} {
		app, ok := entitled.ApplicationOf(c.claims)
		if app != c.app || ok != (c.app != "") {
			t.Errorf("%s: ApplicationOf = %q, %v; want %q", c.name, app, ok, c.app)
		}
	}
}
