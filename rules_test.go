package entitled_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

// kindOf returns the error's kind, or -1 for nil, so that tables can say
// "allowed" as well as "refused with this kind".
func kindOf(err error) entitled.Kind {
	if err == nil {
		return -1
	}
	return entitled.ErrorKind(err)
}

const allowed entitled.Kind = -1

func TestOpenRequestStates(t *testing.T) {
	want := []entitled.RequestState{entitled.StateSubmitted, entitled.StatePendingApproval, entitled.StateScheduled, entitled.StateDelivering}
	if !slices.Equal(entitled.OpenRequestStates, want) {
		t.Fatalf("OpenRequestStates = %v, want %v", entitled.OpenRequestStates, want)
	}
	wantAdd := []entitled.RequestType{entitled.RequestUserAdd, entitled.RequestAdminAdd, entitled.RequestSystemAdd}
	if !slices.Equal(entitled.AddRequestTypes, wantAdd) {
		t.Fatalf("AddRequestTypes = %v, want %v", entitled.AddRequestTypes, wantAdd)
	}
	wantRemove := []entitled.RequestType{entitled.RequestUserRemove, entitled.RequestAdminRemove, entitled.RequestSystemRemove}
	if !slices.Equal(entitled.RemoveRequestTypes, wantRemove) {
		t.Fatalf("RemoveRequestTypes = %v, want %v", entitled.RemoveRequestTypes, wantRemove)
	}
}

func TestCheckOneLive(t *testing.T) {
	for _, c := range []struct {
		name string
		h    entitled.LiveHolder
		want string // "" for allowed, else a part of the message
	}{
		{"nothing", entitled.LiveHolder{}, ""},
		{"open request", entitled.LiveHolder{RequestID: "r1"}, "already has an open request r1 for access package p1"},
		{"bare assignment", entitled.LiveHolder{AssignmentID: "a1"}, "already has assignment a1 for access package p1; remove it"},
		{"assignment from a request", entitled.LiveHolder{AssignmentID: "a1", FromRequestID: "r0", FromRequestState: entitled.StateDeliveryFailed},
			"from request r0 (deliveryFailed); cancel that request"},
	} {
		err := entitled.CheckOneLive("u1", "p1", c.h)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v, want nil", c.name, err)
			}
			continue
		}
		e := entitled.AsError(err)
		if e == nil || e.Kind != entitled.KindConflict || e.Code != entitled.CodeExistingAssignment || !strings.Contains(e.Message, c.want) {
			t.Errorf("%s: %v, want a 409 %s containing %q", c.name, err, entitled.CodeExistingAssignment, c.want)
		}
	}
}

