package entitled_test

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

func TestCheckOnBehalf(t *testing.T) {
	policy := func(mutate func(p *entitled.AssignmentPolicy)) *entitled.AssignmentPolicy {
		p := &entitled.AssignmentPolicy{DisplayName: "p", AllowedTargetScope: entitled.ScopeAllMemberUsers,
			RequestorSettings: entitled.RequestorSettings{EnableOnBehalfRequestorsToAddAccess: true, OnBehalfRequestors: []entitled.SubjectSet{
				{Type: entitled.SubjectTargetManager, ManagerLevel: 1},
				{Type: entitled.SubjectSingleUser, UserID: "helpdesk"},
				{Type: entitled.SubjectGroupMembers, GroupID: "hr"}}}}
		if mutate != nil {
			mutate(p)
		}
		return p
	}
	open := policy(nil)
	off := policy(func(p *entitled.AssignmentPolicy) { p.RequestorSettings.EnableOnBehalfRequestorsToAddAccess = false })
	specific := policy(func(p *entitled.AssignmentPolicy) {
		p.AllowedTargetScope = entitled.ScopeSpecificDirectoryUsers
		p.SpecificAllowedTargets = []entitled.SubjectSet{{Type: entitled.SubjectGroupMembers, GroupID: "sales"}}
	})
	skip := policy(func(p *entitled.AssignmentPolicy) {
		p.RequestorSettings.OnBehalfRequestors = []entitled.SubjectSet{{Type: entitled.SubjectTargetManager, ManagerLevel: 2}}
	})
	chain := []string{"boss", "bigboss"}
	for _, c := range []struct {
		name      string
		p         *entitled.AssignmentPolicy
		requestor string
		f         entitled.OnBehalfFacts
		want      entitled.Kind
		wantKey   string
	}{
		{"manager for a direct report", open, "boss", entitled.OnBehalfFacts{TargetManagers: chain}, allowed, ""},
		{"named user", open, "helpdesk", entitled.OnBehalfFacts{}, allowed, ""},
		{"group member", open, "carol", entitled.OnBehalfFacts{RequestorMemberOf: map[string]bool{"hr": true}}, allowed, ""},
		{"anyone else", open, "carol", entitled.OnBehalfFacts{TargetManagers: chain}, entitled.KindForbidden, "error.notOnBehalfRequestor"},
		{"the manager's manager at level 1", open, "bigboss", entitled.OnBehalfFacts{TargetManagers: chain}, entitled.KindForbidden, "error.notOnBehalfRequestor"},
		{"the manager's manager at level 2", skip, "bigboss", entitled.OnBehalfFacts{TargetManagers: chain}, allowed, ""},
		{"on-behalf disabled", off, "boss", entitled.OnBehalfFacts{TargetManagers: chain}, entitled.KindInvalid, "error.noOnBehalf"},
		{"target outside the scope", specific, "helpdesk", entitled.OnBehalfFacts{}, entitled.KindForbidden, "error.targetNotAllowed"},
		{"target inside the scope", specific, "helpdesk", entitled.OnBehalfFacts{TargetMemberOf: map[string]bool{"sales": true}}, allowed, ""},
	} {
		err := entitled.CheckOnBehalf(c.p, c.requestor, "dave", c.f)
		if kindOf(err) != c.want {
			t.Errorf("%s: CheckOnBehalf = %v, want kind %v", c.name, err, c.want)
			continue
		}
		if err != nil && entitled.AsError(err).MessageKey != c.wantKey {
			t.Errorf("%s: key %s, want %s", c.name, entitled.AsError(err).MessageKey, c.wantKey)
		}
	}
	if req, tgt := entitled.OnBehalfGroups(specific); len(req) != 1 || req[0] != "hr" || len(tgt) != 1 || tgt[0] != "sales" {
		t.Errorf("OnBehalfGroups = %v, %v", req, tgt)
	}
	if n := entitled.OnBehalfManagerLevels(skip); n != 2 {
		t.Errorf("OnBehalfManagerLevels = %d", n)
	}
}

func TestTargetManagerOnlyForOnBehalf(t *testing.T) {
	p := entitled.AssignmentPolicy{DisplayName: "p", AllowedTargetScope: entitled.ScopeAllMemberUsers,
		SpecificAllowedTargets: []entitled.SubjectSet{{Type: entitled.SubjectTargetManager, ManagerLevel: 1}}}
	if err := p.Validate(); err == nil {
		t.Error("targetManager accepted as an allowed target")
	}
	p.SpecificAllowedTargets = nil
	p.RequestorSettings.OnBehalfRequestors = []entitled.SubjectSet{{Type: entitled.SubjectRequestorManager, ManagerLevel: 1}}
	if err := p.Validate(); err == nil {
		t.Error("requestorManager accepted as an on-behalf requestor")
	}
	p.RequestorSettings.OnBehalfRequestors = []entitled.SubjectSet{{Type: entitled.SubjectTargetManager, ManagerLevel: 1}}
	if err := p.Validate(); err != nil {
		t.Errorf("targetManager as an on-behalf requestor: %v", err)
	}
}
