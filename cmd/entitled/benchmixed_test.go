package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/entitled-dev/entitled/internal/pgtest"
)

// TestBenchMixed runs the mixed-load benchmark briefly on SQLite and on a
// throwaway PostgreSQL: writers submit through the API while reads arrive
// at a fixed rate. Every read is answered (none fails or times out), and
// every writer's read of the request it has just made finds it.
func TestBenchMixed(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "mixed.db")
			if backend == "postgres" {
				dsn = pgtest.Start(t).DSN("")
			}
			cmd := benchCommand()
			cmd.Flags().String("db", "", "")
			var out, errb bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&errb)
			cmd.SetArgs([]string{"--db", dsn, "--mixed", "--n", "400", "--submitters", "2", "--read-rate", "40", "--duration", "2s"})
			if err := cmd.ExecuteContext(context.Background()); err != nil {
				t.Fatalf("bench --mixed: %v\n%s%s", err, out.String(), errb.String())
			}
			text := out.String()
			writes := mustMatch(t, text, `writes: (\d+) requests submitted in \S+: \d+/s \((\d+) failed\)`)
			if writes[0] == 0 || writes[1] != 0 {
				t.Fatalf("%d submitted, %d failed, want some and none failed:\n%s", writes[0], writes[1], text)
			}
			reads := mustMatch(t, text, `reads at 40/s: (\d+) answered, (\d+) timed out, (\d+) failed; p50`)
			if reads[0] == 0 || reads[1] != 0 || reads[2] != 0 {
				t.Fatalf("reads: %v answered/timed out/failed, want all answered:\n%s", reads, text)
			}
			own := mustMatch(t, text, `read-your-writes: (\d+) of the writers' reads of their own new request, (\d+) missed it`)
			if own[0] == 0 || own[1] != 0 {
				t.Fatalf("read-your-writes: %d reads, %d missed, want some and none missed:\n%s", own[0], own[1], text)
			}
		})
	}
}

// mustMatch returns the numbers the pattern's groups capture in text.
func mustMatch(t *testing.T, text, pattern string) []int {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("output lacks %q:\n%s", pattern, text)
	}
	out := make([]int, len(m)-1)
	for i, s := range m[1:] {
		out[i], _ = strconv.Atoi(s)
	}
	return out
}
