package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// TestAuditExportAndPrune: prune refuses until an export covers the time;
// export writes the older events as Graph directoryAudit lines into a 0600
// file and prints its SHA-256; prune then removes exactly those events and
// the newer ones stay.
func TestAuditExportAndPrune(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "e.db")
	db, services, err := openServices(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := services.Admin.EnsureAdmin(ctx, "ada@example.com", "Ada"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the events above are before a whole second
	cut := time.Now().UTC().Truncate(time.Second)
	before := cut.Format(time.RFC3339)
	if _, err := services.Admin.EnsureAdmin(ctx, "bo@example.com", "Bo"); err != nil {
		t.Fatal(err)
	}
	run := func(c *cobra.Command, args ...string) (string, string, error) {
		c.Flags().String("db", dsn, "")
		var out, errb bytes.Buffer
		c.SetOut(&out)
		c.SetErr(&errb)
		c.SetArgs(args)
		err := c.ExecuteContext(ctx)
		return out.String(), errb.String(), err
	}

	if _, _, err := run(auditPruneCommand(), "--before", before); err == nil || !strings.Contains(err.Error(), "audit export") {
		t.Fatalf("prune before any export: %v, want a refusal naming audit export", err)
	}
	if _, _, err := run(auditPruneCommand(), "--before", "yesterday"); err == nil || !strings.Contains(err.Error(), "2026-01-01") {
		t.Fatalf("a malformed --before: %v", err)
	}

	file := filepath.Join(dir, "audit.jsonl")
	_, msg, err := run(auditExportCommand(), "--before", before, "--out", file)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("export file mode %v, want 0600", fi.Mode().Perm())
	}
	sum := sha256.Sum256(data)
	if !strings.Contains(msg, hex.EncodeToString(sum[:])) {
		t.Errorf("export message %q lacks the file's SHA-256", msg)
	}
	lines := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var ev struct {
			ID                  string `json:"id"`
			ActivityDateTime    string `json:"activityDateTime"`
			ActivityDisplayName string `json:"activityDisplayName"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.ID == "" || ev.ActivityDisplayName == "" {
			t.Fatalf("line %d is not a directoryAudit: %v %s", lines+1, err, sc.Text())
		}
		if at, err := time.Parse(time.RFC3339, ev.ActivityDateTime); err != nil || !at.Before(cut) {
			t.Errorf("exported an event of %s, not before %s", ev.ActivityDateTime, before)
		}
		lines++
	}
	if lines == 0 {
		t.Fatal("the export is empty")
	}

	out, _, err := run(auditPruneCommand(), "--before", before)
	if err != nil {
		t.Fatalf("prune after the export: %v", err)
	}
	if !strings.Contains(out, "removed "+strconv.Itoa(lines)+" audit event") {
		t.Errorf("prune said %q, want %d removed", out, lines)
	}
	// Nothing older is left; the newer events (and the records) stay.
	var left, newer int
	stored := cut.Format("2006-01-02T15:04:05.000000Z")
	if err := db.SQL.QueryRow("SELECT count(*) FROM audit_events WHERE activity_date_time < ?", stored).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL.QueryRow("SELECT count(*) FROM audit_events WHERE activity_date_time >= ?", stored).Scan(&newer); err != nil {
		t.Fatal(err)
	}
	if left != 0 || newer < 3 { // Bo's, the export's and the prune's
		t.Fatalf("after the prune: %d older events left, %d newer", left, newer)
	}
}
