package http

// targetInput is a new request's assignment.target: Graph lets an
// administrator name a user not yet in the directory by email.
type targetInput struct {
	ObjectID string `json:"objectId"`
	Email    string `json:"email"`
}

// checkRequestShape refuses, naming the property, the request shape of
// Graph's examples that entitled deliberately does not serve: a target
// named by email (entitled assigns users of its directory only). A target
// named by objectId stands for targetId.
func checkRequestShape(in *requestInput) error {
	a := in.Assignment
	if t := a.Target; t != nil && a.TargetID == "" {
		if t.ObjectID == "" {
			return badProp("assignment.target", "a target named by email (a user not yet in the directory) is not supported: create the user, then name it in assignment.targetId").
				WithKey("api.targetByEmail")
		}
		a.TargetID = t.ObjectID
	}
	return nil
}
