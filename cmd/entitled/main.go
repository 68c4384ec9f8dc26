// Command entitled is the entitlement-management service: it serves the
// Graph-shaped API, runs the delivery workers, and administers the database.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/i18n"
)

// defaultGCPercent is the garbage collector's target when GOGC is not set:
// entitled's live heap is small (tens of MiB) and its work allocates many
// short-lived objects, so collecting at 5× the live heap instead of 2×
// spends a quarter of the CPU on collection for a little more memory.
const defaultGCPercent = 400

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := rootCommand().ExecuteContext(ctx); err != nil {
		loc := cliLoc()
		fmt.Fprintln(os.Stderr, loc.T("cli.error", i18n.V("Error", errorText(err, loc))))
		os.Exit(1)
	}
}

// rootCommand builds the command tree.
func rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "entitled",
		Short: "Self-hosted entitlement management: access packages, approvals, delivery and reprocess",
		Long: `entitled lets people request access packages (bundles of roles in other systems),
routes each request through approval, delivers the access into the target systems,
tracks delivery per resource, retries what failed and lets managers reprocess
requests that failed or were only partially delivered.

Every command takes --db (also ENTITLED_DB): sqlite:PATH (the default is
sqlite:entitled.db) or postgres://user:password@host:5432/database?max_conns=20.`,
		Version:       readBuildInfo().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// Every command runs with the collector tuned for entitled.
		PersistentPreRun: func(*cobra.Command, []string) {
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(defaultGCPercent)
			}
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().String("secret-key-file", envOr("ENTITLED_SECRET_KEY_FILE", ""), "file holding the key that seals connector secrets at rest (entitled secrets keygen; env ENTITLED_SECRET_KEY_FILE, or the key itself in ENTITLED_SECRET_KEY)")
	root.PersistentFlags().String("db", envOr("ENTITLED_DB", "sqlite:entitled.db"), "database: sqlite:PATH or postgres://user:password@host:port/db[?max_conns=N][&pool_mode=transaction behind PgBouncer's transaction pooling] (env ENTITLED_DB)")
	root.AddCommand(serveCommand(), migrateCommand(), adminCommand(), tokenCommand(), scimCommand(), benchCommand(), exportCommand(), importCommand(), auditCommand(), loginLinkCommand(),
		versionCommand(), secretsCommand(), healthzCommand(), reprocessCommand(), reconcileCommand())
	return root
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func dbFlag(cmd *cobra.Command) string {
	v, _ := cmd.Flags().GetString("db")
	return v
}
