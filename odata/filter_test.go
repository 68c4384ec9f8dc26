package odata

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/entitled-dev/entitled"
)

func TestParseFilterValid(t *testing.T) {
	ts := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want entitled.Expr
	}{
		{"state eq 'delivered'", entitled.Compare{Op: "eq", Property: "state", Value: "delivered"}},
		{"State EQ 'x'", entitled.Compare{Op: "eq", Property: "State", Value: "x"}},
		{"accessPackage/id eq 'a1'", entitled.Compare{Op: "eq", Property: "accessPackage/id", Value: "a1"}},
		{"displayName eq 'O''Brien'", entitled.Compare{Op: "eq", Property: "displayName", Value: "O'Brien"}},
		{"attempts ge 3", entitled.Compare{Op: "ge", Property: "attempts", Value: 3.0}},
		{"n lt -2.5", entitled.Compare{Op: "lt", Property: "n", Value: -2.5}},
		{"isHidden eq true", entitled.Compare{Op: "eq", Property: "isHidden", Value: true}},
		{"isHidden ne false", entitled.Compare{Op: "ne", Property: "isHidden", Value: false}},
		{"completedDateTime eq null", entitled.Compare{Op: "eq", Property: "completedDateTime", Value: nil}},
		{"activityDateTime gt 2026-01-01T00:00:00Z", entitled.Compare{Op: "gt", Property: "activityDateTime", Value: ts}},
		{"id eq 0193f6d2-1c2b-7a3e-9d1f-0123456789ab", entitled.Compare{Op: "eq", Property: "id", Value: "0193f6d2-1c2b-7a3e-9d1f-0123456789ab"}},
		{"state in ('delivered', 'deliveryFailed')", entitled.In{Property: "state", Values: []any{"delivered", "deliveryFailed"}}},
		{"contains(displayName,'sales')", entitled.Call{Func: "contains", Property: "displayName", Value: "sales"}},
		{"startsWith(displayName, 'S')", entitled.Call{Func: "startswith", Property: "displayName", Value: "S"}},
		{"endswith(mail,'@x.org')", entitled.Call{Func: "endswith", Property: "mail", Value: "@x.org"}},
		{"a eq 'x' and b eq 'y' or c eq 'z'", entitled.Logical{Op: "or",
			Left:  entitled.Logical{Op: "and", Left: entitled.Compare{Op: "eq", Property: "a", Value: "x"}, Right: entitled.Compare{Op: "eq", Property: "b", Value: "y"}},
			Right: entitled.Compare{Op: "eq", Property: "c", Value: "z"}}},
		{"a eq 'x' and (b eq 'y' or c eq 'z')", entitled.Logical{Op: "and",
			Left:  entitled.Compare{Op: "eq", Property: "a", Value: "x"},
			Right: entitled.Logical{Op: "or", Left: entitled.Compare{Op: "eq", Property: "b", Value: "y"}, Right: entitled.Compare{Op: "eq", Property: "c", Value: "z"}}}},
		{"not (state eq 'denied')", entitled.Not{X: entitled.Compare{Op: "eq", Property: "state", Value: "denied"}}},
		{"not contains(displayName,'x')", entitled.Not{X: entitled.Call{Func: "contains", Property: "displayName", Value: "x"}}},
		{"targetResources/any(t: t/id eq 'r1')", entitled.Compare{Op: "eq", Property: "targetId", Value: "r1"}},
		{"activityDateTime ge 2026-01-01T00:00:00Z and targetResources/any(x:x/id eq 'r1')", entitled.Logical{Op: "and",
			Left:  entitled.Compare{Op: "ge", Property: "activityDateTime", Value: ts},
			Right: entitled.Compare{Op: "eq", Property: "targetId", Value: "r1"}}},
		{"contains(tolower(displayName), 'sales')", entitled.Call{Func: "contains", Property: "displayName", Value: "sales", Case: "tolower"}},
		{"tolower(displayName) eq 'sales'", entitled.Compare{Op: "eq", Property: "displayName", Value: "sales", Case: "tolower"}},
		{"TOUPPER(displayName) in ('A','B')", entitled.In{Property: "displayName", Values: []any{"A", "B"}, Case: "toupper"}},
		{"target/objectId eq 'u1'", entitled.Compare{Op: "eq", Property: "target/objectId", Value: "u1"}},
		{"  ", nil},
	}
	for _, tt := range tests {
		got, err := ParseFilter(tt.in)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseFilter(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestParseFilterInvalid(t *testing.T) {
	tests := []struct {
		in      string
		wantPos string // "position N" expected in the message
	}{
		{"state eq", "position 9"},
		{"state eq 'open", "position 10"},
		{"state = 'x'", "position 7"},
		{"state like 'x'", "position 7"},
		{"eq eq 'x'", "position 1"},
		{"state eq delivered", "position 10"},
		{"(state eq 'x'", "position 14"},
		{"state eq 'x')", "position 13"},
		{"state eq 'x' state eq 'y'", "position 14"},
		{"contains(displayName)", "position 21"},
		{"state in 'x'", "position 10"},
		{"state in ('a' 'b')", "position 15"},
		{"t eq 2026-13-01T00:00:00Z", "position 6"},
		{"length(x) eq 2", "position 1"},
		{"tolower(x eq 'a'", "position 11"},
		{"contains(tolower(), 'a')", "position 18"},
		{"targetResources/any(t: s/id eq 'x')", "position 24"},
		{"a eq 1 and", "position 11"},
		{"a eq #", "position 6"},
		{strings.Repeat("(", 100) + "a eq 1" + strings.Repeat(")", 100), "nested too deeply"},
	}
	for _, tt := range tests {
		_, err := ParseFilter(tt.in)
		var e *entitled.Error
		if !errors.As(err, &e) {
			t.Errorf("ParseFilter(%q) error = %v, want *entitled.Error", tt.in, err)
			continue
		}
		if e.Kind != entitled.KindInvalid || e.Code != entitled.CodeBadRequest || e.Target != "$filter" {
			t.Errorf("ParseFilter(%q) = %+v, want 400 BadRequest on $filter", tt.in, e)
		}
		if !strings.Contains(e.Message, tt.wantPos) {
			t.Errorf("ParseFilter(%q) message %q does not mention %q", tt.in, e.Message, tt.wantPos)
		}
	}
}

func TestParseOptions(t *testing.T) {
	v := url.Values{"$filter": {"state eq 'delivered'"}, "$top": {"5"}, "$skiptoken": {"abc"}, "$count": {"true"},
		"$orderby": {"createdDateTime"}, "$expand": {"accessPackage,resourceRoleScopes($expand=role,scope)"}, "$select": {"id, state"}}
	tree := Tree{"p": {{"accessPackage", "ap"}, {"resourceRoleScopes", "rs"}}, "rs": {{"role", "r"}, {"scope", "s"}}}
	q, err := ParseTree(v, tree, "p")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(v, "accessPackage", "resourceRoleScopes"); err == nil {
		t.Errorf("Parse accepted nested $expand options it would ignore")
	}
	if q.List.Top != 5 || q.List.SkipToken != "abc" || !q.List.Count || q.List.OrderBy != "createdDateTime" || q.List.Filter == nil {
		t.Errorf("list options = %+v", q.List)
	}
	wantExp := []Expand{{Name: "accessPackage"}, {Name: "resourceRoleScopes", Options: "$expand=role,scope",
		Nested: &Query{Expand: []Expand{{Name: "role"}, {Name: "scope"}}}}}
	if !reflect.DeepEqual(q.Expand, wantExp) || !q.Expanded("ACCESSPACKAGE") || q.Expanded("catalog") {
		t.Errorf("expand = %+v", q.Expand)
	}
	if !reflect.DeepEqual(q.Select, []string{"id", "state"}) {
		t.Errorf("select = %v", q.Select)
	}
	bad := []struct {
		v      url.Values
		target string
	}{
		{url.Values{"$top": {"0"}}, "$top"},
		{url.Values{"$top": {"1000"}}, "$top"},
		{url.Values{"$top": {"ten"}}, "$top"},
		{url.Values{"$count": {"yes"}}, "$count"},
		{url.Values{"$expand": {"catalog"}}, "$expand"},
		{url.Values{"$search": {"x"}}, "$search"},
		{url.Values{"$skip": {"10"}}, "$skip"},
		{url.Values{"$filter": {"x eq"}}, "$filter"},
	}
	for _, b := range bad {
		_, err := Parse(b.v, "accessPackage")
		var e *entitled.Error
		if !errors.As(err, &e) || e.Kind != entitled.KindInvalid || e.Target != b.target {
			t.Errorf("Parse(%v) error = %v, want 400 on %s", b.v, err, b.target)
		}
	}
}

func TestParseTreeNested(t *testing.T) {
	tree := Tree{"req": {{"assignment", "asg"}, {"accessPackage", "ap"}}, "asg": {{"target", "subj"}, {"accessPackage", "ap"}},
		"ap": {{"catalog", "cat"}}}
	q, err := ParseTree(url.Values{"$expand": {"assignment($expand=target,accessPackage($expand=catalog;$select=id);$select=id,state)"}}, tree, "req")
	if err != nil {
		t.Fatal(err)
	}
	a := q.Sub("Assignment")
	if !a.Expanded("target") || !reflect.DeepEqual(a.Select, []string{"id", "state"}) || !a.Sub("accessPackage").Expanded("catalog") {
		t.Errorf("nested = %+v", a)
	}
	for _, bad := range []string{"assignment($expand=catalog)", "assignment($filter=state eq 'x')", "assignment($top=1)",
		"accessPackage($expand=catalog($expand=x))", "assignment(target)"} {
		_, err := ParseTree(url.Values{"$expand": {bad}}, tree, "req")
		if e, ok := err.(*entitled.Error); !ok || e.Target != "$expand" {
			t.Errorf("%s: %v, want a 400 on $expand", bad, err)
		}
	}
}
