package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/connectors"
	"github.com/entitled-dev/entitled/connectors/directory"
	"github.com/entitled-dev/entitled/connectors/ldap"
	"github.com/entitled-dev/entitled/connectors/postgres"
	"github.com/entitled-dev/entitled/connectors/scim"
	"github.com/entitled-dev/entitled/connectors/webhook"
	"github.com/entitled-dev/entitled/delivery"
	"github.com/entitled-dev/entitled/events"
	"github.com/entitled-dev/entitled/notify"
	"github.com/entitled-dev/entitled/secret"
	"github.com/entitled-dev/entitled/sqlstore"
)

// app is the wired product: database, services, connectors and delivery
// engine.
type app struct {
	db       *sqlstore.DB
	services *sqlstore.Services
	engine   *delivery.Engine
	// events sends lifecycle events to subscriptions (not started).
	events *events.Sender
}

// appOptions tune the services and the engine.
type appOptions struct {
	reprocessWindow time.Duration
	// leaverGrace delays the removal of a disabled user's access.
	leaverGrace  time.Duration
	workers      int
	rescueAfter  time.Duration
	jobTimeout   time.Duration
	pollInterval time.Duration
	registerer   prometheus.Registerer
	logger       *slog.Logger
	// notices tunes notifications; mail sends them (nil: recorded in the
	// outbox only); baseURL is where links in messages point.
	// secrets seals connector secrets at rest (nil: none can be stored).
	secrets *secret.Keyring
	notices entitled.NoticeSettings
	mail    notify.Sender
	baseURL string
	// zone is the time zone of dates in messages (nil: UTC).
	zone *time.Location
	// notificationRetention is how long sent and recorded messages stay
	// in the outbox (0: for ever).
	notificationRetention time.Duration
	// statements, when set, counts the store's statements (bench --statements).
	statements *sqlstore.StatementCount
}

// openServices opens and migrates the database and builds the services
// without a running engine (for administrative commands).
func openServices(ctx context.Context, dsn string) (*sqlstore.DB, *sqlstore.Services, error) {
	return openServicesWith(ctx, dsn, appOptions{})
}

// openServicesWith opens and migrates the database and builds everything
// the services need in the one order that has no cycle: the job queue and
// the built-in directory's membership need only the database; the
// connector registry needs the membership; the services need the queue and
// the registry. The notifier and the engine come after (openApp).
func openServicesWith(ctx context.Context, dsn string, o appOptions) (*sqlstore.DB, *sqlstore.Services, error) {
	if err := checkDatabaseFile(dsn); err != nil {
		return nil, nil, err
	}
	opts := []sqlstore.Option{sqlstore.WithSecrets(o.secrets)}
	if o.statements != nil {
		opts = append(opts, sqlstore.WithStatementCount(o.statements))
	}
	db, err := sqlstore.Open(dsn, opts...)
	if err != nil {
		return nil, nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	queue, err := delivery.NewQueue(db.SQL, db.Dialect)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	services, err := sqlstore.NewServices(db, sqlstore.Config{
		Queue:           queue,
		Connectors:      newRegistry(sqlstore.NewMembership(db)),
		ReprocessWindow: o.reprocessWindow,
		LeaverGrace:     o.leaverGrace,
		Notices:         o.notices,
		Logger:          o.logger,
	})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, services, nil
}

// openApp opens the services and builds the notifier over them, then the
// delivery engine (not started) with both.
func openApp(ctx context.Context, dsn string, o appOptions) (*app, error) {
	if o.logger == nil {
		o.logger = slog.Default()
	}
	db, services, err := openServicesWith(ctx, dsn, o)
	if err != nil {
		return nil, err
	}
	// The notifier reads notices through the services and is built before
	// the engine that runs its jobs.
	notifier, err := notify.New(services.Notifications, o.mail, o.baseURL, o.registerer)
	if err != nil {
		db.Close()
		return nil, err
	}
	notifier.Logger = o.logger
	notifier.Location = o.zone
	engine, err := delivery.New(delivery.Config{
		DB:           db.SQL,
		Dialect:      db.Dialect,
		Engine:       services.Deliveries,
		Drift:        services.Drift,
		Connectors:   services.Connectors(),
		Logger:       o.logger,
		Workers:      o.workers,
		PollInterval: o.pollInterval,
		RescueAfter:  o.rescueAfter,
		JobTimeout:   o.jobTimeout,
		Registerer:   o.registerer,
		StateCounts:  services.Requests.RequestStateCounts,
		Health:       services.Health,
		Operations:   services.Operations,
		Notifier:     notifier,

		Outbox:                services.Notifications,
		NotificationRetention: o.notificationRetention,
		Counts:                services.Requests,
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("delivery engine: %w", err)
	}
	sender, err := events.New(services.Subscriptions, o.baseURL, o.registerer)
	if err != nil {
		db.Close()
		return nil, err
	}
	sender.Logger = o.logger
	return &app{db: db, services: services, engine: engine, events: sender}, nil
}

// systemContext is a context acting as the service itself.
func systemContext(ctx context.Context) context.Context {
	return entitled.NewContext(ctx, entitled.SystemActor)
}

// newRegistry knows every kind of connected system entitled delivers to;
// the built-in directory's kind works on its membership.
func newRegistry(membership *sqlstore.Membership) *connectors.Registry {
	return connectors.NewRegistry(
		directory.NewKind(membership),
		webhook.NewKind(nil),
		ldap.NewKind(),
		scim.NewKind(nil),
		postgres.NewKind(),
	)
}
