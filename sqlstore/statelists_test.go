package sqlstore

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled"
)

// TestOneLiveIndexStates: the unique index of migration 00003, which the
// database uses to enforce entitled.CheckOneLive under concurrent
// submissions, covers exactly entitled.OpenRequestStates and
// entitled.AddRequestTypes in both dialects. A migration cannot be built
// from Go, so this test keeps it in step.
func TestOneLiveIndexStates(t *testing.T) {
	for _, dialect := range []string{DialectSQLite, DialectPostgres} {
		b, err := fs.ReadFile(dialectMigrations{dir: migrations, dialect: dialect}, "migrations/00003_one_live.sql")
		if err != nil {
			t.Fatal(err)
		}
		states := regexp.MustCompile(`state IN \(([^)]*)\)`).FindSubmatch(b)
		if states == nil {
			t.Fatalf("%s: no state list in 00003_one_live.sql", dialect)
		}
		if got := listValues(string(states[1])); !slices.Equal(got, strs(entitled.OpenRequestStates)) {
			t.Errorf("%s: the one-live index covers states %v, want %v", dialect, got, entitled.OpenRequestStates)
		}
		types := regexp.MustCompile(`request_type IN \(([^)]*)\)`).FindSubmatch(b)
		if types == nil {
			t.Fatalf("%s: no request type list in 00003_one_live.sql", dialect)
		}
		if got := listValues(string(types[1])); !slices.Equal(got, strs(entitled.AddRequestTypes)) {
			t.Errorf("%s: the one-live index covers types %v, want %v", dialect, got, entitled.AddRequestTypes)
		}
	}
}

func TestSQLList(t *testing.T) {
	if got, want := sqlList(entitled.OpenRequestStates), "('submitted','pendingApproval','scheduled','delivering')"; got != want {
		t.Fatalf("sqlList = %s, want %s", got, want)
	}
	if got, want := sqlList([]string{"it's"}), "('it''s')"; got != want {
		t.Fatalf("sqlList = %s, want %s", got, want)
	}
}

// listValues reads 'a', 'b' into [a b].
func listValues(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		out = append(out, strings.Trim(strings.TrimSpace(v), "'"))
	}
	return out
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
