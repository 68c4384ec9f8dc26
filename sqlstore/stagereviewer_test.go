package sqlstore

import (
	"context"
	"slices"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestStageReviewerColumn: deciding a stage records the reviewer's id in
// reviewed_by_id, and the requests a user reviewed are found by it.
func TestStageReviewerColumn(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.alice)
	st := f.stages(f.as(f.approver), r.ID)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", "ok"))
	wantReviewers(t, f, r.ID, []string{f.approver.ID, "", ""})
	var ids []string
	mustOK(t, f.s.db.read(context.Background(), func(tx *tx) error {
		var err error
		ids, err = f.s.Requests.approverRequestIDs(context.Background(), tx, f.approver.ID)
		return err
	}))
	if !slices.Contains(ids, r.ID) {
		t.Fatalf("approverRequestIDs(approver) = %v, want it to hold %s", ids, r.ID)
	}
}

// TestStageReviewerBackfill: migration 00007 fills reviewed_by_id of the
// stages decided before it from the reviewer's JSON in reviewed_by.
func TestStageReviewerBackfill(t *testing.T) {
	f := newLC(t)
	r := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.alice)
	st := f.stages(f.as(f.approver), r.ID)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", "ok"))
	p, err := f.s.db.schemaMigrations()
	mustOK(t, err)
	ctx := context.Background()
	if _, err := p.DownTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	wantReviewers(t, f, r.ID, []string{f.approver.ID, "", ""})
}

// wantReviewers checks reviewed_by_id of a request's stages, in order.
func wantReviewers(t *testing.T, f *lc, requestID string, want []string) {
	t.Helper()
	got := f.column(`SELECT reviewed_by_id FROM approval_stages WHERE request_id = ? ORDER BY idx`, requestID)
	if !slices.Equal(got, want) {
		t.Fatalf("reviewed_by_id = %q, want %q", got, want)
	}
}

// TestImportFillsStageReviewer: an export made before reviewed_by_id
// existed imports with the column filled from reviewed_by, so the
// reviewer still finds the requests they decided.
func TestImportFillsStageReviewer(t *testing.T) {
	ctx := context.Background()
	src := openSQLiteStore(t, "source.db")
	f := setupLC(t, src, entitled.NewContext(ctx, entitled.SystemActor))
	r := f.mustAdd(entitled.RequestUserAdd, f.threeStages(nil), f.alice)
	st := f.stages(f.as(f.approver), r.ID)
	mustOK(t, f.s.Approvals.DecideApprovalStage(f.as(f.approver), r.ID, st[0].ID, "Approve", "ok"))
	// The export of an older entitled: approval stages without the column.
	old := rewriteExport(t, exportOf(t, src), func(l *ExportLine) bool {
		if l.Table == "approval_stages" {
			delete(l.Row, "reviewed_by_id")
		}
		return true
	})
	dst := importNew(t, old)
	var got string
	mustOK(t, dst.db.tQueryRow(`SELECT reviewed_by_id FROM approval_stages WHERE id = ?`, st[0].ID).Scan(&got))
	if got != f.approver.ID {
		t.Fatalf("imported reviewed_by_id = %q, want %q", got, f.approver.ID)
	}
}
