package entitled

import "fmt"

// OnBehalfFacts are what the on-behalf rule needs to know about a request
// by one user for another: the requestor's memberships of the groups among
// the policy's on-behalf requestors, the target's memberships of the groups
// among its allowed targets (OnBehalfGroups lists both), and the target's
// managers, level 1 first, as deep as its targetManager sets go
// (OnBehalfManagerLevels).
type OnBehalfFacts struct {
	RequestorMemberOf map[string]bool
	TargetMemberOf    map[string]bool
	TargetManagers    []string
}

// OnBehalfGroups returns the groups whose membership CheckOnBehalf needs:
// of the requestor (among the on-behalf requestors) and of the target
// (among the specific allowed targets).
func OnBehalfGroups(p *AssignmentPolicy) (requestor, target []string) {
	groupsOf := func(sets []SubjectSet) []string {
		var ids []string
		for _, ss := range sets {
			if ss.Type == SubjectGroupMembers {
				ids = append(ids, ss.GroupID)
			}
		}
		return ids
	}
	requestor = groupsOf(p.RequestorSettings.OnBehalfRequestors)
	if p.AllowedTargetScope == ScopeSpecificDirectoryUsers {
		target = groupsOf(p.SpecificAllowedTargets)
	}
	return requestor, target
}

// OnBehalfManagerLevels is how many levels of the target's managers
// CheckOnBehalf needs: the deepest targetManager set of the policy.
func OnBehalfManagerLevels(p *AssignmentPolicy) int {
	n := 0
	for _, ss := range p.RequestorSettings.OnBehalfRequestors {
		if ss.Type == SubjectTargetManager {
			n = max(n, ss.ManagerLevel, 1)
		}
	}
	return n
}

// CheckOnBehalf is the on-behalf rule: a userAdd for someone else is
// allowed when the policy enables on-behalf requests
// (enableOnBehalfRequestorsToAddAccess), the requestor is among its
// onBehalfRequestors (a user it names, a member of a group it names, or the
// target's manager at a targetManager set's level), and the target is
// among its allowed targets. It returns nil, a 400 on assignment.targetId
// when the policy does not enable on-behalf requests, or a 403 saying which
// other condition failed.
func CheckOnBehalf(p *AssignmentPolicy, requestorID, targetID string, f OnBehalfFacts) error {
	if !p.RequestorSettings.EnableOnBehalfRequestorsToAddAccess {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "assignment.targetId",
			Message: fmt.Sprintf("a userAdd request is for the caller: policy %q does not enable on-behalf requests; use adminAdd to assign someone else", p.DisplayName)}).
			WithKey("error.noOnBehalf", "Policy", p.DisplayName)
	}
	if !inSubjects(p.RequestorSettings.OnBehalfRequestors, requestorID, f.RequestorMemberOf, f.TargetManagers) {
		return Forbiddenf("you are not among the users who may request access on behalf of user %s under policy %q", targetID, p.DisplayName).
			WithKey("error.notOnBehalfRequestor", "Policy", p.DisplayName, "User", targetID)
	}
	if !inTargetScope(p, targetID, f.TargetMemberOf) {
		return Forbiddenf("user %s is not among the users allowed to get access under policy %q", targetID, p.DisplayName).
			WithKey("error.targetNotAllowed", "Policy", p.DisplayName, "User", targetID)
	}
	return nil
}
