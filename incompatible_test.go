package entitled_test

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

func TestCheckCompatible(t *testing.T) {
	sod := entitled.Incompatibilities{Packages: []string{"accounting"}, Groups: []string{"auditors"}}
	for _, c := range []struct {
		name           string
		held, memberOf []string
		want           entitled.Kind
		wantKey        string
	}{
		{"holds nothing", nil, nil, allowed, ""},
		{"holds a compatible package", []string{"wiki"}, []string{"staff"}, allowed, ""},
		{"holds an incompatible package", []string{"wiki", "accounting"}, nil, entitled.KindForbidden, "error.incompatiblePackage"},
		{"in an incompatible group", nil, []string{"auditors"}, entitled.KindForbidden, "error.incompatibleGroup"},
		{"the package itself is never a conflict", []string{"sales"}, nil, allowed, ""},
	} {
		in := sod
		in.HeldPackages, in.MemberOf = c.held, c.memberOf
		err := entitled.CheckCompatible("alice", "sales", in)
		if kindOf(err) != c.want {
			t.Errorf("%s: CheckCompatible = %v, want kind %v", c.name, err, c.want)
			continue
		}
		if err != nil {
			if e := entitled.AsError(err); e.Code != entitled.CodeIncompatible || e.MessageKey != c.wantKey {
				t.Errorf("%s: code %s key %s", c.name, e.Code, e.MessageKey)
			}
		}
	}
}
