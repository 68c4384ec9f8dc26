package sqlstore

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
)

// Each migration is written once, in sqlstore/migrations, in SQL that both
// dialects speak; the few statements that differ stand in per-dialect
// blocks (migrations/README.md):
//
//	-- +dialect sqlite
//	...statements only SQLite runs...
//	-- +dialect postgres
//	...statements only PostgreSQL runs...
//	-- +dialect end
//
// dialectMigrations hands goose each file as its dialect reads it: the
// other dialect's blocks and the marker lines left out, every other line
// exactly as written.

// dialectMarker starts a line that opens or closes a per-dialect block.
const dialectMarker = "-- +dialect "

// dialectMigrations is the migrations directory as one dialect reads it.
type dialectMigrations struct {
	dir     fs.FS
	dialect string
}

// Open opens a migration as the dialect reads it; any other name (the
// directory itself) as it is.
func (d dialectMigrations) Open(name string) (fs.File, error) {
	if path.Ext(name) != ".sql" {
		return d.dir.Open(name)
	}
	src, err := fs.ReadFile(d.dir, name)
	if err != nil {
		return nil, err
	}
	out, err := forDialect(src, d.dialect)
	if err != nil {
		return nil, fmt.Errorf("migration %s: %w", name, err)
	}
	return &migrationFile{Reader: bytes.NewReader(out), name: path.Base(name), size: int64(len(out))}, nil
}

// forDialect keeps the lines of a migration that the dialect runs: those
// outside any per-dialect block and those in the dialect's own blocks.
func forDialect(src []byte, dialect string) ([]byte, error) {
	var out bytes.Buffer
	block := "" // the dialect of the block we are in; "" outside blocks
	lines := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; lines.Scan(); n++ {
		line := lines.Text()
		if marker, ok := strings.CutPrefix(line, dialectMarker); ok {
			switch marker = strings.TrimSpace(marker); {
			case marker == "end" && block != "":
				block = ""
			case (marker == DialectSQLite || marker == DialectPostgres) && marker != block:
				block = marker // a block may follow the other dialect's directly
			default:
				return nil, fmt.Errorf("line %d: %q out of place (blocks are %ssqlite, %spostgres, closed by %send)",
					n, line, dialectMarker, dialectMarker, dialectMarker)
			}
			continue
		}
		if block == "" || block == dialect {
			out.WriteString(line)
			out.WriteByte('\n')
		}
	}
	if block != "" {
		return nil, fmt.Errorf("the %s block is not closed by %q", block, dialectMarker+"end")
	}
	return out.Bytes(), lines.Err()
}

// migrationFile is one migration as its dialect reads it.
type migrationFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *migrationFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *migrationFile) Close() error               { return nil }

// The migration as a fs.FileInfo: a read-only regular file.
func (f *migrationFile) Name() string       { return f.name }
func (f *migrationFile) Size() int64        { return f.size }
func (f *migrationFile) Mode() fs.FileMode  { return 0o444 }
func (f *migrationFile) ModTime() time.Time { return time.Time{} }
func (f *migrationFile) IsDir() bool        { return false }
func (f *migrationFile) Sys() any           { return nil }
