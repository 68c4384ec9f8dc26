package sqlstore

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// wantEqFilters checks a list's $filter: "prop eq value" finds exactly one
// item for each prop and value of matches, and "refused eq 'x'", on a
// property the list does not filter on, is a 400.
func wantEqFilters[T any](t *testing.T, list func(entitled.ListOptions) (entitled.Page[T], error), matches map[string]string, refused string) {
	t.Helper()
	for prop, val := range matches {
		p, err := list(entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: prop, Value: val}})
		mustOK(t, err)
		if len(p.Items) != 1 {
			t.Errorf("$filter %s: %d", prop, len(p.Items))
		}
	}
	_, err := list(entitled.ListOptions{Filter: entitled.Compare{Op: "eq", Property: refused, Value: "x"}})
	wantKind(t, err, entitled.KindInvalid)
}
