package ui

// nameOutcomes fills in who each outcome is for: targets maps the id of
// each outcome's request or assignment (idOf) to its target user, whose
// name one query loads. An outcome whose id targets lacks keeps no name.
func (h *handler) nameOutcomes(c *call, outs []outcome, targets map[string]string, idOf func(outcome) string) {
	uids := make([]string, 0, len(targets))
	for _, u := range targets {
		uids = append(uids, u)
	}
	users, err := h.loadUsers(c.ctx, uids)
	if err != nil {
		return
	}
	l := &lookups{loc: c.loc, users: users}
	for i := range outs {
		if u, ok := targets[idOf(outs[i])]; ok {
			outs[i].Who = l.person(u).Name
		}
	}
}
