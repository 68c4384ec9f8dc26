package sqlstore

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// TestUnpublishedCatalogIsNotRequestable: the packages of an unpublished
// catalog are neither listed to requestors nor requestable (userAdd or
// adminAdd); administrators still see them; publishing again restores both.
func TestUnpublishedCatalogIsNotRequestable(t *testing.T) {
	f := newLC(t)
	setState := func(st string) {
		_, err := f.s.Catalogs.UpdateCatalog(f.sys, f.catalog, entitled.CatalogUpdate{State: &st})
		f.must(err)
	}
	setState(entitled.CatalogUnpublished)

	_, err := f.add(entitled.RequestUserAdd, f.policy, f.alice)
	wantKind(t, err, entitled.KindInvalid)
	if e := entitled.AsError(err); e.Target != "assignment.accessPackageId" {
		t.Errorf("target %q", e.Target)
	}
	_, err = f.add(entitled.RequestAdminAdd, f.policy, f.bob)
	wantKind(t, err, entitled.KindInvalid)

	pg, err := f.s.AccessPackages.RequestableAccessPackages(f.as(f.alice), entitled.ListOptions{})
	f.must(err)
	if len(pg.Items) != 0 {
		t.Errorf("an unpublished catalog's packages are listed to a requestor: %v", pg.Items)
	}
	pols, err := f.s.Policies.RequestablePolicies(f.as(f.alice), f.pkg)
	f.must(err)
	if len(pols) != 0 {
		t.Errorf("an unpublished catalog's policies are offered: %v", pols)
	}
	_, err = f.s.AccessPackages.AccessPackage(f.as(f.alice), f.pkg)
	wantKind(t, err, entitled.KindForbidden)
	if _, err := f.s.AccessPackages.AccessPackage(f.as(f.admin), f.pkg); err != nil {
		t.Errorf("an administrator of the catalog no longer sees its package: %v", err)
	}

	setState(entitled.CatalogPublished)
	pg, err = f.s.AccessPackages.RequestableAccessPackages(f.as(f.alice), entitled.ListOptions{})
	f.must(err)
	if len(pg.Items) != 1 {
		t.Errorf("published again, the package is not listed: %v", pg.Items)
	}
	f.mustAdd(entitled.RequestUserAdd, f.policy, f.alice)
}

// TestCustomScheduleNeverOutlivesPolicy: on a policy that allows a custom
// schedule and ends access after a day, a request may ask for less, never
// for more or for no end.
func TestCustomScheduleNeverOutlivesPolicy(t *testing.T) {
	f := newLC(t)
	day := f.newPolicy(func(p *entitled.AssignmentPolicy) {
		p.DisplayName = "One day"
		p.RequestorSettings.AllowCustomAssignmentSchedule = true
		p.Expiration = entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 24 * time.Hour}
	})
	submit := func(exp entitled.Expiration) error {
		return f.s.Requests.SubmitRequest(f.as(f.alice), &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd,
			AssignmentPolicyID: day, Schedule: entitled.Schedule{Expiration: exp}})
	}
	end := f.now.Add(36500 * 24 * time.Hour)
	for _, exp := range []entitled.Expiration{
		{Type: entitled.ExpirationNone},
		{Type: entitled.ExpirationNotSpecified},
		{Type: entitled.ExpirationAfterPeriod, Duration: 36500 * 24 * time.Hour},
		{Type: entitled.ExpirationAfterDate, EndDateTime: &end},
	} {
		wantKind(t, submit(exp), entitled.KindInvalid)
	}
	f.must(submit(entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: time.Hour}))
	f.deliverAll(ok)
	asg, err := f.s.Assignments.Assignments(f.as(f.alice), entitled.AssignmentQuery{FilterByCurrentUser: "target"})
	f.must(err)
	if len(asg.Items) != 1 || asg.Items[0].Schedule.Expiration.EndDateTime == nil ||
		asg.Items[0].Schedule.Expiration.EndDateTime.After(f.now.Add(time.Hour+time.Minute)) {
		t.Fatalf("the delivered assignment should end within the hour asked for: %+v", asg.Items)
	}
}
