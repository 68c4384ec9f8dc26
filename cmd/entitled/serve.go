package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	nethttp "net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/delivery"
	"github.com/entitled-dev/entitled/http"
	"github.com/entitled-dev/entitled/scimserver"
	"github.com/entitled-dev/entitled/sqlstore"
	"github.com/entitled-dev/entitled/ui"
)

func serveCommand() *cobra.Command {
	cmd := newCommand("serve", "Migrate the database, then serve the API and run the delivery workers", `serve migrates the database, then serves the Graph-shaped API under /v1.0, entitled's
own API under /api/v1, the SCIM 2.0 endpoint under /scim/v2 (provisioning tokens only),
the web UI under / (sign in with the OpenID provider of
--oidc-issuer, or with a link from entitled login-link),
/healthz and /metrics, and runs the delivery workers.
SIGTERM or SIGINT stops it gracefully: the listener closes, running deliveries get
--shutdown-timeout to finish, and any still running are left for the next start
to re-run (grants and revokes are idempotent, nothing is lost).`, runServe)
	f := cmd.Flags()
	f.String("addr", envOr("ENTITLED_ADDR", "127.0.0.1:8080"), "listen address (env ENTITLED_ADDR)")
	f.String("time-zone", envOr("ENTITLED_TIME_ZONE", "UTC"), "IANA time zone the web UI and notification emails show times in, with its name, such as Europe/Paris (env ENTITLED_TIME_ZONE)")
	f.String("base-url", envOr("ENTITLED_BASE_URL", ""), "address clients reach entitled at, such as https://entitled.example.com; links in answers (nextLink, Location, @odata.context) and printed sign-in links use it, never the request's Host (default: http:// and the listen address; env ENTITLED_BASE_URL)")
	f.Duration("reprocess-window", entitled.DefaultReprocessWindow, "how long after completion a failed request may be reprocessed")
	f.Duration("leaver-grace", 0, "how long after a user's account is disabled (a leaver) their open requests are canceled and their access removed; 0: at once")
	f.Bool("demo", false, "seed a small demo (users, catalog, packages, policies) on first run and print how to use it")
	f.Int("workers", 0, "delivery jobs run at the same time (0: 50 on SQLite, 200 on PostgreSQL)")
	f.Duration("rescue-after", time.Minute, "re-run deliveries left running this long by a crashed process")
	f.Duration("job-timeout", 30*time.Second, "time limit of one delivery attempt (must be below --rescue-after)")
	f.Duration("notification-retention", delivery.DefaultNotificationRetention, "how long sent and recorded messages stay in the outbox (0: for ever)")
	f.Duration("shutdown-timeout", 20*time.Second, "how long running deliveries may take to finish on shutdown")
	f.String("smtp", envOr("ENTITLED_SMTP", ""), "SMTP server that sends notification emails: smtp://[user:password@]host:port?tls=starttls|tls|none (env ENTITLED_SMTP); without it messages are only recorded in the outbox")
	f.String("mail-from", envOr("ENTITLED_MAIL_FROM", ""), `sender of notification emails, such as "entitled <noreply@example.org>" (env ENTITLED_MAIL_FROM; default noreply at the --base-url host)`)
	f.Duration("expiry-warning", entitled.DefaultExpiryWarning, "how long before an assignment ends its holder is warned (0: never)")
	f.Duration("reprocess-reminder", entitled.DefaultDeadlineReminder, "how long before the reprocess deadline managers are reminded of a request still failed (0: never)")
	f.Bool("notifications", true, "tell approvers, requesters and managers what happens (false: queue no notices at all)")
	f.String("log-format", "text", "log format: text or json")
	f.String("log-level", "info", "log level: debug, info, warn, error")
	addOIDCFlags(cmd)
	return cmd
}

func newLogger(format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: use text or json", format)
}

