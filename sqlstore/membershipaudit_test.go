package sqlstore_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// perMember splits the audit line c (auditRows' columns) of an event of
// membership changes into one line per member, each with the snapshot of
// that one member, so the model (applyOneByOne) compares fact by fact.
// Other events give their line as it is.
func perMember(c [9]string) []string {
	var snap struct {
		GroupID string   `json:"groupId"`
		UserIDs []string `json:"userIds"`
	}
	state := &c[8]
	if c[1] == "Delete" {
		state = &c[7]
	}
	if !strings.HasSuffix(c[0], " group") || json.Unmarshal([]byte(*state), &snap) != nil || snap.UserIDs == nil {
		return []string{strings.Join(c[:], " | ")}
	}
	var out []string
	for _, u := range snap.UserIDs {
		*state = `{"groupId":"` + snap.GroupID + `","userId":"` + u + `"}`
		out = append(out, strings.Join(c[:], " | "))
	}
	return out
}

// A batch of membership changes writes one audit event per group, listing
// the users it added (or removed) in the order of the changes; the group's
// history proves each change.
func TestMembershipBatchAuditsOneEventPerGroup(t *testing.T) {
	db, s := membershipWorld(t, []string{"u1", "u2", "u3"}, []string{"g1", "g2"}, [][2]string{{"g2", "u3"}})
	ctx := context.Background()
	changes := []entitled.MembershipChange{
		{GroupID: "g1", UserID: "u2", Add: true}, {GroupID: "g2", UserID: "u1", Add: true},
		{GroupID: "g1", UserID: "u1", Add: true}, {GroupID: "g2", UserID: "u3", Add: true}, // already a member
	}
	for i, err := range s.ApplyMemberships(ctx, changes) {
		if err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	rows, err := db.SQL.Query(`SELECT activity_display_name, initiated_by_id, target_id, after_state FROM audit_events ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var c [4]string
		if err := rows.Scan(&c[0], &c[1], &c[2], &c[3]); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join(c[:], " | "))
	}
	sys := entitled.SystemActor.User.ID
	want := []string{
		`Add member to group | ` + sys + ` | g1 | {"groupId":"g1","userIds":["u2","u1"]}`,
		`Add member to group | ` + sys + ` | g2 | {"groupId":"g2","userIds":["u1"]}`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("audit events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
