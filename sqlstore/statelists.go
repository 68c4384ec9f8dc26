package sqlstore

import (
	"strings"

	"github.com/entitled-dev/entitled"
)

// The SQL lists of states and types the queries filter on, built once from
// the root package's sets so that SQL and Go cannot disagree.
var (
	// openStatesSQL lists entitled.OpenRequestStates.
	openStatesSQL = sqlList(entitled.OpenRequestStates)
	// addTypesSQL lists entitled.AddRequestTypes.
	addTypesSQL = sqlList(entitled.AddRequestTypes)
	// removeTypesSQL lists entitled.RemoveRequestTypes.
	removeTypesSQL = sqlList(entitled.RemoveRequestTypes)
	// finalDeliverySQL lists entitled.FinalDeliveryStatuses.
	finalDeliverySQL = sqlList(entitled.FinalDeliveryStatuses)
)

// sqlList writes values as an SQL list of string literals: ('a','b'). The
// values are the project's own constants, never input.
func sqlList[T ~string](vs []T) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = "'" + strings.ReplaceAll(string(v), "'", "''") + "'"
	}
	return "(" + strings.Join(parts, ",") + ")"
}
