package sqlstore

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// pageThrough lists from opt and follows $skiptoken to the last page. It
// returns every item in page order and how many pages it took. Where opt
// asks for a count, every page must carry the total of items paged; paging
// that does not end within 1000 pages fails the test.
func pageThrough[T any](t *testing.T, opt entitled.ListOptions, list func(entitled.ListOptions) (entitled.Page[T], error)) (items []T, pages int) {
	t.Helper()
	var counts []*int
	for {
		if pages == 1000 {
			t.Fatalf("paging with %+v does not end", opt)
		}
		p, err := list(opt)
		mustOK(t, err)
		pages++
		counts = append(counts, p.Count)
		items = append(items, p.Items...)
		if p.NextSkipToken == "" {
			break
		}
		opt.SkipToken = p.NextSkipToken
	}
	for i, c := range counts {
		if opt.Count && (c == nil || *c != len(items)) {
			t.Fatalf("page %d: count %v, want %d", i+1, c, len(items))
		}
	}
	return items, pages
}
