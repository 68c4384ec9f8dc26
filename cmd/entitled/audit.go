package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/user"
	"time"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled"
	enthttp "github.com/entitled-dev/entitled/http"
	"github.com/entitled-dev/entitled/i18n"
	"github.com/entitled-dev/entitled/sqlstore"
)

// auditCommand groups the audit log's retention commands.
func auditCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Export and prune the audit log (retention)", Long: `The audit log is append-only: the database refuses to change or delete an event.
Organisations that must keep it for years export it; those that must not keep it
prune it. A prune removes only events older than a time that an export covered
(or, with --without-export, the operator's explicit choice), and is itself
recorded and audited.

  entitled audit export --db sqlite:entitled.db --before 2026-01-01 --out audit-2025.jsonl
  entitled audit prune  --db sqlite:entitled.db --before 2026-01-01`}
	cmd.AddCommand(auditExportCommand(), auditPruneCommand())
	return cmd
}

// auditExportCommand writes the events before a time as JSON lines.
func auditExportCommand() *cobra.Command {
	cmd := newCommand("export", "Write the audit events older than --before as JSON lines, and record the export", `export writes every audit event strictly older than --before, oldest first, one
Graph directoryAudit object per line (the shape GET /v1.0/auditLogs/directoryAudits
answers), and records the export — its time, count and SHA-256 — in the database,
which is what lets audit prune remove those events. A file given with --out is
created with mode 0600.`, func(cmd *cobra.Command, _ []string) error {
		before, err := beforeFlag(cmd)
		if err != nil {
			return err
		}
		out, _ := cmd.Flags().GetString("out")
		return withServices(cmd, func(services *sqlstore.Services) error {
			sum := sha256.New()
			ctx := systemContext(cmd.Context())
			n := 0
			err := writeOut(cmd, out, func(w io.Writer) error {
				enc := json.NewEncoder(io.MultiWriter(w, sum))
				return services.Audit.EachAuditEventBefore(ctx, before, func(e entitled.AuditEvent) error {
					n++
					return enc.Encode(enthttp.DirectoryAudit(e))
				})
			})
			if err != nil {
				return err
			}
			rec := &entitled.AuditRetention{Before: before, Events: n, SHA256: hex.EncodeToString(sum.Sum(nil)), RecordedBy: operator()}
			if err := services.Audit.RecordAuditExport(ctx, rec); err != nil {
				return err
			}
			fmt.Fprintln(cmd.ErrOrStderr(), cliLoc().T("cli.auditExported", i18n.N(n),
				i18n.V("Before", before.Format(time.RFC3339)), i18n.V("SHA256", rec.SHA256)))
			return nil
		})
	})
	cmd.Flags().String("before", "", "export the events older than this date or time (2026-01-01 or RFC 3339)")
	cmd.Flags().String("out", "-", "file to write, or - for standard output")
	return cmd
}

// auditPruneCommand removes the events before an exported time.
func auditPruneCommand() *cobra.Command {
	cmd := newCommand("prune", "Remove the audit events older than --before, once an export covered them", `prune removes every audit event strictly older than --before, in one transaction,
and records and audits the prune (who ran it, when, how many events). It refuses
unless audit export has been run with a --before at least as late, or
--without-export says the organisation must not keep them. --before cannot be in
the future.`, func(cmd *cobra.Command, _ []string) error {
		before, err := beforeFlag(cmd)
		if err != nil {
			return err
		}
		without, _ := cmd.Flags().GetBool("without-export")
		return withServices(cmd, func(services *sqlstore.Services) error {
			rec, err := services.Audit.PruneAudit(systemContext(cmd.Context()), before, without, operator())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), cliLoc().T("cli.auditPruned", i18n.N(rec.Events), i18n.V("Before", before.Format(time.RFC3339))))
			return nil
		})
	})
	cmd.Flags().String("before", "", "remove the events older than this date or time (2026-01-01 or RFC 3339)")
	cmd.Flags().Bool("without-export", false, "prune although no export covers the time (the organisation must not keep these events)")
	return cmd
}

// beforeFlag reads --before: a date (midnight UTC) or an RFC 3339 time.
func beforeFlag(cmd *cobra.Command) (time.Time, error) {
	text, _ := cmd.Flags().GetString("before")
	if text == "" {
		return time.Time{}, fmt.Errorf("--before is required (a date such as 2026-01-01, or an RFC 3339 time)")
	}
	if t, err := time.Parse(time.DateOnly, text); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, text)
	if err != nil {
		return time.Time{}, fmt.Errorf("--before %q: want a date such as 2026-01-01 or an RFC 3339 time", text)
	}
	return t.UTC(), nil
}

// operator names who runs a command on this host, for the records it makes.
func operator() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return name + "@" + host
}
