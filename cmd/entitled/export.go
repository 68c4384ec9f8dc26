package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/sqlstore"
)

// exportCommand writes the database as JSON lines.
func exportCommand() *cobra.Command {
	cmd := newCommand("export", "Write every row of the database as JSON lines (to move to PostgreSQL, or back up)", `export writes every row of entitled's tables as JSON lines, one object per row,
{"table":"…","row":{…}}, tables in dependency order, from one consistent snapshot.
The queue is not exported: import re-creates the jobs of unfinished work.

The output holds connected systems' settings, secrets included, and token hashes:
keep it like the database itself. A file given with --out is created with mode 0600.

  entitled export --db sqlite:entitled.db --out entitled.jsonl
  entitled import --db postgres://entitled:secret@db:5432/entitled --in entitled.jsonl`, func(cmd *cobra.Command, _ []string) error {
		out, _ := cmd.Flags().GetString("out")
		var stats sqlstore.ExportStats
		err := withDB(cmd, func(db *sqlstore.DB) error {
			return writeOut(cmd, out, func(w io.Writer) (err error) {
				stats, err = db.Export(cmd.Context(), w)
				return err
			})
		})
		if err != nil {
			return err
		}
		where := out
		if out == "-" {
			where = cliLoc().T("cli.standardOutput")
		}
		fmt.Fprintln(cmd.ErrOrStderr(), cliLoc().T("cli.exported", i18n.N(stats.Total()),
			i18n.V("DB", sqlstore.Redact(dbFlag(cmd))), i18n.V("Where", where), i18n.V("Counts", countsOf(stats.Rows))))
		return nil
	})
	cmd.Flags().String("out", "-", "file to write, or - for standard output")
	return cmd
}

// importCommand reads an export into an empty database.
func importCommand() *cobra.Command {
	cmd := newCommand("import", "Read an export into a new, empty database and queue its unfinished work", `import reads what export wrote into the database named by --db, which must be
empty (a new database: it is created and migrated here). Everything is written in
one transaction: on any error nothing is. Then the jobs of unfinished work are
queued: deliveries pending or running, expiry of assignments with an end,
scheduled requests' starts and approval stages' time-outs. Start entitled serve
on the database afterwards. Web sign-in sessions are not carried over.`, func(cmd *cobra.Command, _ []string) error {
		in, _ := cmd.Flags().GetString("in")
		var r io.Reader = cmd.InOrStdin()
		if in != "-" {
			f, err := os.Open(in)
			if err != nil {
				return fmt.Errorf("--in: %w", err)
			}
			defer f.Close()
			r = f
		}
		keys, err := keyringFlags(cmd, dbFlag(cmd), false)
		if err != nil {
			return err
		}
		a, err := openApp(cmd.Context(), dbFlag(cmd), appOptions{secrets: keys})
		if err != nil {
			return err
		}
		defer a.db.Close()
		stats, err := a.services.Admin.Import(cmd.Context(), r)
		if err != nil {
			return err
		}
		jobs := map[string]int{}
		for k, n := range stats.Jobs {
			jobs[string(k)] = n
		}
		fmt.Fprintln(cmd.ErrOrStderr(), cliLoc().T("cli.imported", i18n.N(stats.Total()),
			i18n.V("DB", sqlstore.Redact(dbFlag(cmd))), i18n.V("Counts", countsOf(stats.Rows)), i18n.V("Jobs", countsOf(jobs))))
		return nil
	})
	cmd.Flags().String("in", "-", "file to read, or - for standard input")
	return cmd
}

// countsOf writes "a 1, b 2" for the non-zero counts, sorted by name.
func countsOf(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n > 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
