package entitled_test

import (
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestMoverNotices: only stages that ask the requestor's manager are
// notified again when the manager changes.
func TestMoverNotices(t *testing.T) {
	mgr := entitled.SubjectSet{Type: entitled.SubjectRequestorManager, ManagerLevel: 1}
	user := entitled.SubjectSet{Type: entitled.SubjectSingleUser, UserID: "u"}
	for _, tc := range []struct {
		name string
		st   entitled.ApprovalStage
		want int
	}{
		{"manager", entitled.ApprovalStage{PrimaryApprovers: []entitled.SubjectSet{mgr}}, 1},
		{"fallback manager", entitled.ApprovalStage{PrimaryApprovers: []entitled.SubjectSet{user}, FallbackPrimaryApprovers: []entitled.SubjectSet{mgr}}, 1},
		{"named user", entitled.ApprovalStage{PrimaryApprovers: []entitled.SubjectSet{user}}, 0},
		{"none", entitled.ApprovalStage{}, 0},
	} {
		got := entitled.MoverNotices("r", "s", tc.st)
		if len(got) != tc.want {
			t.Errorf("%s: %d notices, want %d", tc.name, len(got), tc.want)
		}
		if len(got) == 1 && (got[0].Event != entitled.NoticeApprovalPending || got[0].RequestID != "r" || got[0].StageID != "s") {
			t.Errorf("%s: notice %+v", tc.name, got[0])
		}
	}
}
