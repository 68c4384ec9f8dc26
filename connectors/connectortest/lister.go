package connectortest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/entitled-dev/entitled"
)

// ListerTarget is a resource lister with known resources behind it.
type ListerTarget struct {
	Lister entitled.ResourceLister
	// Want are origin ids the lister must list; at least 3, so that pages of
	// 2 split them.
	Want []string
	// Hidden are origin ids that exist in the system but that the system's
	// config filters out; they must never be listed.
	Hidden []string
	// Search is a search string; SearchWant are the ids of Want it matches,
	// and it matches no other id of Want.
	Search     string
	SearchWant []string
}

// listAll pages through ListResources with the given page size.
func listAll(t *testing.T, l entitled.ResourceLister, search string, limit int) []entitled.ResourceInfo {
	t.Helper()
	return pageThrough(t, 10000, func(page int, token string) ([]entitled.ResourceInfo, string) {
		p, err := l.ListResources(context.Background(), search, token, limit)
		if err != nil {
			t.Fatalf("ListResources(%q, page %d): %v", search, page, err)
		}
		if len(p.Resources) > limit {
			t.Fatalf("page of %d resources for limit %d", len(p.Resources), limit)
		}
		return p.Resources, p.Next
	})
}

// pageThrough collects the pages fetch returns, from the first (token "")
// until one has no next token; a token that repeats, or more than max
// pages, fails the test.
func pageThrough[T any](t *testing.T, max int, fetch func(page int, token string) ([]T, string)) []T {
	t.Helper()
	var all []T
	token := ""
	for page := 0; ; page++ {
		if page > max {
			t.Fatalf("more than %d pages: the page token does not advance", max)
		}
		items, next := fetch(page, token)
		all = append(all, items...)
		if next == "" {
			return all
		}
		if next == token {
			t.Fatalf("page token %q repeats", token)
		}
		token = next
	}
}

func ids(rs []entitled.ResourceInfo) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.OriginID
	}
	return out
}

// RunLister checks discovery: paging with a small limit lists every wanted
// resource exactly once and no hidden one, each with a name and a role;
// search narrows the list; a malformed page token is a 400 error.
func RunLister(t *testing.T, newTarget func(t *testing.T) ListerTarget) {
	t.Run("PagesCoverAll", func(t *testing.T) {
		tg := newTarget(t)
		if len(tg.Want) < 3 {
			t.Fatalf("the target names %d wanted resources, need at least 3", len(tg.Want))
		}
		all := listAll(t, tg.Lister, "", 2)
		got := ids(all)
		seen := map[string]bool{}
		for _, id := range got {
			if seen[id] {
				t.Errorf("resource %q listed twice", id)
			}
			seen[id] = true
		}
		for _, id := range tg.Want {
			if !seen[id] {
				t.Errorf("resource %q not listed (listed: %v)", id, got)
			}
		}
		for _, id := range tg.Hidden {
			if seen[id] {
				t.Errorf("resource %q is filtered out by the config but was listed", id)
			}
		}
		for _, r := range all {
			if r.DisplayName == "" || len(r.Roles) == 0 {
				t.Errorf("resource %+v lacks a display name or roles", r)
			}
		}
		// The same listing in one page agrees with the paged one.
		one := ids(listAll(t, tg.Lister, "", 1000))
		if !slices.Equal(one, got) {
			t.Errorf("paged listing %v differs from the single-page listing %v", got, one)
		}
	})
	t.Run("LimitBoundsPage", func(t *testing.T) {
		tg := newTarget(t)
		p, err := tg.Lister.ListResources(context.Background(), "", "", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Resources) != 1 || p.Next == "" {
			t.Fatalf("limit 1 gave %d resources and next %q, want 1 and a token", len(p.Resources), p.Next)
		}
	})
	t.Run("SearchNarrows", func(t *testing.T) {
		tg := newTarget(t)
		got := ids(listAll(t, tg.Lister, tg.Search, 2))
		for _, id := range tg.SearchWant {
			if !slices.Contains(got, id) {
				t.Errorf("search %q did not list %q (listed: %v)", tg.Search, id, got)
			}
		}
		for _, id := range tg.Want {
			if !slices.Contains(tg.SearchWant, id) && slices.Contains(got, id) {
				t.Errorf("search %q listed %q, which it does not match", tg.Search, id)
			}
		}
		for _, id := range tg.Hidden {
			if slices.Contains(got, id) {
				t.Errorf("search %q listed the filtered-out %q", tg.Search, id)
			}
		}
	})
	t.Run("BadPageTokenIsRejected", func(t *testing.T) {
		tg := newTarget(t)
		_, err := tg.Lister.ListResources(context.Background(), "", "%%not a token%%", 2)
		var e *entitled.Error
		if !errors.As(err, &e) || e.Kind != entitled.KindInvalid || e.Message == "" {
			t.Fatalf("malformed page token: %v, want a 400 *entitled.Error", err)
		}
	})
}
