package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/sqlstore"
)

// demoUsers are the people of the demo, by role.
var demoUsers = []struct{ upn, name string }{
	{"admin@demo.example", "Ada Admin"},
	{"alice@demo.example", "Alice Requester"},
	{"bob@demo.example", "Bob Approver"},
	{"carol@demo.example", "Carol Access Manager"},
}

// seedDemo creates a small demo on first run (users, two groups, a catalog,
// two packages and their policies) and prints tokens and a first request.
func seedDemo(ctx context.Context, s *sqlstore.Services, out io.Writer, base string) error {
	loc := cliLoc()
	first := false
	if _, err := s.Users.User(ctx, "alice@demo.example"); entitled.ErrorKind(err) == entitled.KindNotFound {
		first = true
		if err := createDemo(ctx, s); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	pkgs, err := s.AccessPackages.AccessPackages(ctx, entitled.ListOptions{})
	if err != nil {
		return err
	}
	tokens := map[string]string{}
	for _, u := range demoUsers {
		secret, _, err := s.Tokens.IssueToken(ctx, u.upn, 7*24*time.Hour)
		if err != nil {
			return err
		}
		tokens[u.upn] = secret
	}
	if first {
		fmt.Fprintln(out, loc.T("cli.demoCreated"))
	} else {
		fmt.Fprintln(out, loc.T("cli.demoPresent"))
	}
	fmt.Fprintf(out, "\n%s\n", loc.T("cli.demoTokens", i18n.V("URL", base)))
	for _, u := range demoUsers {
		fmt.Fprintf(out, "  %-22s %-20s %s\n", u.name, u.upn, tokens[u.upn])
	}
	fmt.Fprintf(out, "\n%s\n", loc.T("cli.demoLinks"))
	for _, u := range demoUsers {
		secret, _, err := s.Sessions.CreateLoginLink(ctx, u.upn, time.Hour)
		if err != nil {
			return err
		}
		link, err := loginURL(base, secret)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-22s %-20s %s\n", u.name, u.upn, link)
	}
	fmt.Fprintf(out, "\n%s\n", loc.T("cli.demoPackages"))
	var pkgID, policyID string
	for _, p := range pkgs.Items {
		fmt.Fprintf(out, "  %s  %s\n", p.ID, p.DisplayName)
		if p.DisplayName == "Engineering tools" {
			pkgID = p.ID
			pols, err := s.Policies.Policies(ctx, entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: p.ID}})
			if err == nil && len(pols.Items) > 0 {
				policyID = pols.Items[0].ID
			}
		}
	}
	em := base + "/v1.0/identityGovernance/entitlementManagement"
	fmt.Fprintf(out, `
%s

  curl -s -X POST %s/assignmentRequests \
    -H "Authorization: Bearer %s" -H "Content-Type: application/json" \
    -d '{"requestType":"userAdd","assignment":{"accessPackageId":"%s","assignmentPolicyId":"%s"}}'

  curl -s %s/assignmentRequests/filterByCurrentUser\(on=\'target\'\) -H "Authorization: Bearer %s"

%s

%s
  curl -s %s/api/v1/notifications -H "Authorization: Bearer <admin token>"
`, loc.T("cli.demoTry"), em, tokens["alice@demo.example"], pkgID, policyID, em, tokens["alice@demo.example"], loc.T("cli.demoMore"),
		loc.T("cli.demoOutbox"), base)
	return nil
}

func createDemo(ctx context.Context, s *sqlstore.Services) error {
	if _, err := s.Admin.EnsureAdmin(ctx, demoUsers[0].upn, demoUsers[0].name); err != nil {
		return err
	}
	ids := map[string]string{}
	for _, u := range demoUsers[1:] {
		user := &entitled.User{UserPrincipalName: u.upn, DisplayName: u.name, Mail: u.upn, AccountEnabled: true}
		if err := s.Users.CreateUser(ctx, user); err != nil {
			return err
		}
		ids[u.upn] = user.ID
	}
	if err := s.Users.SetManager(ctx, ids["alice@demo.example"], ids["bob@demo.example"]); err != nil {
		return err
	}
	cat := &entitled.Catalog{DisplayName: "Demo catalog", Description: "Access for the demo", State: "published"}
	if err := s.Catalogs.CreateCatalog(ctx, cat); err != nil {
		return err
	}
	if err := s.Roles.CreateRoleAssignment(ctx, false, &entitled.RoleAssignment{
		PrincipalID: ids["carol@demo.example"], RoleDefinitionID: entitled.RoleAccessPackageAssignmentManager,
		AppScopeID: entitled.CatalogScope(cat.ID)}); err != nil {
		return err
	}
	groups := map[string]*entitled.Resource{}
	for _, name := range []string{"Engineering", "Build servers", "Finance readers"} {
		g := &entitled.Group{DisplayName: name, MailNickname: nickname(name)}
		if err := s.Groups.CreateGroup(ctx, g); err != nil {
			return err
		}
		rr := &entitled.ResourceRequest{RequestType: entitled.RequestAdminAdd, CatalogID: cat.ID,
			Resource: entitled.Resource{OriginSystem: entitled.OriginSystemAadGroup, OriginID: g.ID}}
		if err := s.Catalogs.CreateResourceRequest(ctx, rr); err != nil {
			return err
		}
		groups[name] = &rr.Resource
	}
	addPackage := func(name, desc string, resources []string, policy entitled.AssignmentPolicy) error {
		p := &entitled.AccessPackage{CatalogID: cat.ID, DisplayName: name, Description: desc}
		if err := s.AccessPackages.CreateAccessPackage(ctx, p); err != nil {
			return err
		}
		for _, r := range resources {
			res := groups[r]
			if _, err := s.AccessPackages.AddResourceRoleScope(ctx, p.ID, entitled.ResourceRoleScopeInput{
				ResourceID: res.ID, RoleOriginID: "Member_" + res.OriginID, RoleOriginSystem: res.OriginSystem}); err != nil {
				return err
			}
		}
		policy.AccessPackageID = p.ID
		return s.Policies.CreatePolicy(ctx, &policy)
	}
	selfService := entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, EnableTargetsToSelfRemoveAccess: true}
	if err := addPackage("Engineering tools", "Engineering group and build servers", []string{"Engineering", "Build servers"},
		entitled.AssignmentPolicy{DisplayName: "Every employee, no approval", AllowedTargetScope: entitled.ScopeAllMemberUsers,
			RequestorSettings: selfService, Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 365 * 24 * time.Hour}}); err != nil {
		return err
	}
	return addPackage("Finance reports", "Read access to finance reports", []string{"Finance readers"},
		entitled.AssignmentPolicy{DisplayName: "Manager approval", AllowedTargetScope: entitled.ScopeAllMemberUsers,
			RequestorSettings: selfService,
			RequestApprovalSettings: entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, IsRequestorJustificationRequired: true,
				Stages: []entitled.ApprovalStage{{DurationBeforeAutomaticDenial: 14 * 24 * time.Hour,
					PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectRequestorManager, ManagerLevel: 1}}}}},
			Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 90 * 24 * time.Hour}})
}

func nickname(s string) string {
	b := []rune{}
	for _, r := range s {
		if r != ' ' {
			b = append(b, r)
		}
	}
	return string(b)
}
