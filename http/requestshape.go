package http

import (
	"github.com/entitled-dev/entitled"
)

// targetInput is a new request's assignment.target: Graph lets an
// administrator name a user not yet in the directory by email.
type targetInput struct {
	ObjectID string `json:"objectId"`
	Email    string `json:"email"`
}

// checkRequestShape refuses, naming the property, the request shapes of
// Graph's examples that entitled deliberately does not serve: a target
// named by email (entitled assigns users of its directory only) and an
// update that changes answers rather than the schedule. A target named by
// objectId stands for targetId.
func checkRequestShape(typ entitled.RequestType, in *requestInput) error {
	a := in.Assignment
	if t := a.Target; t != nil && a.TargetID == "" {
		if t.ObjectID == "" {
			return badProp("assignment.target", "a target named by email (a user not yet in the directory) is not supported: create the user, then name it in assignment.targetId").
				WithKey("api.targetByEmail")
		}
		a.TargetID = t.ObjectID
	}
	if (typ == entitled.RequestUserUpdate || typ == entitled.RequestAdminUpdate) && in.Schedule == nil {
		return badProp("schedule", "an update request changes the assignment's schedule: send schedule; answers cannot be changed after the request").
			WithKey("api.updateNeedsSchedule")
	}
	return nil
}
