package entitled_test

import (
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestCheckUpdate(t *testing.T) {
	admin := &entitled.Actor{User: entitled.User{ID: "admin"}, CatalogRoles: map[string][]string{"c1": {entitled.RoleAccessPackageAssignmentManager}}}
	target := &entitled.Actor{User: entitled.User{ID: "target"}}
	other := &entitled.Actor{User: entitled.User{ID: "other"}}
	selfUpdate := &entitled.AssignmentPolicy{DisplayName: "self", RequestorSettings: entitled.RequestorSettings{EnableTargetsToSelfUpdateAccess: true}}
	noSelf := &entitled.AssignmentPolicy{DisplayName: "admins only"}
	delivered := &entitled.Assignment{ID: "a1", TargetID: "target", CatalogID: "c1", State: entitled.AssignmentDelivered}
	failed := &entitled.Assignment{ID: "a2", TargetID: "target", CatalogID: "c1", State: entitled.AssignmentDeliveryFailed}
	elsewhere := &entitled.Assignment{ID: "a3", TargetID: "target", CatalogID: "c2", State: entitled.AssignmentDelivered}
	for _, c := range []struct {
		name string
		a    *entitled.Actor
		p    *entitled.AssignmentPolicy
		as   *entitled.Assignment
		typ  entitled.RequestType
		want entitled.Kind
	}{
		{"target updates own", target, selfUpdate, delivered, entitled.RequestUserUpdate, allowed},
		{"policy forbids self update", target, noSelf, delivered, entitled.RequestUserUpdate, entitled.KindForbidden},
		{"userUpdate of someone else", other, selfUpdate, delivered, entitled.RequestUserUpdate, entitled.KindForbidden},
		{"admin updates", admin, noSelf, delivered, entitled.RequestAdminUpdate, allowed},
		{"admin of another catalog", admin, noSelf, elsewhere, entitled.RequestAdminUpdate, entitled.KindForbidden},
		{"target cannot adminUpdate", target, selfUpdate, delivered, entitled.RequestAdminUpdate, entitled.KindForbidden},
		{"not delivered", target, selfUpdate, failed, entitled.RequestUserUpdate, entitled.KindInvalid},
		{"not an update type", admin, noSelf, delivered, entitled.RequestAdminAdd, entitled.KindInvalid},
	} {
		if got := kindOf(entitled.CheckUpdate(c.a, c.p, c.as, c.typ)); got != c.want {
			t.Errorf("%s: CheckUpdate kind %v, want %v", c.name, got, c.want)
		}
	}
}

func TestUpdatedSchedule(t *testing.T) {
	now := time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC)
	start := now.AddDate(0, -1, 0)
	day := 24 * time.Hour
	thirty := entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 30 * day}
	never := entitled.Expiration{Type: entitled.ExpirationNone}
	current := entitled.Schedule{StartDateTime: &start, Expiration: thirty}
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	for _, c := range []struct {
		name       string
		policy     entitled.Expiration
		requested  entitled.Schedule
		wantEnd    *time.Time
		wantTarget string
	}{
		{"extend by the policy's duration", thirty, entitled.Schedule{}, at(30 * day), ""},
		{"shorter than the policy allows", thirty, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 7 * day}}, at(7 * day), ""},
		{"longer than the policy allows", thirty, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 31 * day}}, nil, "schedule.expiration.duration"},
		{"no end under a limited policy", thirty, entitled.Schedule{Expiration: never}, nil, "schedule.expiration.type"},
		{"end date within", thirty, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: at(10 * day)}}, at(10 * day), ""},
		{"end date in the past", thirty, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: at(-day)}}, nil, "schedule.expiration.endDateTime"},
		{"no end under an open policy", never, entitled.Schedule{Expiration: never}, nil, ""},
		{"a new start is refused", thirty, entitled.Schedule{StartDateTime: at(day)}, nil, "schedule.startDateTime"},
	} {
		got, err := entitled.UpdatedSchedule(c.policy, current, c.requested, now)
		if c.wantTarget != "" {
			if err == nil || entitled.AsError(err).Target != c.wantTarget {
				t.Errorf("%s: UpdatedSchedule error %v, want one on %s", c.name, err, c.wantTarget)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: UpdatedSchedule = %v", c.name, err)
			continue
		}
		if got.StartDateTime != &start && (got.StartDateTime == nil || !got.StartDateTime.Equal(start)) {
			t.Errorf("%s: the start moved to %v", c.name, got.StartDateTime)
		}
		switch {
		case c.wantEnd == nil && got.Expiration.Type != entitled.ExpirationNone:
			t.Errorf("%s: expiration %+v, want noExpiration", c.name, got.Expiration)
		case c.wantEnd != nil && (got.Expiration.Type != entitled.ExpirationAfterDate || !got.Expiration.EndDateTime.Equal(*c.wantEnd)):
			t.Errorf("%s: expiration %+v, want afterDateTime %v", c.name, got.Expiration, c.wantEnd)
		}
	}
}

func TestRequiresApprovalFor(t *testing.T) {
	stage := []entitled.ApprovalStage{{PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: "bob"}}}}
	both := &entitled.AssignmentPolicy{RequestApprovalSettings: entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, IsApprovalRequiredForUpdate: true, Stages: stage}}
	addOnly := &entitled.AssignmentPolicy{RequestApprovalSettings: entitled.ApprovalSettings{IsApprovalRequiredForAdd: true, Stages: stage}}
	for _, c := range []struct {
		name string
		p    *entitled.AssignmentPolicy
		typ  entitled.RequestType
		want bool
	}{
		{"userAdd", addOnly, entitled.RequestUserAdd, true},
		{"userUpdate when required for update", both, entitled.RequestUserUpdate, true},
		{"userUpdate when only adds need approval", addOnly, entitled.RequestUserUpdate, false},
		{"adminUpdate never", both, entitled.RequestAdminUpdate, false},
		{"adminAdd never", both, entitled.RequestAdminAdd, false},
	} {
		if got := c.p.RequiresApprovalFor(c.typ); got != c.want {
			t.Errorf("%s: RequiresApprovalFor = %v, want %v", c.name, got, c.want)
		}
	}
}
