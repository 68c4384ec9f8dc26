package sqlstore

import (
	"testing"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// TestFilterCaseFunctions: tolower()/toupper() wrap text properties, in
// comparisons, in (…) and the string functions; on other properties they
// are a 400.
func TestFilterCaseFunctions(t *testing.T) {
	s, sys := newTestStore(t)
	for _, n := range []string{"Sales Team", "SALES archive", "Finance"} {
		mustOK(t, s.Catalogs.CreateCatalog(sys, &entitled.Catalog{DisplayName: n}))
	}
	cases := []struct {
		filter string
		want   int
	}{
		{"tolower(displayName) eq 'sales team'", 1},
		{"toupper(displayName) eq 'SALES TEAM'", 1},
		{"displayName eq 'sales team'", 0},
		{"contains(tolower(displayName), 'sales')", 2},
		{"startswith(toupper(displayName), 'sales')", 2},
		{"tolower(displayName) in ('finance', 'sales archive')", 2},
		{"not (tolower(displayName) ne 'finance')", 1},
	}
	for _, c := range cases {
		f, err := odata.ParseFilter(c.filter)
		mustOK(t, err)
		p, err := s.Catalogs.Catalogs(sys, entitled.ListOptions{Filter: f})
		if err != nil {
			t.Errorf("%s: %v", c.filter, err)
			continue
		}
		if len(p.Items) != c.want {
			t.Errorf("%s: %d catalogs, want %d", c.filter, len(p.Items), c.want)
		}
	}
	f, err := odata.ParseFilter("tolower(state) eq 'published'")
	mustOK(t, err)
	_, err = s.Catalogs.Catalogs(sys, entitled.ListOptions{Filter: f})
	if e := entitled.AsError(err); e == nil || e.Target != "$filter" || e.Kind != entitled.KindInvalid {
		t.Errorf("tolower on an enum: %v, want a 400 on $filter", err)
	}
}
