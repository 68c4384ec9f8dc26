package sqlstore

import (
	"context"
	"fmt"

	"github.com/entitled-dev/entitled"
)

// Browsing and testing a connected system call its connector, outside any
// transaction; they need the right to read systems.

// connectorOf loads a system (full config) and builds its connector, for
// those who may read systems, or (delegated) for owners of a catalog the
// system is delegated to.
func (s *SystemService) connectorOf(ctx context.Context, id string, delegated bool) (*entitled.ConnectedSystem, entitled.Connector, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	readErr := canReadSystems(a)
	if readErr != nil && !delegated {
		return nil, nil, readErr
	}
	var sys *entitled.ConnectedSystem
	if err := s.db.read(ctx, func(t *tx) (err error) {
		sys, err = s.findSystem(ctx, t, id)
		switch {
		case readErr == nil:
			return err
		case err != nil:
			return readErr // tell nothing of systems the caller may not read
		}
		return s.mayBrowseDelegated(ctx, t, a, sys, readErr)
	}); err != nil {
		return nil, nil, err
	}
	if s.connectors == nil {
		return nil, nil, entitled.Invalidf("no connectors are configured").WithKey("err.system.noConnectors")
	}
	conn, err := s.connectors.For(sys)
	if err != nil {
		return nil, nil, entitled.Invalidf("connected system %s: %v", sys.Name, err).WithKey("err.system.failed", "System", sys.Name, "Problem", err)
	}
	return sys, conn, nil
}

// SystemResources lists resources of a connected system whose connector can
// list them: for tenant administrators, and for the owners of a catalog the
// system is delegated to (what they may add).
func (s *SystemService) SystemResources(ctx context.Context, id, search string, opt entitled.ListOptions) (entitled.Page[entitled.ResourceInfo], error) {
	sys, conn, err := s.connectorOf(ctx, id, true)
	if err != nil {
		return entitled.Page[entitled.ResourceInfo]{}, err
	}
	lister, ok := conn.(entitled.ResourceLister)
	if !ok {
		return entitled.Page[entitled.ResourceInfo]{}, entitled.Invalidf(
			"connected systems of kind %s cannot list their resources; add a resource by its originId", sys.Kind).WithKey("err.system.cannotList", "Kind", sys.Kind)
	}
	pg, err := lister.ListResources(ctx, search, opt.SkipToken, opt.Limit())
	if err != nil {
		if e, ok := err.(*entitled.Error); ok {
			return entitled.Page[entitled.ResourceInfo]{}, e
		}
		return entitled.Page[entitled.ResourceInfo]{}, (&entitled.Error{Kind: entitled.KindUnavailable, Code: CodeSystemUnavailable,
			Message: fmt.Sprintf("listing the resources of %s failed: %s", sys.Name, connectorMessage(err))}).WithKey("err.system.listFailed", "System", sys.Name, "Problem", connectorMessage(err))
	}
	out := entitled.Page[entitled.ResourceInfo]{Items: pg.Resources, NextSkipToken: pg.Next}
	if out.Items == nil {
		out.Items = []entitled.ResourceInfo{}
	}
	return out, nil
}

// CheckSystem tests a connected system's connection and credentials.
func (s *SystemService) CheckSystem(ctx context.Context, id string) error {
	sys, conn, err := s.connectorOf(ctx, id, false)
	if err != nil {
		return err
	}
	checker, ok := conn.(entitled.Checker)
	if !ok {
		return entitled.Invalidf("connected systems of kind %s have no connection test", sys.Kind).WithKey("err.system.noConnectionTest", "Kind", sys.Kind)
	}
	if err := checker.Check(ctx); err != nil {
		if _, ok := err.(*entitled.DeliveryError); ok {
			return err
		}
		return entitled.TransientErrorf("%v", err)
	}
	return nil
}

// mayBrowseDelegated allows browsing a system to whoever may edit a catalog
// the system is delegated to; otherwise it returns refused.
func (s *SystemService) mayBrowseDelegated(ctx context.Context, t *tx, a *entitled.Actor, sys *entitled.ConnectedSystem, refused error) error {
	list := []*entitled.ConnectedSystem{sys}
	if err := t.loadSystemCatalogs(ctx, list); err != nil {
		return err
	}
	for _, cat := range sys.DelegatedCatalogIDs {
		if a.Can(entitled.OpEditCatalog, cat) {
			return nil
		}
	}
	return refused
}
