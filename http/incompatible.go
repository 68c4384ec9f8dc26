package http

import (
	"context"
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// Separation of duties of an access package, Graph-shaped:
// GET …/accessPackages/{id}/incompatibleAccessPackages (and
// incompatibleGroups, accessPackagesIncompatibleWith), POST …/$ref with
// {"@odata.id": ".../accessPackages/{id}"} or ".../groups/{id}", and
// DELETE …/{otherId}/$ref.

// incompatibleRoutes are the service calls behind one relation; add and
// remove are nil for a read-only one.
type incompatibleRoutes struct {
	list        func(ctx context.Context, packageID string) ([]any, error)
	add, remove func(ctx context.Context, packageID, otherID string) error
}

func (s *Server) registerIncompatible() {
	aps := s.svc.AccessPackages
	packages := func(list func(context.Context, string) ([]entitled.AccessPackage, error)) func(context.Context, string) ([]any, error) {
		return func(ctx context.Context, id string) ([]any, error) {
			ps, err := list(ctx, id)
			return wireItems(ps, toAccessPackage), err
		}
	}
	s.registerIncompatibleRelation("incompatibleAccessPackages", incompatibleRoutes{packages(aps.IncompatibleAccessPackages),
		aps.AddIncompatibleAccessPackage, aps.RemoveIncompatibleAccessPackage})
	s.registerIncompatibleRelation("accessPackagesIncompatibleWith", incompatibleRoutes{list: packages(aps.AccessPackagesIncompatibleWith)})
	s.registerIncompatibleRelation("incompatibleGroups", incompatibleRoutes{func(ctx context.Context, id string) ([]any, error) {
		gs, err := aps.IncompatibleGroups(ctx, id)
		return wireItems(gs, toGroup), err
	}, aps.AddIncompatibleGroup, aps.RemoveIncompatibleGroup})
}

func (s *Server) registerIncompatibleRelation(name string, rel incompatibleRoutes) {
	rt := s.routes
	base := emBase + "/accessPackages/{id}/" + name
	rt.handle("GET", base, func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := whole(odata.Parse(r.URL.Query()))
		if err != nil {
			return err
		}
		items, err := rel.list(r.Context(), p["id"])
		if err != nil {
			return err
		}
		return s.collection(w, r, emSet+"accessPackages('"+p["id"]+"')/"+name, items, "", nil, q.Select)
	})
	if rel.add == nil {
		return
	}
	rt.handle("POST", base+"/$ref", s.addRef(rel.add))
	rt.handle("DELETE", base+"/{other}/$ref", removeRef("other", rel.remove))
}
