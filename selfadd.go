package entitled

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
		return Forbiddenf("policy %q does not let users request access for themselves", p.DisplayName)
	}
	switch p.AllowedTargetScope {
	case ScopeAllMemberUsers, ScopeAllDirectoryUsers:
		return nil
	case ScopeSpecificDirectoryUsers:
		for _, ss := range p.SpecificAllowedTargets {
			switch ss.Type {
			case SubjectSingleUser:
				if ss.UserID == userID {
					return nil
				}
			case SubjectGroupMembers:
				if memberOf[ss.GroupID] {
					return nil
				}
			}
		}
	}
	return Forbiddenf("you are not among the users allowed to request access under policy %q", p.DisplayName)
}
