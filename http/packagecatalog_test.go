package http_test

import "testing"

// TestAccessPackageStaysInItsCatalog: PATCH naming another catalog is a 400
// on target catalog and changes nothing (it was answered 204 and ignored,
// leaving the caller to believe the package had moved); naming its own
// catalog, as SDKs that send the whole object do, is fine.
func TestAccessPackageStaysInItsCatalog(t *testing.T) {
	e := newEnv(t)
	catA := str(e.do("POST", em+"/catalogs", map[string]any{"displayName": "A"}).must(t, 201)["id"])
	catB := str(e.do("POST", em+"/catalogs", map[string]any{"displayName": "B"}).must(t, 201)["id"])
	pkg := em + "/accessPackages/" + str(e.do("POST", em+"/accessPackages", map[string]any{"displayName": "P", "catalog": map[string]any{"id": catA}}).must(t, 201)["id"])

	for _, body := range []map[string]any{
		{"displayName": "Moved", "catalog": map[string]any{"id": catB}},
		{"displayName": "Moved", "catalogId": catB},
	} {
		m := e.do("PATCH", pkg, body).graphError(t, 400, "BadRequest")
		if m["target"] != "catalog" || m["message"] != "an access package cannot move to another catalog; create a new package there instead" {
			t.Errorf("PATCH %v: %v", body, m)
		}
	}
	e.do("PATCH", pkg, map[string]any{"displayName": "Renamed", "catalog": map[string]any{"id": catA}}).must(t, 204)
	got := e.do("GET", pkg+"?$expand=catalog", nil).must(t, 200)
	if got["displayName"] != "Renamed" || obj(got["catalog"])["id"] != catA {
		t.Errorf("package after the PATCHes: %v", got)
	}
}
