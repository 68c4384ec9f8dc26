package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// exportOf exports a store's database.
func exportOf(t *testing.T, s *Services) string {
	t.Helper()
	var exp bytes.Buffer
	_, err := s.db.Export(context.Background(), &exp)
	mustOK(t, err)
	return exp.String()
}

// rewriteExport rewrites an export line by line, as an older entitled
// would have written it: edit changes a line's row, or answers false to
// leave the line out.
func rewriteExport(t *testing.T, exp string, edit func(l *ExportLine) bool) *bytes.Buffer {
	t.Helper()
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(exp, "\n") {
		var l ExportLine
		if line == "" || json.Unmarshal([]byte(line), &l) != nil {
			out.WriteString(line)
			continue
		}
		if !edit(&l) {
			continue
		}
		b, err := json.Marshal(l)
		mustOK(t, err)
		out.Write(append(b, '\n'))
	}
	return &out
}

// importNew imports an export into a new test store.
func importNew(t *testing.T, r io.Reader) *Services {
	t.Helper()
	dst, _ := newTestStore(t)
	_, err := dst.Admin.Import(context.Background(), r)
	mustOK(t, err)
	return dst
}
