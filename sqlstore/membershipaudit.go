package sqlstore

// membershipSnapshot is the state an event of membership changes records:
// the group and every user added to it (or removed from it) by one batch.
type membershipSnapshot struct {
	GroupID string   `json:"groupId"`
	UserIDs []string `json:"userIds"`
}

// membershipAudits are the audit events of the membership rows a batch
// changed: one per group, listing its users in the order of the changes,
// groups in the order they first appear. The group's history (its events
// by target id) so proves every membership added or removed, by whom and
// when, at one event per group per batch instead of one per member (the
// disk a delivered request takes, docs/design.md "Audit").
func membershipAudits(pairs []membershipPair, changed map[membershipPair]bool, add bool, groupNames map[string]string) []auditEntry {
	var groups []string
	users := map[string][]string{}
	for _, p := range pairs {
		if !changed[p] {
			continue
		}
		if _, seen := users[p.GroupID]; !seen {
			groups = append(groups, p.GroupID)
		}
		users[p.GroupID] = append(users[p.GroupID], p.UserID)
	}
	entries := make([]auditEntry, 0, len(groups))
	for _, g := range groups {
		snap := membershipSnapshot{GroupID: g, UserIDs: users[g]}
		e := auditEntry{Activity: "Remove member from group", Operation: "Delete", TargetID: g,
			TargetType: "Group", TargetName: groupNames[g], Before: snap}
		if add {
			e.Activity, e.Operation, e.Before, e.After = "Add member to group", "Add", nil, snap
		}
		entries = append(entries, e)
	}
	return entries
}
