package sqlstore

import (
	"strings"

	"github.com/entitled-dev/entitled"
)

// userInsertFailed words the refusal of a user's INSERT whose check
// another transaction made false after insertUser made it (two creations
// with one externalId or userPrincipalName at once; the manager deleted
// meanwhile): a 409 or a 400, never a 500. Other errors pass unchanged.
func userInsertFailed(err error, u *entitled.User) error {
	switch {
	case isUniqueViolation(err) && strings.Contains(err.Error(), "external_id"):
		return (&entitled.Error{Kind: entitled.KindConflict, Code: entitled.CodeConflict, Target: "externalId",
			Message: "another user already has externalId " + quoteStr(u.ExternalID) + "; externalIds are unique"}).WithKey("err.user.externalIdInUse", "ExternalID", u.ExternalID)
	case isUniqueViolation(err):
		return dupUPN(u.UserPrincipalName)
	case isForeignKeyViolation(err):
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "manager",
			Message: "manager " + u.ManagerID + " does not exist in the directory"}).WithKey("err.user.managerGone", "ID", u.ManagerID)
	}
	return err
}

// isForeignKeyViolation reports whether err is a foreign-key failure.
func isForeignKeyViolation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "violates foreign key constraint")
}
