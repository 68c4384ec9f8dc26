package http_test

import (
	"strings"
	"testing"
)

// TestPreferredLanguage: Graph's preferredLanguage is set on create and
// PATCH, canonicalized, cleared with "", refused (400 on
// preferredLanguage) when not a BCP 47 tag; every user may set their own
// on /me, and only their own.
func TestPreferredLanguage(t *testing.T) {
	e := newEnv(t)
	u := e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "lea@example.com", "preferredLanguage": "fr-fr"}).must(t, 201)
	if u["preferredLanguage"] != "fr-FR" {
		t.Errorf("created with %v, want fr-FR", u["preferredLanguage"])
	}
	id := str(u["id"])
	e.do("PATCH", "/v1.0/users/"+id, map[string]any{"preferredLanguage": "en-GB"}).must(t, 204)
	if got := e.do("GET", "/v1.0/users/"+id, nil).must(t, 200)["preferredLanguage"]; got != "en-GB" {
		t.Errorf("after PATCH: %v", got)
	}
	for _, bad := range []string{"not a language", "fr_FR", "x", "fr-FR, en;q=0.5", strings.Repeat("a", 40)} {
		er := e.do("PATCH", "/v1.0/users/"+id, map[string]any{"preferredLanguage": bad}).graphError(t, 400, "BadRequest")
		if er["target"] != "preferredLanguage" {
			t.Errorf("%q: target %v", bad, er["target"])
		}
	}
	tok := e.tokenFor(id)
	e.doAs(tok, "PATCH", "/v1.0/me", map[string]any{"preferredLanguage": "fr"}).must(t, 204)
	if got := e.doAs(tok, "GET", "/v1.0/me", nil).must(t, 200)["preferredLanguage"]; got != "fr" {
		t.Errorf("after PATCH /me: %v", got)
	}
	if got := e.do("GET", "/v1.0/me", nil).must(t, 200)["preferredLanguage"]; got != nil {
		t.Errorf("the admin's language changed: %v", got)
	}
	e.doAs(tok, "PATCH", "/v1.0/me", map[string]any{"preferredLanguage": ""}).must(t, 204)
	if got := e.doAs(tok, "GET", "/v1.0/me", nil).must(t, 200)["preferredLanguage"]; got != nil {
		t.Errorf("after clearing: %v, want null", got)
	}
	e.doAs(tok, "PATCH", "/v1.0/me", map[string]any{"preferredLanguage": "??"}).graphError(t, 400, "BadRequest")
}

// TestErrorMessageLanguage: the message of Graph's error envelope follows
// Accept-Language for errors that carry a catalogue key (the http layer's
// own and the common domain ones); code and target never change, and
// English is exactly as before.
func TestErrorMessageLanguage(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		method, path, lang, code, want string
		status                         int
	}{
		{"GET", "/v1.0/nowhere", "fr-FR,fr;q=0.9", "UnknownPath", "aucune ressource à /v1.0/nowhere ; vérifiez le chemin dans la référence de l'API", 404},
		{"GET", "/v1.0/nowhere", "", "UnknownPath", "no resource at /v1.0/nowhere; check the path against the API reference", 404},
		{"GET", em + "/catalogs/nope", "fr", "ResourceNotFound", "catalogue « nope » introuvable", 404},
		{"GET", em + "/catalogs/nope", "en-US", "ResourceNotFound", `catalog "nope" was not found`, 404},
		{"POST", em + "/catalogs", "fr", "BadRequest", "le corps de la requête est vide ; envoyez un objet JSON", 400},
	} {
		var body any
		r := e.do(tc.method, tc.path, body, "Accept-Language", tc.lang)
		er := r.graphError(t, tc.status, tc.code)
		if er["message"] != tc.want {
			t.Errorf("%s %s (%s): message %q, want %q", tc.method, tc.path, tc.lang, er["message"], tc.want)
		}
	}
	_, tok := e.newUser(t, "plain@example.com")
	er := e.doAs(tok, "POST", em+"/catalogs", map[string]any{"displayName": "X"}, "Accept-Language", "fr").graphError(t, 403, "Authorization_RequestDenied")
	if er["message"] != "l'appelant n'est pas autorisé à créer des catalogues" {
		t.Errorf("403 in French: %q", er["message"])
	}
	er = e.doAs("", "GET", "/v1.0/me", nil, "Accept-Language", "fr").graphError(t, 401, "InvalidAuthenticationToken")
	if !strings.HasPrefix(str(er["message"]), "envoyez un jeton du porteur") {
		t.Errorf("401 in French: %q", er["message"])
	}
}
