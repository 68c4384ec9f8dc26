package ui

import (
	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// approverNamer names the approvers of policies in plain words (users with
// their user principal name, "members of" a group, the requestor's
// manager): users in one query, groups one by one (few).
func (h *handler) approverNamer(c *call, pols []entitled.AssignmentPolicy) (func([]entitled.SubjectSet) []string, error) {
	var uids []string
	for _, pol := range pols {
		for _, st := range pol.RequestApprovalSettings.Stages {
			for _, set := range [][]entitled.SubjectSet{st.PrimaryApprovers, st.FallbackPrimaryApprovers, st.EscalationApprovers, st.FallbackEscalationApprovers} {
				for _, s := range set {
					uids = append(uids, s.UserID)
				}
			}
		}
	}
	users, err := h.loadUsers(c.ctx, uids)
	if err != nil {
		return nil, err
	}
	l := &lookups{loc: c.loc, users: users}
	groups := map[string]string{}
	name := func(s entitled.SubjectSet) string {
		switch s.Type {
		case entitled.SubjectSingleUser:
			pr := l.person(s.UserID)
			if pr.UPN != "" {
				return pr.Name + " (" + pr.UPN + ")"
			}
			return pr.Name
		case entitled.SubjectGroupMembers:
			if _, ok := groups[s.GroupID]; !ok {
				groups[s.GroupID] = c.T("approver.unknownGroup", i18n.V("ID", s.GroupID))
				if g, err := h.svc.Groups.Group(c.ctx, s.GroupID); err == nil {
					groups[s.GroupID] = g.DisplayName
				}
			}
			return c.T("approver.groupMembers", i18n.V("Group", groups[s.GroupID]))
		case entitled.SubjectRequestorManager:
			if s.ManagerLevel > 1 {
				return c.T("approver.managerLevel", i18n.V("Level", s.ManagerLevel))
			}
			return c.T("approver.manager")
		}
		return firstNonEmpty(s.Description, s.Type)
	}
	return func(set []entitled.SubjectSet) []string {
		var out []string
		for _, s := range set {
			out = append(out, name(s))
		}
		return out
	}, nil
}
