package sqlstore

import (
	"regexp"
	"sort"
	"sync"
)

// Statements per request are what a batch costs on PostgreSQL (each is a
// round trip) and much of it on SQLite; tests count them to keep them from
// growing unseen, and `entitled bench --statements` prints them.

// statement reports q to onStatement, if set.
func (db *DB) statement(q string) {
	if db.onStatement != nil {
		db.onStatement(q)
	}
}

// StatementCount counts, by text, the statements the store's transactions
// and reads run through the store (River's statements, BEGIN and COMMIT
// aside). Multi-row statements count under one text whatever their rows.
type StatementCount struct {
	mu     sync.Mutex
	byText map[string]int
}

// WithStatementCount counts the store's statements in c.
func WithStatementCount(c *StatementCount) Option {
	return func(db *DB) { db.onStatement = c.add }
}

// placeholderRuns are the runs of placeholders and rows of placeholders a
// multi-row statement repeats.
var placeholderRuns = regexp.MustCompile(`\?(,\?)+|\(\?(,\?)*\)(,\(\?(,\?)*\))+|\$\d+(,\s*\$\d+)+`)

func (c *StatementCount) add(q string) {
	q = placeholderRuns.ReplaceAllString(q, "…")
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byText == nil {
		c.byText = map[string]int{}
	}
	c.byText[q]++
}

// Reset forgets what was counted.
func (c *StatementCount) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byText = nil
}

// StatementTally is a statement's text and how many times it ran.
type StatementTally struct {
	Text  string
	Count int
}

// Tallies returns the counts, the most frequent first.
func (c *StatementCount) Tallies() []StatementTally {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]StatementTally, 0, len(c.byText))
	for q, n := range c.byText {
		out = append(out, StatementTally{q, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Text < out[j].Text
	})
	return out
}
