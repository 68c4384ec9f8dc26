package sqlstore

import (
	"reflect"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestPolicyValidationAndStorage(t *testing.T) {
	f := newRoleFixture(t)
	s, sys := f.s, f.sys
	approver := f.users["catalogReader"]
	g := &entitled.Group{DisplayName: "Approvers"}
	mustOK(t, s.Groups.CreateGroup(sys, g))
	base := func() *entitled.AssignmentPolicy {
		return &entitled.AssignmentPolicy{AccessPackageID: f.pkg.ID, DisplayName: "Two stages", AllowedTargetScope: entitled.ScopeAllMemberUsers,
			RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfAddAccess: true, EnableTargetsToSelfRemoveAccess: true},
			RequestApprovalSettings: entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, IsRequestorJustificationRequired: true,
				Stages: []entitled.ApprovalStage{
					{DurationBeforeAutomaticDenial: 14 * 24 * time.Hour, PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectRequestorManager, ManagerLevel: 1}},
						FallbackPrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: approver.ID}}},
					{DurationBeforeAutomaticDenial: 90 * time.Minute, IsApproverJustificationRequired: true,
						PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectGroupMembers, GroupID: g.ID}}},
				}},
			Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 30 * 24 * time.Hour}}
	}
	p := base()
	mustOK(t, s.Policies.CreatePolicy(sys, p))
	if p.CatalogID != f.catalog.ID {
		t.Errorf("catalogId %q, want the package's", p.CatalogID)
	}
	got, err := s.Policies.Policy(f.as(t, "catalogReader"), p.ID)
	mustOK(t, err)
	if !reflect.DeepEqual(got.RequestApprovalSettings, p.RequestApprovalSettings) || !reflect.DeepEqual(got.RequestorSettings, p.RequestorSettings) ||
		!reflect.DeepEqual(got.Expiration, p.Expiration) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, p)
	}
	var settings string
	mustOK(t, s.db.tQueryRow(`SELECT settings FROM policies WHERE id = ?`, p.ID).Scan(&settings))
	for _, iso := range []string{`"P14D"`, `"PT1H30M"`, `"P30D"`} {
		if !contains(settings, iso) {
			t.Errorf("settings should hold ISO 8601 duration %s: %s", iso, settings)
		}
	}
	// Validation errors: each a 400.
	bad := []func(*entitled.AssignmentPolicy){
		func(p *entitled.AssignmentPolicy) { p.DisplayName = "" },
		func(p *entitled.AssignmentPolicy) { p.AllowedTargetScope = "everyone" },
		func(p *entitled.AssignmentPolicy) { p.AllowedTargetScope = entitled.ScopeSpecificDirectoryUsers },
		func(p *entitled.AssignmentPolicy) { p.RequestApprovalSettings.Stages = nil },
		func(p *entitled.AssignmentPolicy) { p.RequestApprovalSettings.Stages[1].PrimaryApprovers = nil },
		func(p *entitled.AssignmentPolicy) { p.Expiration.Duration = 0 },
		func(p *entitled.AssignmentPolicy) {
			p.RequestApprovalSettings.Stages[0].FallbackPrimaryApprovers[0].UserID = "4b4b4b4b-0000-0000-0000-000000000000"
		},
		func(p *entitled.AssignmentPolicy) {
			p.RequestApprovalSettings.Stages[1].PrimaryApprovers[0].GroupID = "missing-group"
		},
	}
	for i, mut := range bad {
		p := base()
		mut(p)
		err := s.Policies.CreatePolicy(sys, p)
		wantKind(t, err, entitled.KindInvalid)
		if i == 6 && !contains(err.Error(), "4b4b4b4b-0000-0000-0000-000000000000") {
			t.Errorf("400 should name the missing approver: %v", err)
		}
	}
	p404 := base()
	p404.AccessPackageID = newID()
	wantKind(t, s.Policies.CreatePolicy(sys, p404), entitled.KindNotFound)

	// PUT replaces; the package cannot change.
	rep := base()
	rep.ID = p.ID
	rep.DisplayName = "One stage"
	rep.RequestApprovalSettings = entitled.ApprovalSettings{}
	rep.Expiration = entitled.Expiration{Type: entitled.ExpirationNone}
	mustOK(t, s.Policies.ReplacePolicy(f.as(t, "apManager"), rep))
	got, err = s.Policies.Policy(sys, p.ID)
	mustOK(t, err)
	if got.DisplayName != "One stage" || len(got.RequestApprovalSettings.Stages) != 0 || got.Expiration.Type != entitled.ExpirationNone {
		t.Errorf("after PUT: %+v", got)
	}
	other := &entitled.AccessPackage{CatalogID: f.catalog.ID, DisplayName: "Other"}
	mustOK(t, s.AccessPackages.CreateAccessPackage(sys, other))
	rep.AccessPackageID = other.ID
	wantKind(t, s.Policies.ReplacePolicy(sys, rep), entitled.KindInvalid)

	// Filters on the documented fields.
	wantEqFilters(t, func(o entitled.ListOptions) (entitled.Page[entitled.AssignmentPolicy], error) {
		return s.Policies.Policies(sys, o)
	},
		map[string]string{"id": p.ID, "displayName": "One stage", "accessPackage/id": f.pkg.ID, "catalog/id": f.catalog.ID}, "allowedTargetScope")

	// Delete: 409 while an open request uses it.
	u := f.users["requestor"]
	ts := fmtTime(time.Now())
	_, err = s.db.tExec(`INSERT INTO assignment_requests (id, request_type, state, status, created_at, access_package_id, policy_id, catalog_id, target_id, requestor_id)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, newID(), "userAdd", "delivering", "Delivering", ts, f.pkg.ID, p.ID, f.catalog.ID, u.ID, u.ID)
	mustOK(t, err)
	wantKind(t, s.Policies.DeletePolicy(sys, p.ID), entitled.KindConflict)
	_, err = s.db.tExec(`UPDATE assignment_requests SET state = 'delivered' WHERE policy_id = ?`, p.ID)
	mustOK(t, err)
	mustOK(t, s.Policies.DeletePolicy(sys, p.ID))
	_, err = s.Policies.Policy(sys, p.ID)
	wantKind(t, err, entitled.KindNotFound)
}
