package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestPackageReadOnlyTabs: Overview, Resource roles and Policies show the
// package's description, its roles with their systems, and its policies
// with approval stages and expiration.
func TestPackageReadOnlyTabs(t *testing.T) {
	w := newWorld(t)
	g := &entitled.Group{DisplayName: "CRM approvers"}
	w.must(w.services.Groups.CreateGroup(w.sys(), g))
	contractors := &entitled.AssignmentPolicy{AccessPackageID: w.crm, DisplayName: "Contractors", Description: "Temporary staff",
		AllowedTargetScope: entitled.ScopeAllDirectoryUsers,
		RequestorSettings:  entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true},
		RequestApprovalSettings: entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: []entitled.ApprovalStage{
			{DurationBeforeAutomaticDenial: 48 * time.Hour, IsApproverJustificationRequired: true,
				PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectRequestorManager, ManagerLevel: 1}}},
			{DurationBeforeAutomaticDenial: 7 * 24 * time.Hour, IsEscalationEnabled: true, DurationBeforeEscalation: 24 * time.Hour,
				PrimaryApprovers:    []entitled.SubjectSet{{Type: entitled.SubjectGroupMembers, GroupID: g.ID}},
				EscalationApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: w.users["admin"].ID}}},
		}},
		Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 30 * 24 * time.Hour}}
	w.must(w.services.Policies.CreatePolicy(w.sys(), contractors))

	mia := w.signIn("mia")
	mia.get("/governance/packages/"+w.crm).redirect(t, "/governance/packages/"+w.crm+"/overview")
	mia.get("/governance/packages/"+w.crm+"/overview").see(t, 200, `aria-current="page">Overview</a>`, "The sales CRM",
		`id="catalog-link">Business apps</a></dd>`, `/roles">1</a>`, `/policies">2</a>`, w.crm)
	roles := mia.get("/governance/packages/"+w.crm+"/roles").see(t, 200, `aria-current="page">Resource roles</a>`, "app-crm", "Member", "crm")
	if strings.Contains(roles.body, "/admin/systems/") {
		t.Error("an assignment manager is linked to the connected systems pages")
	}
	pols := mia.get("/governance/packages/"+w.crm+"/policies").see(t, 200, `aria-current="page">Policies</a>`,
		"Employees", "All member users", "Required, 1 stage", "Bob Approver (bob@example.com)", "<dd>7 days</dd>", "<dd>Never</dd>",
		"Contractors", "Temporary staff", "All users in the directory", "Required, 2 stages", "The requestor&#39;s manager",
		"<dd>2 days</dd>", "Members of CRM approvers", "Escalates after", "1 day to Ada Admin (admin@example.com)", "After 30 days")
	if strings.Count(pols.body, `class="card policy"`) != 2 {
		t.Error("want two policy cards")
	}
	mia.get("/governance/packages/"+w.wiki+"/policies").see(t, 200, "Employees", "Not required")

	admin := w.signIn("admin")
	admin.get("/governance/packages/"+w.crm+"/roles").see(t, 200, "/admin/systems/", "webhook")

	rea := w.signIn("rea")
	rea.get("/governance/packages/"+w.crm+"/overview").see(t, 200, "The sales CRM")
	rea.get("/governance/packages/"+w.crm+"/policies").see(t, 200, "Contractors")
	alice := w.signIn("alice")
	for _, tab := range []string{"overview", "roles", "policies"} {
		alice.get("/governance/packages/"+w.crm+"/"+tab).see(t, 403, "You may not view")
	}
	mia.get("/governance/packages/no-such-package/overview").see(t, 404)
}
