package http_test

import (
	"testing"
)

// TestAPIErrorsInFrench: an error of each area (OData query options and
// $filter, $batch, request bodies, users, catalogs, policies, connected
// systems and their connector configs) answers a French reader in French,
// with the same status, code and target as the English answer, whose
// message stays exactly as before.
func TestAPIErrorsInFrench(t *testing.T) {
	e := newEnv(t)
	const reqs = em + "/assignmentRequests"
	e.do("POST", "/v1.0/users", map[string]any{"userPrincipalName": "taken@example.com"}).must(t, 201)
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code, target       string
		en, fr             string
	}{
		{"$top", "GET", reqs + "?$top=0", nil, 400, "BadRequest", "$top",
			`$top must be a whole number from 1 to 999, not "0"`,
			"$top doit être un nombre entier de 1 à 999, pas « 0 »"},
		{"$filter syntax", "GET", reqs + "?$filter=state%20eq", nil, 400, "BadRequest", "$filter",
			"invalid $filter at position 9: expected a value but the filter ended",
			"$filter non valide à la position 9 : une valeur était attendue, mais le filtre s'est terminé"},
		{"$filter property", "GET", reqs + "?$filter=nope%20eq%20'x'", nil, 400, "BadRequest", "$filter",
			`invalid $filter: property "nope" cannot be filtered on here`,
			"$filter non valide : la propriété « nope » ne peut pas être filtrée ici"},
		{"batch", "POST", "/v1.0/$batch", map[string]any{"requests": []any{}}, 400, "BadRequest", "requests",
			"a batch holds 1 to 20 requests, not 0",
			"un lot contient de 1 à 20 requêtes, pas 0"},
		{"user principal name", "POST", "/v1.0/users", map[string]any{"userPrincipalName": "bad"}, 400, "BadRequest", "userPrincipalName",
			"userPrincipalName 'bad' must look like name@domain, e.g. alice@example.com",
			"userPrincipalName « bad » doit avoir la forme nom@domaine, par exemple alice@example.com"},
		{"user conflict", "POST", "/v1.0/users", map[string]any{"userPrincipalName": "TAKEN@example.com"}, 409, "Conflict", "userPrincipalName",
			"a user with userPrincipalName 'TAKEN@example.com' already exists; userPrincipalNames are unique regardless of case",
			"un utilisateur de userPrincipalName « TAKEN@example.com » existe déjà ; les userPrincipalName sont uniques sans tenir compte de la casse"},
		{"catalog state", "POST", em + "/catalogs", map[string]any{"displayName": "C", "state": "weird"}, 400, "BadRequest", "state",
			`state "weird" is not one of published, unpublished`,
			"state « weird » n'est pas l'une des valeurs published, unpublished"},
		{"policy", "POST", em + "/assignmentPolicies", map[string]any{"displayName": "P"}, 400, "BadRequest", "accessPackage",
			`accessPackage is required: send "accessPackage": {"id": "<access package id>"}`,
			`accessPackage est obligatoire : envoyez "accessPackage": {"id": "<id du package d'accès>"}`},
		{"system kind", "POST", "/api/v1/systems", map[string]any{"name": "x", "kind": "nope", "config": map[string]any{}}, 400, "BadRequest", "kind",
			"", "le type « nope » est inconnu ; utilisez l'un de "},
		{"connector config", "POST", "/api/v1/systems", map[string]any{"name": "hook", "kind": "webhook", "config": map[string]any{"url": "https://example.com/hook", "roles": []string{"a", "a"}}}, 400, "BadRequest", "config.roles",
			`config.roles names "a" twice`,
			"config.roles nomme « a » deux fois"},
	} {
		en := e.do(tc.method, tc.path, tc.body, "Accept-Language", "en").graphError(t, tc.status, tc.code)
		fr := e.do(tc.method, tc.path, tc.body, "Accept-Language", "fr-FR,fr;q=0.9").graphError(t, tc.status, tc.code)
		if en["target"] != tc.target || fr["target"] != tc.target {
			t.Errorf("%s: targets %v (en) and %v (fr), want %s", tc.name, en["target"], fr["target"], tc.target)
		}
		if tc.en != "" && en["message"] != tc.en {
			t.Errorf("%s: English message %q, want %q", tc.name, en["message"], tc.en)
		}
		if msg := str(fr["message"]); msg != tc.fr && (tc.en != "" || len(msg) < len(tc.fr) || msg[:len(tc.fr)] != tc.fr) {
			t.Errorf("%s: French message %q, want %q", tc.name, msg, tc.fr)
		}
	}
}
