package entitled

// TokenScopeSCIM is the scope of a provisioning token: it may call the SCIM
// endpoint (/scim/v2) to manage users and groups, and nothing else.
const TokenScopeSCIM = "scim"

// ScopeAllows reports whether a token of scope may perform op: a full token
// ("") everything its user may, a SCIM token only OpManageUsers, an unknown
// scope nothing. Scopes narrow the user's roles, never widen them.
func ScopeAllows(scope string, op Op) bool {
	switch scope {
	case "":
		return true
	case TokenScopeSCIM:
		return op == OpManageUsers
	}
	return false
}

// ScopeAllowsRoute reports whether a token of scope may call a route: the
// SCIM endpoint accepts only SCIM tokens, every other route only full tokens
// (403 otherwise), so a provisioning token leaked from an identity provider
// opens nothing but provisioning.
func ScopeAllowsRoute(scope string, scimRoute bool) bool {
	if scimRoute {
		return scope == TokenScopeSCIM
	}
	return scope == ""
}
