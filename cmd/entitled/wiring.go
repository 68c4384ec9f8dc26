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
	"github.com/entitled-dev/entitled/sqlstore"
)

// app is the wired product: database, store, connectors and delivery engine.
type app struct {
	db     *sqlstore.DB
	store  *sqlstore.Store
	engine *delivery.Engine
}

// appOptions tune the engine.
type appOptions struct {
	reprocessWindow time.Duration
	workers         int
	rescueAfter     time.Duration
	jobTimeout      time.Duration
	pollInterval    time.Duration
	registerer      prometheus.Registerer
	logger          *slog.Logger
}

// openStore opens and migrates the database and returns a store without a
// running engine (for administrative commands).
func openStore(ctx context.Context, dsn string) (*sqlstore.DB, *sqlstore.Store, error) {
	db, err := sqlstore.Open(dsn)
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
	store := sqlstore.New(db, queue, nil)
	store.SetConnectors(newRegistry(store))
	return db, store, nil
}

// openApp opens the store and builds the delivery engine (not started).
func openApp(ctx context.Context, dsn string, o appOptions) (*app, error) {
	db, store, err := openStore(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if o.logger == nil {
		o.logger = slog.Default()
	}
	store.Logger = o.logger
	store.SetReprocessWindow(o.reprocessWindow)
	registry := store.Connectors()
	engine, err := delivery.New(delivery.Config{
		DB:           db.SQL,
		Dialect:      db.Dialect,
		Engine:       store,
		Connectors:   registry,
		Logger:       o.logger,
		Workers:      o.workers,
		PollInterval: o.pollInterval,
		RescueAfter:  o.rescueAfter,
		JobTimeout:   o.jobTimeout,
		Registerer:   o.registerer,
		StateCounts:  store.RequestStateCounts,
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("delivery engine: %w", err)
	}
	return &app{db: db, store: store, engine: engine}, nil
}

// systemContext is a context acting as the service itself.
func systemContext(ctx context.Context) context.Context {
	return entitled.NewContext(ctx, entitled.SystemActor)
}

// newRegistry knows every kind of connected system entitled delivers to.
func newRegistry(store *sqlstore.Store) *connectors.Registry {
	return connectors.NewRegistry(
		directory.NewKind(store),
		webhook.NewKind(nil),
		ldap.NewKind(),
		scim.NewKind(nil),
		postgres.NewKind(),
	)
}
