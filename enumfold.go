package entitled

import "strings"

// parseFold returns the one of values that equals s ignoring case; false
// when none does.
func parseFold[V ~string](s string, values []V) (V, bool) {
	for _, v := range values {
		if strings.EqualFold(string(v), s) {
			return v, true
		}
	}
	return "", false
}
