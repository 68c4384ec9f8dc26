package entitled

import (
	"fmt"
	"time"
)

// UpdateRequestTypes are the request types that change an assignment
// (RequestType.IsUpdate).
var UpdateRequestTypes = kept(RequestTypes, RequestType.IsUpdate)

// IsUpdate reports whether the request changes an existing assignment
// (userUpdate, adminUpdate).
func (t RequestType) IsUpdate() bool {
	return t == RequestUserUpdate || t == RequestAdminUpdate
}

// CheckUpdate is the update-request rule, who and what: a userUpdate is by
// the assignment's target, under a policy that lets targets update their
// access (enableTargetsToSelfUpdateAccess); an adminUpdate needs
// OpDirectAssign in the assignment's catalog; either updates a delivered
// assignment only. It returns nil, a 403 or a 400 *Error.
func CheckUpdate(a *Actor, p *AssignmentPolicy, as *Assignment, typ RequestType) error {
	switch typ {
	case RequestUserUpdate:
		if a.User.ID != as.TargetID {
			return Forbiddenf("a userUpdate changes the caller's own assignment; use adminUpdate to change someone else's").WithKey("err.request.ownUpdateOnly")
		}
		if !p.RequestorSettings.EnableTargetsToSelfUpdateAccess {
			return Forbiddenf("policy %q does not let users update their own access", p.DisplayName).WithKey("err.request.noSelfUpdate", "Policy", p.DisplayName)
		}
	case RequestAdminUpdate:
		if err := a.Authorize(OpDirectAssign, as.CatalogID); err != nil {
			return err
		}
	default:
		return Invalidf("requestType %s does not update an assignment", typ).WithKey("err.request.notAnUpdate", "Type", typ)
	}
	if as.State != AssignmentDelivered {
		return (&Error{Kind: KindInvalid, Code: CodeBadRequest, Target: "assignment.id",
			Message: fmt.Sprintf("assignment %s is %s; only a delivered assignment can be updated", as.ID, as.State)}).WithKey("err.request.notUpdatable", "ID", as.ID, "State", as.State)
	}
	return nil
}

// UpdatedSchedule is the schedule-limit rule of an update: the assignment
// keeps its start; its new end is counted from now, as the request's
// schedule.expiration says or, when it says nothing, by the policy's
// expiration again (an extension), and never later than the policy allows
// from now (RequestSchedule's limits). A new start is refused. The end is
// stored as a date (afterDateTime), or noExpiration.
func UpdatedSchedule(policy Expiration, current, requested Schedule, now time.Time) (Schedule, error) {
	if requested.StartDateTime != nil {
		return current, badSchedule("schedule.startDateTime", "an update cannot move the start of access that is already granted; leave schedule.startDateTime out").WithKey("err.schedule.startFixed")
	}
	checked, err := RequestSchedule(policy, Schedule{Expiration: requested.Expiration}, now)
	if err != nil {
		return current, err
	}
	out := Schedule{StartDateTime: current.StartDateTime, Expiration: Expiration{Type: ExpirationNone}}
	if end := checked.Expiration.EndFrom(now); end != nil {
		out.Expiration = Expiration{Type: ExpirationAfterDate, EndDateTime: end}
	}
	return out, nil
}

// RequiresApprovalFor reports whether a request of type typ under the
// policy waits for approval: a userAdd when isApprovalRequiredForAdd, a
// userUpdate when isApprovalRequiredForUpdate; administrators' requests
// never do.
func (p *AssignmentPolicy) RequiresApprovalFor(typ RequestType) bool {
	switch typ {
	case RequestUserAdd:
		return p.RequiresApproval()
	case RequestUserUpdate:
		return p.RequestApprovalSettings.IsApprovalRequiredForUpdate && len(p.RequestApprovalSettings.Stages) > 0
	}
	return false
}
