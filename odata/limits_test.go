package odata

import (
	"net/url"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// inList is "id in ('v0', 'v1', …)" with n values.
func inList(n int) string {
	vals := make([]string, n)
	for i := range vals {
		vals[i] = "'v" + strings.Repeat("x", i%3) + "'"
	}
	return "id in (" + strings.Join(vals, ",") + ")"
}

// orChain is "a eq 0 or a eq 1 or …" with n conditions.
func orChain(n int) string {
	c := make([]string, n)
	for i := range c {
		c[i] = "a eq 1"
	}
	return strings.Join(c, " or ")
}

func TestQueryLimits(t *testing.T) {
	tests := []struct {
		name   string
		opt    string
		value  string
		ok     bool
		target string
	}{
		{"in list at the limit", "$filter", inList(MaxFilterValues), true, ""},
		{"in list over the limit", "$filter", inList(MaxFilterValues + 1), false, "$filter"},
		{"33,000 in values", "$filter", inList(33000), false, "$filter"},
		{"values summed over conditions", "$filter", inList(MaxFilterValues-1) + " and b eq 1 and c eq 2", false, "$filter"},
		{"conditions at the limit", "$filter", orChain(MaxFilterConditions), true, ""},
		{"conditions over the limit", "$filter", orChain(MaxFilterConditions + 1), false, "$filter"},
		{"deep parentheses", "$filter", strings.Repeat("(", 100000) + "a eq 1" + strings.Repeat(")", 100000), false, "$filter"},
		{"deep not", "$filter", strings.Repeat("not ", 100000) + "a eq 1", false, "$filter"},
		{"long filter", "$filter", "a eq '" + strings.Repeat("x", MaxFilterLength) + "'", false, "$filter"},
		{"select at the limit", "$select", strings.Repeat("a,", MaxSelect-1) + "a", true, ""},
		{"select over the limit", "$select", strings.Repeat("a,", MaxSelect) + "a", false, "$select"},
		{"expand over the limit", "$expand", strings.Repeat("x,", MaxExpand) + "x", false, "$expand"},
		{"expand nested too deeply", "$expand", "x($expand=x($expand=x($expand=x($expand=x))))", false, "$expand"},
		{"expand nested", "$expand", "x($expand=x)", true, ""},
		{"orderby keys", "$orderby", "id,id,id,id,id", false, "$orderby"},
		{"orderby long", "$orderby", strings.Repeat("x", 300), false, "$orderby"},
		{"skiptoken long", "$skiptoken", strings.Repeat("x", MaxSkipTokenLength+1), false, "$skiptoken"},
		{"top 0", "$top", "0", false, "$top"},
		{"top huge", "$top", "99999999999999999999", false, "$top"},
		{"top max", "$top", "999", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTree(url.Values{tc.opt: {tc.value}}, Tree{"x": {{"x", "x"}}}, "x")
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := err.(*entitled.Error)
			if !ok || e.Kind != entitled.KindInvalid || e.Target != tc.target {
				t.Fatalf("got %#v, want a 400 with target %s", err, tc.target)
			}
			if len(e.Message) > 300 {
				t.Errorf("message of %d bytes echoes the input", len(e.Message))
			}
		})
	}
}
