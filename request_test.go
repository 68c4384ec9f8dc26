package entitled_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestRollUp(t *testing.T) {
	cases := []struct {
		in   entitled.DeliveryTally
		want entitled.RequestState
	}{
		{entitled.DeliveryTally{Total: 2, Final: 2, Succeeded: 2}, entitled.StateDelivered},
		{entitled.DeliveryTally{Total: 2, Final: 2, Succeeded: 1}, entitled.StatePartiallyDelivered},
		{entitled.DeliveryTally{Total: 2, Final: 2, Succeeded: 0}, entitled.StateDeliveryFailed},
		{entitled.DeliveryTally{Total: 2, Final: 1, Succeeded: 1}, entitled.StateDelivering},
		{entitled.DeliveryTally{Total: 2, Final: 1, Succeeded: 0}, entitled.StateDelivering},
		{entitled.DeliveryTally{Total: 3, Final: 0}, entitled.StateDelivering},
		{entitled.DeliveryTally{}, entitled.StateDelivered},
	}
	for _, c := range cases {
		if got := entitled.RollUp(c.in); got != c.want {
			t.Errorf("RollUp(%+v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestCheckReprocess(t *testing.T) {
	done := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	window := entitled.DefaultReprocessWindow
	for _, st := range entitled.RequestStates {
		r := &entitled.AssignmentRequest{ID: "r1", State: st, CompletedDateTime: &done}
		err := r.CheckReprocess(done.Add(time.Hour), window)
		eligible := st == entitled.StateDeliveryFailed || st == entitled.StatePartiallyDelivered
		if eligible != (err == nil) {
			t.Errorf("state %s: CheckReprocess = %v", st, err)
		}
		if err != nil && entitled.AsError(err).Code != entitled.CodeNotReprocessable {
			t.Errorf("state %s: code %s", st, entitled.AsError(err).Code)
		}
	}
	r := &entitled.AssignmentRequest{ID: "r1", State: entitled.StatePartiallyDelivered, CompletedDateTime: &done}
	if err := r.CheckReprocess(done.Add(window), window); err != nil {
		t.Errorf("at the end of the window: %v", err)
	}
	err := r.CheckReprocess(done.Add(window+time.Second), window)
	e := entitled.AsError(err)
	if err == nil || e.Kind != entitled.KindInvalid || e.Code != entitled.CodeReprocessWindowPassed ||
		!strings.Contains(e.Message, "cancel it and request again") || !strings.Contains(e.Message, "14 days") {
		t.Errorf("after the window: %v", err)
	}
}

func TestCheckCancel(t *testing.T) {
	cancelable := map[entitled.RequestState]bool{
		entitled.StateSubmitted: true, entitled.StatePendingApproval: true, entitled.StateScheduled: true,
		entitled.StateDeliveryFailed: true, entitled.StatePartiallyDelivered: true,
	}
	for _, st := range entitled.RequestStates {
		err := (&entitled.AssignmentRequest{ID: "r", State: st}).CheckCancel()
		if cancelable[st] != (err == nil) {
			t.Errorf("state %s: CheckCancel = %v", st, err)
		}
	}
}

func TestISODuration(t *testing.T) {
	good := map[string]time.Duration{
		"P14D": 14 * 24 * time.Hour, "PT8H": 8 * time.Hour, "P1DT12H": 36 * time.Hour,
		"PT1M30S": 90 * time.Second, "PT0.5S": 500 * time.Millisecond, "P2W": 14 * 24 * time.Hour,
	}
	for in, want := range good {
		got, err := entitled.ParseISODuration(in)
		if err != nil || got != want {
			t.Errorf("ParseISODuration(%q) = %v, %v; want %v", in, got, err, want)
		}
		back, _ := entitled.ParseISODuration(entitled.FormatISODuration(want))
		if back != want {
			t.Errorf("round trip of %v via %q gave %v", want, entitled.FormatISODuration(want), back)
		}
	}
	for _, bad := range []string{"", "P", "PT", "14D", "P1Y", "P1M", "PTxS", "P-1D"} {
		if _, err := entitled.ParseISODuration(bad); err == nil {
			t.Errorf("ParseISODuration(%q) accepted", bad)
		}
	}
}

func TestRetryBackoff(t *testing.T) {
	p := entitled.RetryPolicy{MaxAttempts: 5, InitialBackoff: time.Second, MaxBackoff: 5 * time.Second}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i, w := range want {
		if got := p.Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if err := (entitled.RetryPolicy{MaxAttempts: 0}).Validate(); err == nil {
		t.Error("maxAttempts 0 accepted")
	}
}

func TestPolicyValidate(t *testing.T) {
	ok := entitled.AssignmentPolicy{DisplayName: "p", AllowedTargetScope: entitled.ScopeAllMemberUsers}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid policy: %v", err)
	}
	stage := entitled.ApprovalStage{PrimaryApprovers: []entitled.SubjectSet{{Type: entitled.SubjectSingleUser, UserID: "u"}}}
	bad := map[string]func(p *entitled.AssignmentPolicy){
		"displayName": func(p *entitled.AssignmentPolicy) { p.DisplayName = " " },
		"scope":       func(p *entitled.AssignmentPolicy) { p.AllowedTargetScope = "everyone" },
		"targets":     func(p *entitled.AssignmentPolicy) { p.AllowedTargetScope = entitled.ScopeSpecificDirectoryUsers },
		"4 stages": func(p *entitled.AssignmentPolicy) {
			p.RequestApprovalSettings.Stages = []entitled.ApprovalStage{stage, stage, stage, stage}
		},
		"no approvers": func(p *entitled.AssignmentPolicy) {
			p.RequestApprovalSettings.Stages = []entitled.ApprovalStage{{}}
		},
		"approval without stages": func(p *entitled.AssignmentPolicy) { p.RequestApprovalSettings.IsApprovalRequiredForAdd = true },
		"duration":                func(p *entitled.AssignmentPolicy) { p.Expiration.Type = entitled.ExpirationAfterPeriod },
		"endDateTime":             func(p *entitled.AssignmentPolicy) { p.Expiration.Type = entitled.ExpirationAfterDate },
		"expiration type":         func(p *entitled.AssignmentPolicy) { p.Expiration.Type = "sometimes" },
		"manager as target": func(p *entitled.AssignmentPolicy) {
			p.AllowedTargetScope = entitled.ScopeSpecificDirectoryUsers
			p.SpecificAllowedTargets = []entitled.SubjectSet{{Type: entitled.SubjectRequestorManager}}
		},
	}
	for name, mutate := range bad {
		p := ok
		mutate(&p)
		if err := p.Validate(); entitled.ErrorKind(err) != entitled.KindInvalid {
			t.Errorf("%s: Validate = %v, want a 400", name, err)
		}
	}
}

func TestRequestSchedule(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	oneDay := entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: day}
	fixed := entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: at(10 * day)}
	none := entitled.Expiration{Type: entitled.ExpirationNone}
	cases := []struct {
		name    string
		policy  entitled.Expiration
		custom  entitled.Schedule
		target  string // "" when accepted
		wantExp entitled.Expiration
	}{
		{"no custom expiration keeps the policy's", oneDay, entitled.Schedule{StartDateTime: at(day)}, "", oneDay},
		{"shorter duration", oneDay, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: time.Hour}}, "",
			entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: time.Hour}},
		{"the same duration", oneDay, entitled.Schedule{Expiration: oneDay}, "", oneDay},
		{"noExpiration under a one-day policy", oneDay, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationNone}}, "schedule.expiration.type", oneDay},
		{"notSpecified under a one-day policy", oneDay, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationNotSpecified}}, "schedule.expiration.type", oneDay},
		{"a hundred years under a one-day policy", oneDay, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 36500 * day}},
			"schedule.expiration.duration", oneDay},
		{"an end date past a one-day policy", oneDay, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: at(2 * day)}},
			"schedule.expiration.endDateTime", oneDay},
		{"a later start moves the duration's limit", oneDay, entitled.Schedule{StartDateTime: at(5 * day),
			Expiration: entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: at(5*day + 12*time.Hour)}}, "",
			entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: at(5*day + 12*time.Hour)}},
		{"an end date before a fixed end", fixed, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: at(3 * day)}}, "",
			entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: at(3 * day)}},
		{"a duration past a fixed end", fixed, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 11 * day}},
			"schedule.expiration.duration", fixed},
		{"a start after a fixed end", fixed, entitled.Schedule{StartDateTime: at(11 * day)}, "schedule.startDateTime", fixed},
		{"no limit: noExpiration is fine", none, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationNone}}, "",
			entitled.Expiration{Type: entitled.ExpirationNone}},
		{"no limit: any duration", none, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 400 * day}}, "",
			entitled.Expiration{Type: entitled.ExpirationAfterPeriod, Duration: 400 * day}},
		{"zero duration", none, entitled.Schedule{Expiration: entitled.Expiration{Type: entitled.ExpirationAfterPeriod}}, "schedule.expiration.duration", none},
		{"end before start", none, entitled.Schedule{StartDateTime: at(2 * day),
			Expiration: entitled.Expiration{Type: entitled.ExpirationAfterDate, EndDateTime: at(day)}}, "schedule.expiration.endDateTime", none},
		{"unknown type", none, entitled.Schedule{Expiration: entitled.Expiration{Type: "sometimes"}}, "schedule.expiration.type", none},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := entitled.RequestSchedule(c.policy, c.custom, now)
			if c.target != "" {
				var e *entitled.Error
				if !errors.As(err, &e) || e.Kind != entitled.KindInvalid || e.Target != c.target {
					t.Fatalf("got %v, want a 400 on %s", err, c.target)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Expiration.Type != c.wantExp.Type || got.Expiration.Duration != c.wantExp.Duration ||
				(got.Expiration.EndDateTime == nil) != (c.wantExp.EndDateTime == nil) ||
				(got.Expiration.EndDateTime != nil && !got.Expiration.EndDateTime.Equal(*c.wantExp.EndDateTime)) {
				t.Errorf("expiration %+v, want %+v", got.Expiration, c.wantExp)
			}
			if got.StartDateTime != c.custom.StartDateTime {
				t.Errorf("start %v, want %v", got.StartDateTime, c.custom.StartDateTime)
			}
		})
	}
}
