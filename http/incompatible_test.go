package http_test

import (
	"testing"
)

// TestIncompatibleAccessPackagesOverGraph: Graph's $ref bodies add an
// incompatible package and group, the lists show them (and the other
// package lists accessPackagesIncompatibleWith), a request for a package
// incompatible with one the user holds is a 403 IncompatibleAccessPackage,
// and the $ref deletes remove them.
func TestIncompatibleAccessPackagesOverGraph(t *testing.T) {
	e := newEnv(t)
	_, aliceTok := e.newUser(t, "alice@example.com")
	sales, accounting := e.groupPackage(t, "Sales"), e.groupPackage(t, "Accounting")
	policy := func(pkg string) string {
		return str(e.do("POST", em+"/assignmentPolicies", selfAddPolicy(pkg)).must(t, 201)["id"])
	}
	salesPol, accountingPol := policy(sales), policy(accounting)
	auditors := str(e.do("POST", "/v1.0/groups", map[string]any{"displayName": "Auditors", "mailNickname": "auditors"}).must(t, 201)["id"])

	e.do("POST", em+"/accessPackages/"+accounting+"/incompatibleAccessPackages/$ref",
		`{"@odata.id": "https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/`+sales+`"}`).must(t, 204)
	e.do("POST", em+"/accessPackages/"+accounting+"/incompatibleGroups/$ref",
		`{"@odata.id": "https://graph.microsoft.com/v1.0/groups/`+auditors+`"}`).must(t, 204)
	e.do("POST", em+"/accessPackages/"+accounting+"/incompatibleAccessPackages/$ref",
		`{"@odata.id": "https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/nope"}`).graphError(t, 400, "BadRequest")
	e.doAs(aliceTok, "POST", em+"/accessPackages/"+accounting+"/incompatibleAccessPackages/$ref",
		`{"@odata.id": "https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/`+sales+`"}`).graphError(t, 403, "Authorization_RequestDenied")

	got := list(e.do("GET", em+"/accessPackages/"+accounting+"/incompatibleAccessPackages", nil).must(t, 200)["value"])
	with := list(e.do("GET", em+"/accessPackages/"+sales+"/accessPackagesIncompatibleWith", nil).must(t, 200)["value"])
	groups := list(e.do("GET", em+"/accessPackages/"+accounting+"/incompatibleGroups", nil).must(t, 200)["value"])
	if len(got) != 1 || obj(got[0])["id"] != sales || len(with) != 1 || obj(with[0])["id"] != accounting ||
		len(groups) != 1 || obj(groups[0])["id"] != auditors {
		t.Fatalf("incompatible %v, incompatible with %v, groups %v", got, with, groups)
	}

	request := func(pkg, pol string) response {
		return e.doAs(aliceTok, "POST", em+"/assignmentRequests", map[string]any{"requestType": "userAdd",
			"assignment": map[string]any{"accessPackageId": pkg, "assignmentPolicyId": pol}})
	}
	request(sales, salesPol).must(t, 201)
	if tgt := request(accounting, accountingPol).graphError(t, 403, "IncompatibleAccessPackage")["target"]; tgt != "assignment.accessPackageId" {
		t.Errorf("target %v", tgt)
	}

	e.do("DELETE", em+"/accessPackages/"+accounting+"/incompatibleAccessPackages/"+sales+"/$ref", nil).must(t, 204)
	e.do("DELETE", em+"/accessPackages/"+accounting+"/incompatibleGroups/"+auditors+"/$ref", nil).must(t, 204)
	e.do("DELETE", em+"/accessPackages/"+accounting+"/incompatibleGroups/"+auditors+"/$ref", nil).graphError(t, 404, "ResourceNotFound")
	request(accounting, accountingPol).must(t, 201)
}
