package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchStatements: bench --statements prints the store's statements
// per request of the measured part — the requests' inserts and roll-up,
// not the fixture's user inserts.
func TestBenchStatements(t *testing.T) {
	cmd := benchCommand()
	cmd.Flags().String("db", "", "")
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs([]string{"--db", "sqlite:" + filepath.Join(t.TempDir(), "b.db"), "--n", "40", "--submitters", "8", "--statements"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("bench --statements: %v\n%s%s", err, out.String(), errb.String())
	}
	text := out.String()
	m := mustMatch(t, text, `statements: (\d+)\.(\d+) per request run by the store`)
	if m[0] == 0 && m[1] == 0 {
		t.Fatalf("no statements counted:\n%s", text)
	}
	for _, want := range []string{"INSERT INTO assignment_requests", "UPDATE assignment_requests SET state", "INSERT INTO notifications",
		"SELECT d.id, d.request_id"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q among the statements:\n%s", want, text)
		}
	}
	if strings.Contains(text, "INSERT INTO users") {
		t.Errorf("the fixture's user inserts counted in the measured part:\n%s", text)
	}
}
