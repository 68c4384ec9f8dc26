package sqlstore

// Statements per request are what a batch costs on PostgreSQL (each is a
// round trip) and much of it on SQLite; tests count them to keep them from
// growing unseen.

// statement reports q to onStatement, if set.
func (db *DB) statement(q string) {
	if db.onStatement != nil {
		db.onStatement(q)
	}
}