func runServe(cmd *cobra.Command, _ []string) error {
	f := cmd.Flags()
	addr, _ := f.GetString("addr")
	window, _ := f.GetDuration("reprocess-window")
	grace, err := nonNegative(f, "leaver-grace", "removes a leaver's access at once")
	if err != nil {
		return err
	}
	demo, _ := f.GetBool("demo")
	workers, _ := f.GetInt("workers")
	rescue, _ := f.GetDuration("rescue-after")
	jobTimeout, _ := f.GetDuration("job-timeout")
	outboxKeep, err := nonNegative(f, "notification-retention", "keeps messages for ever")
	if err != nil {
		return err
	}
	shutdownTimeout, _ := f.GetDuration("shutdown-timeout")
	logFormat, _ := f.GetString("log-format")
	logLevel, _ := f.GetString("log-level")
	baseURL, _ := f.GetString("base-url")
	tzName, _ := f.GetString("time-zone")
	zone, err := time.LoadLocation(tzName)
	if err != nil {
		return fmt.Errorf("--time-zone %q: use an IANA time zone such as UTC or Europe/Paris (%v)", tzName, err)
	}
	if baseURL != "" {
		var err error
		if baseURL, err = parseBaseURL("--base-url", baseURL); err != nil {
			return err
		}
	}
	if window <= 0 {
		return errors.New("--reprocess-window must be positive")
	}
	if jobTimeout >= rescue {
		return fmt.Errorf("--job-timeout (%s) must be below --rescue-after (%s)", jobTimeout, rescue)
	}
	logger, err := newLogger(logFormat, logLevel)
	if err != nil {
		return err
	}
	slog.SetDefault(logger)

	ctx := cmd.Context()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return listenError(addr, err)
	}
	base := baseURL
	if base == "" {
		var local bool
		if base, local = listenBaseURL(ln.Addr()); !local {
			logger.Warn("--base-url is not set: links in API answers point at "+base+"; set --base-url to the address clients use", "addr", ln.Addr().String())
		}
	}
	notices, sender, err := noticeOptions(f, base)
	if err != nil {
		ln.Close()
		return err
	}
	reg := prometheus.NewRegistry()
	build := readBuildInfo()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), build.collector())
	keys, err := keyringFlags(cmd, dbFlag(cmd), demo)
	if err != nil {
		ln.Close()
		return err
	}
	if keys.HasKey() {
		logger.Info("connector secrets are sealed at rest", "key", keys.KeyID())
	} else {
		logger.Warn("no secret key (--secret-key-file or ENTITLED_SECRET_KEY): connected systems whose settings hold a secret cannot be added; make a key with `entitled secrets keygen`")
	}
	opts := appOptions{
		reprocessWindow: window, leaverGrace: grace, workers: workers, rescueAfter: rescue, jobTimeout: jobTimeout,
		pollInterval: 50 * time.Millisecond, registerer: reg, logger: logger,
		notices: notices, baseURL: base, zone: zone, secrets: keys,
		notificationRetention: outboxKeep,
	}
	if sender != nil {
		// Only a real sender: a nil *mail.Sender in the interface would
		// not be nil, and the notifier would send through it.
		opts.mail = sender
	}
	a, err := openApp(ctx, dbFlag(cmd), opts)
	if err != nil {
		ln.Close()
		return err
	}
	defer a.db.Close()
	release, err := lockServe(dbFlag(cmd))
	if err != nil {
		ln.Close()
		return err
	}
	defer release()
	if sender != nil {
		logger.Info("notification emails are sent", "smtp", sender.Config().String(), "from", sender.Config().From)
	} else if !notices.Disabled {
		logger.Info("no --smtp: notification messages are recorded in the outbox (GET /api/v1/notifications) and not sent")
	}
	if demo {
		if err := seedDemo(systemContext(ctx), a.services, cmd.OutOrStdout(), base); err != nil {
			ln.Close()
			return fmt.Errorf("demo: %w", err)
		}
	}

	idp, err := oidcFromFlags(ctx, cmd, base)
	if err != nil {
		ln.Close()
		return err
	}
	apiCfg := http.Config{
		Services:     a.services.Domain(),
		Logger:       logger,
		Metrics:      promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
		Health:       func(ctx context.Context) error { return a.db.SQL.PingContext(ctx) },
		SystemHealth: a.services.Health.SystemHealths,
		BaseURL:      base,
	}
	if apiCfg.SCIM, err = scimserver.New(a.services.Users, a.services.Groups); err != nil {
		ln.Close()
		return err
	}
	webCfg := ui.Config{Services: a.services.Domain(), Sessions: a.services.Sessions, Connectors: a.services.Connectors(), Logger: logger, TimeZone: zone}
	idp.apply(&apiCfg, &webCfg, a.services, base)
	api := http.NewServer(apiCfg)
	web := ui.New(webCfg)
	srv := &nethttp.Server{Handler: ui.Mux(api, web), ReadHeaderTimeout: 10 * time.Second}

	// The engine runs until engine.Stop, not until the signal: a SIGTERM
	// cancels ctx, and the engine's own context ending would cancel the
	// deliveries in flight instead of letting them finish.
	if err := a.engine.Start(context.WithoutCancel(ctx)); err != nil {
		ln.Close()
		return fmt.Errorf("start delivery engine: %w", err)
	}
	eventsCtx, stopEvents := context.WithCancel(ctx)
	eventsDone := make(chan struct{})
	go func() { a.events.Run(eventsCtx); close(eventsDone) }()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("entitled is serving", "version", build.String(), "addr", ln.Addr().String(), "baseURL", base, "db", sqlstore.Redact(dbFlag(cmd)), "reprocessWindow", window.String())

	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err := <-serveErr:
		if !errors.Is(err, nethttp.ErrServerClosed) {
			logger.Error("server stopped", "err", err)
		}
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		logger.Warn("http shutdown", "err", err)
	}
	if err := a.engine.Stop(stopCtx); err != nil {
		logger.Warn("delivery engine stop", "err", err)
	}
	stopEvents()
	<-eventsDone
	if c, ok := a.services.Connectors().(io.Closer); ok {
		_ = c.Close() // connection pools to target systems
	}
	logger.Info("stopped")
	return nil
}
