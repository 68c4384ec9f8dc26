package connectortest

import (
	"context"
	"slices"
	"testing"

	"github.com/entitled-dev/entitled"
)

// allMembers pages through a MemberLister's members of the grant's role.
func allMembers(t *testing.T, l entitled.MemberLister, g entitled.Grant) []string {
	t.Helper()
	return pageThrough(t, 100000, func(page int, token string) ([]string, string) {
		p, err := l.Members(context.Background(), g.Resource, g.Role, token)
		if err != nil {
			t.Fatalf("Members(page %d): %v", page, err)
		}
		return p.Members, p.Next
	})
}

// RunMembers checks reconciliation reads (entitled.MemberLister): the
// target's members of a role list the granted subject under the key
// MemberKeys gives it, and no longer once RemoveMember removed that key
// (twice: removing a member gone is success).
func RunMembers(t *testing.T, newTarget func(t *testing.T) Target) {
	ctx := context.Background()
	t.Run("MembersFollowGrantAndRevoke", func(t *testing.T) {
		tg := newTarget(t)
		l, ok := tg.Connector.(entitled.MemberLister)
		if !ok {
			t.Fatalf("%T does not implement entitled.MemberLister", tg.Connector)
		}
		keys, err := l.MemberKeys(ctx, tg.Grant.Role, []entitled.Subject{tg.Grant.Subject})
		if err != nil || len(keys) != 1 || keys[0] == "" {
			t.Fatalf("MemberKeys = %q, %v; want one key", keys, err)
		}
		if slices.Contains(allMembers(t, l, tg.Grant), keys[0]) {
			t.Fatalf("%s is listed before the grant", keys[0])
		}
		if err := tg.Connector.Grant(ctx, tg.Grant); err != nil {
			t.Fatal(err)
		}
		if got := allMembers(t, l, tg.Grant); !slices.Contains(got, keys[0]) {
			t.Fatalf("members %q after the grant do not list %s", got, keys[0])
		}
		for i := 1; i <= 2; i++ {
			if err := l.RemoveMember(ctx, tg.Grant.Resource, tg.Grant.Role, keys[0]); err != nil {
				t.Fatalf("RemoveMember %d: %v", i, err)
			}
		}
		if got := allMembers(t, l, tg.Grant); slices.Contains(got, keys[0]) {
			t.Fatalf("members %q still list %s after RemoveMember", got, keys[0])
		}
		if tg.Holds(t) {
			t.Fatal("the subject still holds the role after RemoveMember")
		}
	})
}
