package sqlstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// errPoolsTransactions is the advice added to an error that says a
// transaction pooler stands before PostgreSQL while --db does not say so.
var errPoolsTransactions = errors.New("a connection pooler such as PgBouncer pools transactions in front of PostgreSQL: add pool_mode=transaction to --db")

// poolerHint adds errPoolsTransactions to err when err is PostgreSQL's
// answer to a statement prepared on another server connection — what a
// transaction pooler causes when pool_mode=transaction is not set.
func (db *DB) poolerHint(err error) error {
	if err == nil || db.pooled || db.Dialect != DialectPostgres {
		return err
	}
	var pg *pgconn.PgError
	prepared := errors.As(err, &pg) && (pg.Code == "26000" || pg.Code == "42P05")
	if !prepared && !strings.Contains(err.Error(), `prepared statement "stmtcache_`) {
		return err
	}
	return fmt.Errorf("%w (%w)", err, errPoolsTransactions)
}