func TestMayCancel(t *testing.T) {
	admin := &entitled.Actor{User: entitled.User{ID: "admin"}, CatalogRoles: map[string][]string{"c1": {entitled.RoleAccessPackageAssignmentManager}}}
	reader := &entitled.Actor{User: entitled.User{ID: "reader"}, CatalogRoles: map[string][]string{"c1": {entitled.RoleCatalogReader}}}
	target := &entitled.Actor{User: entitled.User{ID: "target"}}
	requestor := &entitled.Actor{User: entitled.User{ID: "requestor"}}
	r := &entitled.AssignmentRequest{ID: "r1", TargetID: "target", RequestorID: "requestor", CatalogID: "c1"}
	inOther := &entitled.AssignmentRequest{ID: "r2", TargetID: "target", RequestorID: "requestor", CatalogID: "c2"}
	for _, c := range []struct {
		name string
		a    *entitled.Actor
		r    *entitled.AssignmentRequest
		want bool
	}{
		{"target", target, r, true},
		{"requestor who is not the target", requestor, r, false},
		{"assignment manager of the catalog", admin, r, true},
		{"assignment manager of another catalog", admin, inOther, false},
		{"catalog reader", reader, r, false},
	} {
		if got := entitled.MayCancel(c.a, c.r); got != c.want {
			t.Errorf("%s: MayCancel = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestCheckSelfAdd(t *testing.T) {
	pol := func(enabled bool, scope string, targets ...entitled.SubjectSet) *entitled.AssignmentPolicy {
		p := &entitled.AssignmentPolicy{DisplayName: "pol", AllowedTargetScope: scope, SpecificAllowedTargets: targets}
		p.RequestorSettings.EnableTargetsToSelfAddAccess = enabled
		return p
	}
	alice := entitled.SubjectSet{Type: entitled.SubjectSingleUser, UserID: "alice"}
	staff := entitled.SubjectSet{Type: entitled.SubjectGroupMembers, GroupID: "staff"}
	for _, c := range []struct {
		name     string
		p        *entitled.AssignmentPolicy
		memberOf map[string]bool
		want     entitled.Kind
		groups   []string
	}{
		{"self-add disabled", pol(false, entitled.ScopeAllMemberUsers), nil, entitled.KindForbidden, nil},
		{"all member users", pol(true, entitled.ScopeAllMemberUsers), nil, allowed, nil},
		{"all directory users", pol(true, entitled.ScopeAllDirectoryUsers), nil, allowed, nil},
		{"not specified", pol(true, entitled.ScopeNotSpecified), nil, entitled.KindForbidden, nil},
		{"named user", pol(true, entitled.ScopeSpecificDirectoryUsers, alice), nil, allowed, nil},
		{"member of a named group", pol(true, entitled.ScopeSpecificDirectoryUsers, staff), map[string]bool{"staff": true}, allowed, []string{"staff"}},
		{"not a member", pol(true, entitled.ScopeSpecificDirectoryUsers, staff), map[string]bool{"staff": false}, entitled.KindForbidden, []string{"staff"}},
		{"disabled, groups not needed", pol(false, entitled.ScopeSpecificDirectoryUsers, staff), map[string]bool{"staff": true}, entitled.KindForbidden, nil},
	} {
		user := "alice"
		if c.name == "member of a named group" || c.name == "not a member" {
			user = "bob"
		}
		if got := kindOf(entitled.CheckSelfAdd(c.p, user, c.memberOf)); got != c.want {
			t.Errorf("%s: CheckSelfAdd kind %v, want %v", c.name, got, c.want)
		}
		if got := entitled.SelfAddGroups(c.p); !slices.Equal(got, c.groups) {
			t.Errorf("%s: SelfAddGroups = %v, want %v", c.name, got, c.groups)
		}
	}
}

func TestSettleAssignment(t *testing.T) {
	type eff = entitled.AssignmentEffect
	for _, c := range []struct {
		rt    entitled.RequestType
		state entitled.RequestState
		ends  bool
		want  eff
	}{
		{entitled.RequestUserAdd, entitled.StateDelivered, false, eff{State: entitled.AssignmentDelivered}},
		{entitled.RequestUserAdd, entitled.StateDelivered, true, eff{State: entitled.AssignmentDelivered, ScheduleExpiry: true}},
		{entitled.RequestAdminAdd, entitled.StatePartiallyDelivered, true, eff{State: entitled.AssignmentPartiallyDelivered, ScheduleExpiry: true}},
		{entitled.RequestSystemAdd, entitled.StateDeliveryFailed, true, eff{State: entitled.AssignmentDeliveryFailed}},
		{entitled.RequestUserRemove, entitled.StateDelivered, true, eff{ExpireNow: true}},
		{entitled.RequestAdminRemove, entitled.StatePartiallyDelivered, false, eff{State: entitled.AssignmentPartiallyDelivered}},
		{entitled.RequestSystemRemove, entitled.StateDeliveryFailed, false, eff{}},
	} {
		if got := entitled.SettleAssignment(c.rt, c.state, c.ends); got != c.want {
			t.Errorf("SettleAssignment(%s, %s, %v) = %+v, want %+v", c.rt, c.state, c.ends, got, c.want)
		}
	}
}

func TestParseReviewResult(t *testing.T) {
	for in, want := range map[string]string{"approve": entitled.ReviewApprove, "DENY": entitled.ReviewDeny, "Approve": entitled.ReviewApprove} {
		if got, err := entitled.ParseReviewResult(in); err != nil || got != want {
			t.Errorf("ParseReviewResult(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := entitled.ParseReviewResult("maybe"); kindOf(err) != entitled.KindInvalid {
		t.Errorf("ParseReviewResult(maybe) = %v, want 400", err)
	}
}

func TestStageReviewDecide(t *testing.T) {
	pol := &entitled.AssignmentPolicy{DisplayName: "pol"}
	pol.RequestApprovalSettings.Stages = []entitled.ApprovalStage{{}, {IsApproverJustificationRequired: true}}
	review := func(mod func(*entitled.StageReview)) entitled.StageReview {
		v := entitled.StageReview{
			Request:    &entitled.AssignmentRequest{ID: "r1", State: entitled.StatePendingApproval, TargetID: "target", RequestorID: "requestor"},
			Stage:      &entitled.ApprovalStageRecord{DisplayName: "Stage 1", Index: 0, Status: entitled.StageInProgress},
			Policy:     pol,
			ReviewerID: "approver", IsApprover: true, Result: entitled.ReviewApprove,
		}
		mod(&v)
		return v
	}
	for _, c := range []struct {
		name     string
		mod      func(*entitled.StageReview)
		wantStep entitled.StageStep
		wantKind entitled.Kind
	}{
		{"approve first of two", func(*entitled.StageReview) {}, entitled.StepNextStage, allowed},
		{"deny first", func(v *entitled.StageReview) { v.Result = entitled.ReviewDeny }, entitled.StepDeny, allowed},
		{"approve last with justification", func(v *entitled.StageReview) { v.Stage.Index = 1; v.Justification = "ok" }, entitled.StepDeliver, allowed},
		{"approve last without justification", func(v *entitled.StageReview) { v.Stage.Index = 1; v.Justification = "  " }, 0, entitled.KindInvalid},
		{"target reviews", func(v *entitled.StageReview) { v.ReviewerID = "target" }, 0, entitled.KindForbidden},
		{"requestor reviews", func(v *entitled.StageReview) { v.ReviewerID = "requestor" }, 0, entitled.KindForbidden},
		{"not an approver", func(v *entitled.StageReview) { v.IsApprover = false }, 0, entitled.KindForbidden},
		{"stage completed", func(v *entitled.StageReview) { v.Stage.Status = entitled.StageCompleted }, 0, entitled.KindConflict},
		{"request canceled", func(v *entitled.StageReview) { v.Request.State = entitled.StateCanceled }, 0, entitled.KindConflict},
	} {
		step, err := review(c.mod).Decide()
		if kindOf(err) != c.wantKind || step != c.wantStep {
			t.Errorf("%s: Decide = %v, %v; want step %v, kind %v", c.name, step, err, c.wantStep, c.wantKind)
		}
	}
}

func TestCheckNotOwnRequest(t *testing.T) {
	r := &entitled.AssignmentRequest{ID: "r1", TargetID: "t", RequestorID: "q"}
	for user, want := range map[string]entitled.Kind{"t": entitled.KindForbidden, "q": entitled.KindForbidden, "other": allowed} {
		if got := kindOf(entitled.CheckNotOwnRequest(user, r)); got != want {
			t.Errorf("CheckNotOwnRequest(%s) kind %v, want %v", user, got, want)
		}
	}
}

func TestCheckRequestorInput(t *testing.T) {
	strict := &entitled.AssignmentPolicy{DisplayName: "strict"}
	strict.RequestApprovalSettings.IsRequestorJustificationRequired = true
	lax := &entitled.AssignmentPolicy{DisplayName: "lax"}
	lax.RequestorSettings.AllowCustomAssignmentSchedule = true
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	custom := entitled.Schedule{StartDateTime: &start}
	for _, c := range []struct {
		name       string
		p          *entitled.AssignmentPolicy
		r          entitled.AssignmentRequest
		want       entitled.Kind
		wantTarget string
	}{
		{"justification given", strict, entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, Justification: "need it"}, allowed, ""},
		{"justification missing", strict, entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, Justification: "  "}, entitled.KindInvalid, "justification"},
		{"update justification missing", strict, entitled.AssignmentRequest{RequestType: entitled.RequestUserUpdate}, entitled.KindInvalid, "justification"},
		{"admin update needs none", strict, entitled.AssignmentRequest{RequestType: entitled.RequestAdminUpdate}, allowed, ""},
		{"admin needs none", strict, entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd}, allowed, ""},
		{"custom schedule refused", strict, entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, Justification: "x", Schedule: custom}, entitled.KindInvalid, "schedule"},
		{"custom schedule allowed", lax, entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, Schedule: custom}, allowed, ""},
		{"admin may set a schedule", strict, entitled.AssignmentRequest{RequestType: entitled.RequestAdminAdd, Schedule: custom}, allowed, ""},
		{"expiration alone is custom", strict, entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, Justification: "x",
			Schedule: entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationNone}}}, entitled.KindInvalid, "schedule"},
	} {
		err := entitled.CheckRequestorInput(c.p, &c.r)
		if kindOf(err) != c.want {
			t.Errorf("%s: CheckRequestorInput = %v, want kind %v", c.name, err, c.want)
			continue
		}
		if e := entitled.AsError(err); e != nil && e.Target != c.wantTarget {
			t.Errorf("%s: target %q, want %q", c.name, e.Target, c.wantTarget)
		}
	}
}
