package http

import (
	"context"
	"net/http"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// Members and owners of a group, Graph-shaped: GET …/{relation},
// POST …/{relation}/$ref with {"@odata.id": ".../users/{id}"}, and
// DELETE …/{relation}/{userId}/$ref. An owner of a group may add it to the
// catalogs they own.

// groupRelationRoutes are the service calls behind one relation.
type groupRelationRoutes struct {
	list   func(ctx context.Context, groupID string, opt entitled.ListOptions) (entitled.Page[entitled.User], error)
	add    func(ctx context.Context, groupID, userID string) error
	remove func(ctx context.Context, groupID, userID string) error
}

func (s *Server) registerGroupRelations() {
	s.registerGroupRelation("members", groupRelationRoutes{s.svc.Groups.GroupMembers, s.svc.Groups.AddGroupMember, s.svc.Groups.RemoveGroupMember})
	s.registerGroupRelation("owners", groupRelationRoutes{s.svc.Groups.GroupOwners, s.svc.Groups.AddGroupOwner, s.svc.Groups.RemoveGroupOwner})
}

func (s *Server) registerGroupRelation(name string, rel groupRelationRoutes) {
	rt := s.routes
	base := "/v1.0/groups/{id}/" + name
	rt.handle("GET", base, func(w http.ResponseWriter, r *http.Request, p params) error {
		q, err := odata.Parse(r.URL.Query())
		if err != nil {
			return err
		}
		pg, err := rel.list(r.Context(), p["id"], q.List)
		if err != nil {
			return err
		}
		return writePage(s, w, r, "directoryObjects", pg, q.Select, func(u entitled.User) (any, error) {
			return struct {
				Type string `json:"@odata.type"`
				userWire
			}{"#microsoft.graph.user", toUser(u)}, nil
		})
	})
	rt.handle("POST", base+"/$ref", s.addRef(rel.add))
	rt.handle("DELETE", base+"/{userId}/$ref", removeRef("userId", rel.remove))
}
