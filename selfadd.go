package entitled

import (
	"fmt"
	"strings"
)

// SelfAddGroups returns the groups whose membership CheckSelfAdd needs to
// know for the user under the policy: the groups among its specific allowed
// targets, when self-add is enabled for specific users; else none.
func SelfAddGroups(p *AssignmentPolicy) []string {
	if !p.RequestorSettings.EnableTargetsToSelfAddAccess || p.AllowedTargetScope != ScopeSpecificDirectoryUsers {
		return nil
	}
	var ids []string
	for _, ss := range p.SpecificAllowedTargets {
		if ss.Type == SubjectGroupMembers {
			ids = append(ids, ss.GroupID)
		}
	}
	return ids
}

// CheckSelfAdd is the policy-eligibility rule: it returns nil when the user
// may request access for themself under the policy, or a 403 *Error saying
// why not. The policy must enable self-add, and its allowed targets must be
// all users or name the user, directly or through a group; memberOf holds
// the groups of SelfAddGroups the user is a member of.
func CheckSelfAdd(p *AssignmentPolicy, userID string, memberOf map[string]bool) error {
	if !p.RequestorSettings.EnableTargetsToSelfAddAccess {
		return Forbiddenf("policy %q does not let users request access for themselves", p.DisplayName).WithKey("err.request.noSelfRequest", "Policy", p.DisplayName)
	}
	if inTargetScope(p, userID, memberOf) {
		return nil
	}
	return Forbiddenf("you are not among the users allowed to request access under policy %q", p.DisplayName).WithKey("err.request.notAllowedRequestor", "Policy", p.DisplayName)
}

// inTargetScope reports whether the user is among the policy's allowed
// targets: all users, or the users and groups it names (memberOf holds the
// user's memberships of the named groups).
func inTargetScope(p *AssignmentPolicy, userID string, memberOf map[string]bool) bool {
	switch p.AllowedTargetScope {
	case ScopeAllMemberUsers, ScopeAllDirectoryUsers:
		return true
	case ScopeSpecificDirectoryUsers:
		return inSubjects(p.SpecificAllowedTargets, userID, memberOf, nil)
	}
	return false
}

// inSubjects reports whether the user is named by one of the subject sets:
// as a single user, as a member of a group (memberOf), or as the target's
// manager at the set's level (managers, level 1 first).
func inSubjects(sets []SubjectSet, userID string, memberOf map[string]bool, managers []string) bool {
	for _, ss := range sets {
		switch ss.Type {
		case SubjectSingleUser:
			if ss.UserID == userID {
				return true
			}
		case SubjectGroupMembers:
			if memberOf[ss.GroupID] {
				return true
			}
		case SubjectTargetManager:
			lvl := max(ss.ManagerLevel, 1)
			if lvl <= len(managers) && managers[lvl-1] == userID {
				return true
			}
		}
	}
	return false
}

// CheckRequestorInput is the rule for what a userAdd or userUpdate request
// brings under its policy: a justification where the policy requires one,
// and a custom schedule only where the policy allows one. It returns nil or
// a 400 *Error naming the field; administrators' requests are not bound by it.
func CheckRequestorInput(p *AssignmentPolicy, r *AssignmentRequest) error {
	if r.RequestType != RequestUserAdd && r.RequestType != RequestUserUpdate {
		return nil
	}
	if p.RequestApprovalSettings.IsRequestorJustificationRequired && strings.TrimSpace(r.Justification) == "" {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "justification",
			Message: fmt.Sprintf("policy %q requires a justification", p.DisplayName)}).WithKey("error.justificationRequired", "Policy", p.DisplayName)
	}
	if r.Schedule.IsCustom() && !p.RequestorSettings.AllowCustomAssignmentSchedule {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "schedule",
			Message: fmt.Sprintf("policy %q does not allow a custom schedule; leave schedule out", p.DisplayName)}).WithKey("error.noCustomSchedule", "Policy", p.DisplayName)
	}
	return nil
}

// IsCustom reports whether a request names its own schedule rather than
// taking its policy's.
func (s Schedule) IsCustom() bool {
	return s.StartDateTime != nil || s.Expiration.Type != ""
}
