package sqlstore

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestOrderByPaging pages catalogs under several $orderby values, two per
// page, with duplicate sort keys, and checks every page boundary: each row
// once, in the documented order.
func TestOrderByPaging(t *testing.T) {
	s, sys := newTestStore(t)
	names := []string{"delta", "alpha", "Charlie", "alpha", "bravo", "delta", "echo"}
	var all []entitled.Catalog
	for i, n := range names {
		c := &entitled.Catalog{DisplayName: n, Description: fmt.Sprint(i % 3)}
		mustOK(t, s.Catalogs.CreateCatalog(sys, c))
		all = append(all, *c)
	}
	byName := func(a, b entitled.Catalog) int { return strings.Compare(a.DisplayName, b.DisplayName) }
	byID := func(a, b entitled.Catalog) int { return strings.Compare(a.ID, b.ID) }
	cases := []struct {
		orderBy string
		cmp     func(a, b entitled.Catalog) int
	}{
		{"displayName", func(a, b entitled.Catalog) int { return cmpOr(byName(a, b), byID(a, b)) }},
		{"DisplayName desc", func(a, b entitled.Catalog) int { return cmpOr(-byName(a, b), byID(a, b)) }},
		{"description desc, displayName asc", func(a, b entitled.Catalog) int {
			return cmpOr(-strings.Compare(a.Description, b.Description), byName(a, b), byID(a, b))
		}},
		{"createdDateTime desc", func(a, b entitled.Catalog) int {
			return cmpOr(-a.CreatedDateTime.Compare(b.CreatedDateTime), byID(a, b))
		}},
		{"id desc", func(a, b entitled.Catalog) int { return -byID(a, b) }},
		{"modifiedDateTime, id", func(a, b entitled.Catalog) int {
			return cmpOr(a.ModifiedDateTime.Compare(b.ModifiedDateTime), byID(a, b))
		}},
	}
	for _, c := range cases {
		want := slices.Clone(all)
		slices.SortStableFunc(want, c.cmp)
		paged, _ := pageThrough(t, entitled.ListOptions{Top: 2, OrderBy: c.orderBy}, func(opt entitled.ListOptions) (entitled.Page[entitled.Catalog], error) {
			return s.Catalogs.Catalogs(sys, opt)
		})
		var got []string
		for _, it := range paged {
			got = append(got, it.DisplayName+"/"+it.ID)
		}
		var wantKeys []string
		for _, it := range want {
			wantKeys = append(wantKeys, it.DisplayName+"/"+it.ID)
		}
		if strings.Join(got, " ") != strings.Join(wantKeys, " ") {
			t.Errorf("$orderby=%s:\n got %v\nwant %v", c.orderBy, got, wantKeys)
		}
	}
}

func cmpOr(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

// TestOrderByRefusals: unknown properties, bad directions and a token
// from another order are 400s naming the option.
func TestOrderByRefusals(t *testing.T) {
	s, sys := newTestStore(t)
	for i := 0; i < 3; i++ {
		mustOK(t, s.Catalogs.CreateCatalog(sys, &entitled.Catalog{DisplayName: fmt.Sprint("c", i)}))
	}
	for _, ob := range []string{"nope", "displayName sideways", "displayName asc desc", "displayName,,id"} {
		_, err := s.Catalogs.Catalogs(sys, entitled.ListOptions{OrderBy: ob})
		if e := entitled.AsError(err); e == nil || e.Kind != entitled.KindInvalid || e.Target != "$orderby" {
			t.Errorf("$orderby=%s: %v, want a 400 on $orderby", ob, err)
		}
	}
	p, err := s.Catalogs.Catalogs(sys, entitled.ListOptions{Top: 1, OrderBy: "displayName desc"})
	mustOK(t, err)
	for _, ob := range []string{"", "displayName", "description desc"} {
		_, err = s.Catalogs.Catalogs(sys, entitled.ListOptions{Top: 1, OrderBy: ob, SkipToken: p.NextSkipToken})
		if e := entitled.AsError(err); e == nil || e.Target != "$skiptoken" {
			t.Errorf("token of displayName desc under $orderby=%q: %v, want a 400 on $skiptoken", ob, err)
		}
	}
}
