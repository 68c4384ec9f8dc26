package ui

import (
	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/i18n"
)

// maxApproverResults bounds the users, and the groups, one approver
// search shows.
const maxApproverResults = 10

// findApprovers lists who may be picked as an approver for the text: the
// requestor's manager, then the enabled users whose display name, user
// principal name or mail starts with it, then the groups whose display
// name does; those the list has already are left out.
func (h *handler) findApprovers(c *call, l *approverList) error {
	chosen := map[string]bool{}
	for _, ch := range l.Chosen {
		chosen[ch.Value] = true
	}
	var out []approverChoice
	add := func(ch approverChoice) {
		if !chosen[ch.Value] {
			out = append(out, ch)
		}
	}
	add(approverChoice{Value: "manager", Name: c.T("approver.manager"), Detail: c.T("policyedit.managerDetail")})
	starts := func(prop string) entitled.Expr {
		return entitled.Call{Func: "startswith", Property: prop, Value: l.Query}
	}
	users, err := h.svc.Users.Users(c.ctx, entitled.ListOptions{Top: maxApproverResults, OrderBy: "displayName",
		Filter: entitled.Logical{Op: "and", Left: entitled.Compare{Op: "eq", Property: "accountEnabled", Value: true},
			Right: entitled.Logical{Op: "or", Left: starts("displayName"),
				Right: entitled.Logical{Op: "or", Left: starts("userPrincipalName"), Right: starts("mail")}}}})
	if err != nil {
		return err
	}
	for _, u := range users.Items {
		add(approverChoice{Value: subjectValue(entitled.SubjectSet{Type: entitled.SubjectSingleUser, UserID: u.ID}), Name: u.DisplayName,
			Detail: joinNonEmpty(", ", u.UserPrincipalName, u.Mail)})
	}
	groups, err := h.svc.Groups.Groups(c.ctx, entitled.ListOptions{Top: maxApproverResults, OrderBy: "displayName", Filter: starts("displayName")})
	if err != nil {
		return err
	}
	for _, g := range groups.Items {
		add(approverChoice{Value: subjectValue(entitled.SubjectSet{Type: entitled.SubjectGroupMembers, GroupID: g.ID}),
			Name: c.T("approver.groupMembers", i18n.V("Group", g.DisplayName)), Detail: c.T("policyedit.groupDetail")})
	}
	l.Searched, l.Results = true, out
	return nil
}

// nameApprovers gives every chosen approver of the form its words, the
// way the Policies tab names them.
func (h *handler) nameApprovers(c *call, f *policyForm) error {
	var stage entitled.ApprovalStage
	lists := f.lists()
	for _, l := range lists {
		for _, ch := range l.Chosen {
			if s, ok := parseSubject(ch.Value); ok {
				stage.PrimaryApprovers = append(stage.PrimaryApprovers, s)
			}
		}
	}
	names, err := h.approverNamer(c, []entitled.AssignmentPolicy{{RequestApprovalSettings: entitled.ApprovalSettings{Stages: []entitled.ApprovalStage{stage}}}})
	if err != nil {
		return err
	}
	for _, l := range lists {
		for i, ch := range l.Chosen {
			s, ok := parseSubject(ch.Value)
			if !ok {
				l.Chosen[i].Name = ch.Value
				continue
			}
			l.Chosen[i].Name = names([]entitled.SubjectSet{s})[0]
		}
	}
	return nil
}

// joinNonEmpty joins the non-empty texts with sep.
func joinNonEmpty(sep string, texts ...string) string {
	out := ""
	for _, t := range texts {
		if t == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += t
	}
	return out
}
