package main

import (
	"context"
	"fmt"
	"testing"
)

// mustBenchPackage creates a bench package (see benchPackage) holding the
// Member role of one resource of a connected system, and returns the
// package and its policy.
func mustBenchPackage(tb testing.TB, ctx context.Context, a *app, system, originID string) (pkg, policy string) {
	tb.Helper()
	pkg, policy, err := benchPackage(ctx, a.services, []benchResource{{System: system, OriginID: originID, Role: "Member"}})
	if err != nil {
		tb.Fatal(err)
	}
	return pkg, policy
}

// exampleUsers creates the entitled users uid@example.org of the uids (as
// slapd's users are named) and returns their ids.
func exampleUsers(tb testing.TB, ctx context.Context, a *app, uids []string) []string {
	tb.Helper()
	upns := make([]string, len(uids))
	for i, uid := range uids {
		upns[i] = uid + "@example.org"
	}
	users, err := benchUsers(ctx, a.services, upns)
	if err != nil {
		tb.Fatal(err)
	}
	return users
}

// numbered is n names made of format and 0…n-1, as numbered("u%d", 2) is
// u0, u1.
func numbered(format string, n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf(format, i)
	}
	return names
}
