package scim

import (
	"strings"
	"unicode"

	"github.com/entitled-dev/entitled"
)

// groupSchema is the schema URI of a SCIM Group (RFC 7643 §4.2).
const groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"

// The connector manages SCIM Groups only, each named by its id as one path
// segment of /Groups/{id}. The scim kind has no setting that narrows which
// groups are manageable: every Group the token may write is in scope.

// checkGroupID refuses a group id that a server, or a proxy in front of it,
// could resolve to something other than one Group: ".", "..", an id holding
// a slash or backslash (escaped, but decoded by some servers before
// routing), or control characters.
func checkGroupID(id string) error {
	bad := id == "." || id == ".." || strings.ContainsAny(id, `/\`) ||
		strings.IndexFunc(id, unicode.IsControl) >= 0
	if bad {
		return entitled.PermanentErrorf("%q is not a SCIM group id: an id is one path segment, not \".\" or \"..\", without slashes, backslashes or control characters", id)
	}
	return nil
}

// checkGroup refuses what a server answered for GET /Groups/{id} when it is
// not that Group: another resource type, or another id.
func checkGroup(id string, g groupJSON) error {
	if len(g.Schemas) > 0 && !containsFold(g.Schemas, groupSchema) {
		return entitled.PermanentErrorf("the SCIM server answered for group id %q with a resource that is not a Group (schemas %s)",
			id, strings.Join(g.Schemas, ", "))
	}
	if g.ID != "" && !strings.EqualFold(g.ID, id) {
		return entitled.PermanentErrorf("the SCIM server answered for group id %q with the group %q", id, g.ID)
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
