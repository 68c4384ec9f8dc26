package sqlstore

import (
	"context"
	"slices"

	"github.com/entitled-dev/entitled"
)

// subscriptions returns the subscriptions' patterns, read once per
// transaction: an event that no subscription matches need not be built,
// and flushEvents then reads nothing again.
func (t *tx) subscriptions(ctx context.Context) ([]subscriptionPattern, error) {
	if t.subs == nil {
		subs, err := t.subscriptionPatterns(ctx)
		if err != nil {
			return nil, err
		}
		t.subs = &subs
	}
	return *t.subs, nil
}

// wantsEvents reports whether a subscription matches one of the event
// types: when none does, the events need not be emitted (nor what they
// tell read).
func (t *tx) wantsEvents(ctx context.Context, types ...string) (bool, error) {
	subs, err := t.subscriptions(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(subs, func(s subscriptionPattern) bool {
		return slices.ContainsFunc(types, func(typ string) bool { return entitled.Subscribed(s.events, typ) })
	}), nil
}
