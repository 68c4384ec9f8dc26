package http

import (
	"context"

	"github.com/entitled-dev/entitled"
)

// inferPolicy fills a userAdd request's missing assignmentPolicyId as Graph
// does (its "answers to questions" example names only the package): with the
// one policy under which the caller may request the package for themself.
// When several let them, the request must name one (400); when none does,
// the store's own refusal answers.
func (s *Server) inferPolicy(ctx context.Context, ar *entitled.AssignmentRequest) error {
	if ar.RequestType != entitled.RequestUserAdd || ar.AssignmentPolicyID != "" || ar.AccessPackageID == "" {
		return nil
	}
	pols, err := s.svc.Policies.RequestablePolicies(ctx, ar.AccessPackageID)
	if err != nil {
		return err
	}
	switch len(pols) {
	case 0:
		return nil
	case 1:
		ar.AssignmentPolicyID = pols[0].ID
		return nil
	}
	return badProp("assignment.assignmentPolicyId", "several policies let you request this access package: name one in assignment.assignmentPolicyId (getApplicablePolicyRequirements lists them)").
		WithKey("api.policyAmbiguous")
}
