package sqlstore

import (
	"fmt"
	"strings"

	"github.com/entitled-dev/entitled"
)

// assignmentsOfCaller are the conditions of filterByCurrentUser(on=…) on
// assignments, on the caller's id: their own, or those whose add request
// they made.
var assignmentsOfCaller = map[string]string{
	strings.ToLower(entitled.OnTarget):    "target_id = ?",
	strings.ToLower(entitled.OnCreatedBy): "id IN (SELECT assignment_id FROM assignment_requests WHERE requestor_id = ? AND request_type IN ('userAdd', 'adminAdd'))",
}

// assignmentScope is the condition of an assignment list before $filter:
// what the caller may see (their own, and those of catalogs where they hold
// OpViewRequests), narrowed by filterByCurrentUser and additionalAccess.
func assignmentScope(a *entitled.Actor, q entitled.AssignmentQuery) (string, []any, error) {
	var conds []string
	var args []any
	on := strings.ToLower(q.FilterByCurrentUser)
	if c, ok := assignmentsOfCaller[on]; ok {
		conds = append(conds, c)
		args = append(args, a.User.ID)
	} else if on != "" {
		return "", nil, (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "on",
			Message: fmt.Sprintf("filterByCurrentUser(on=%q) is not supported for assignments; use target or createdBy", q.FilterByCurrentUser)}).WithKey("err.assignment.badCurrentUserFilter", "On", q.FilterByCurrentUser)
	} else if all, cats := visibleCatalogs(a); !all {
		vis := "target_id = ?"
		args = append(args, a.User.ID)
		if len(cats) > 0 {
			vis += " OR catalog_id IN (" + inList(len(cats)) + ")"
			for _, c := range cats {
				args = append(args, c)
			}
		}
		conds = append(conds, vis)
	}
	if (q.AccessPackageID == "") != (q.IncompatibleAccessPackageID == "") {
		return "", nil, entitled.Invalidf("additionalAccess needs both accessPackageId and incompatibleAccessPackageId").WithKey("err.assignment.additionalAccessArgs")
	}
	if q.AccessPackageID != "" {
		conds = append(conds, "access_package_id = ? AND state <> 'expired' AND target_id IN "+
			"(SELECT target_id FROM assignments WHERE access_package_id = ? AND state <> 'expired')")
		args = append(args, q.AccessPackageID, q.IncompatibleAccessPackageID)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return "(" + strings.Join(conds, ") AND (") + ")", args, nil
}
