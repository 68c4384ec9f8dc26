package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/entitled-dev/entitled"
)

type nilQueue struct{}

func (nilQueue) InsertJobs(context.Context, *sql.Tx, []entitled.Job) error {
	return errors.New("no queue configured")
}

type nilConnectors struct{}

func (nilConnectors) Kind(string) (entitled.ConnectorKind, bool) { return nil, false }
func (nilConnectors) For(*entitled.ConnectedSystem) (entitled.Connector, error) {
	return nil, errors.New("no connectors")
}
