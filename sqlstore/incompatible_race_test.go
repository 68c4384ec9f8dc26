package sqlstore

import (
	"context"
	"fmt"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestIncompatibleRequestsRace: one user asks for two incompatible packages
// at the same moment. Exactly one request passes; the other is refused with
// CodeIncompatible — when the two meet in one submit batch (the second runs
// after it), and when they run in two transactions as on two replicas (the
// submission locks the target's row, so the second sees the first's
// request).
func TestIncompatibleRequestsRace(t *testing.T) {
	t.Run("batched", func(t *testing.T) {
		raceIncompatible(t, func(f *lc, ctx context.Context, r *entitled.AssignmentRequest) error {
			return f.s.Requests.SubmitRequest(ctx, r)
		})
	})
	t.Run("two transactions", func(t *testing.T) {
		raceIncompatible(t, func(f *lc, ctx context.Context, r *entitled.AssignmentRequest) error {
			a, err := actor(ctx)
			if err != nil {
				return err
			}
			return f.s.Requests.submitAdd(ctx, a, r)
		})
	})
}

func raceIncompatible(t *testing.T, submit func(f *lc, ctx context.Context, r *entitled.AssignmentRequest) error) {
	f := newLC(t)
	other := f.otherPackage()
	otherPolicy := f.newPolicy(func(p *entitled.AssignmentPolicy) { p.AccessPackageID = other })
	f.must(f.s.AccessPackages.AddIncompatibleAccessPackage(f.sys, other, f.pkg))
	for i := range 25 {
		u := f.user(fmt.Sprintf("sod%d@example.com", i))
		ctx := f.as(u)
		policies := []string{f.policy, otherPolicy}
		errs := atOnce(len(policies), func(k int) error {
			return submit(f, ctx, &entitled.AssignmentRequest{RequestType: entitled.RequestUserAdd, AssignmentPolicyID: policies[k]})
		})
		passed := 0
		for _, err := range errs {
			if err == nil {
				passed++
				continue
			}
			wantCode(t, err, entitled.KindForbidden, entitled.CodeIncompatible)
		}
		if passed != 1 {
			t.Fatalf("round %d: %d of two incompatible requests passed (%v), want exactly one", i, passed, errs)
		}
	}
}
