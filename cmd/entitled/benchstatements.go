package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/entitled-dev/entitled/sqlstore"
)

// printStatements prints the statements per request of a bench run: their
// total, then each text's share, the most frequent first (texts shortened
// to a line).
func printStatements(out io.Writer, tallies []sqlstore.StatementTally, n int) {
	total := 0
	for _, t := range tallies {
		total += t.Count
	}
	fmt.Fprintf(out, "statements: %.3f per request run by the store (River's, BEGIN and COMMIT left out)\n", float64(total)/float64(n))
	for _, t := range tallies {
		if float64(t.Count)/float64(n) < 0.001 {
			break
		}
		text := strings.Join(strings.Fields(t.Text), " ")
		if r := []rune(text); len(r) > 110 {
			text = string(r[:110]) + "…"
		}
		fmt.Fprintf(out, "  %.3f  %s\n", float64(t.Count)/float64(n), text)
	}
}
