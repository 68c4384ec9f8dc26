package odata

import (
	"errors"
	"net/url"
	"testing"

	"github.com/entitled-dev/entitled"
)

// FuzzParseFilter: any $filter is parsed or refused with a 400 naming
// $filter; it never panics, and what parses stays within the limits.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"state eq 'delivered'",
		"accessPackage/id eq 'a1' and (state in ('delivered', 'deliveryFailed') or not isHidden eq true)",
		"contains(displayName,'sales') or startswith(mail,'a') or endswith(mail,'@x.org')",
		"targetResources/any(t: t/id eq '0193f6d2-1c2b-7a3e-9d1f-0123456789ab')",
		"activityDateTime gt 2026-01-01T00:00:00Z and n lt -2.5 and completedDateTime eq null",
		"displayName eq 'O''Brien'",
		"((((a eq 1))))",
		"not not not a eq 1",
		"a in (1,2,3,'x',true,null)",
		"a eq", "eq 1", "(", "((", "'", "a/any(", "x/any(t: t/any(u: u/id eq 1))", "x in ('a','b')",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseFilter(s)
		if err != nil {
			var ee *entitled.Error
			if !errors.As(err, &ee) || ee.Kind != entitled.KindInvalid || (ee.Target != "$filter") {
				t.Fatalf("%q: error %#v is not a 400 on $filter", s, err)
			}
			return
		}
		if e == nil {
			return
		}
		conds, vals := count(e)
		if conds > MaxFilterConditions || vals > MaxFilterValues {
			t.Fatalf("%q: %d conditions, %d values parsed past the limits", s, conds, vals)
		}
	})
}

// count returns the conditions and literal values of an expression.
func count(e entitled.Expr) (conds, vals int) {
	switch x := e.(type) {
	case entitled.Logical:
		c1, v1 := count(x.Left)
		c2, v2 := count(x.Right)
		return c1 + c2, v1 + v2
	case entitled.Not:
		return count(x.X)
	case entitled.In:
		return 1, len(x.Values)
	}
	return 1, 1
}

// FuzzParse: any query string is parsed or refused with a 400 naming an
// option; it never panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"$filter=state%20eq%20'x'&$top=5&$count=true&$select=id,state&$expand=accessPackage&$orderby=id",
		"$expand=resourceRoleScopes($expand=role,scope)",
		"$skiptoken=MDFhMjIzMGUtMGQ2OS03ZWZlLTliNjctMDMwZDg2YjdhNmQ0",
		"$top=0", "$skip=1", "$search=x", "$count=maybe", "$expand=x((((", "$select=,,,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		q, err := Parse(v, "accessPackage", "resourceRoleScopes")
		if err != nil {
			var ee *entitled.Error
			if !errors.As(err, &ee) || ee.Kind != entitled.KindInvalid || ee.Target == "" {
				t.Fatalf("%q: error %#v is not a 400 naming an option", s, err)
			}
			return
		}
		if len(q.Select) > MaxSelect || len(q.Expand) > MaxExpand || q.List.Top < 0 || q.List.Top > entitled.MaxPageSize {
			t.Fatalf("%q: parsed past the limits: %+v", s, q)
		}
	})
}
