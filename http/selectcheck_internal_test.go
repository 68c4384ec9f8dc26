package http

import "testing"

// TestGraphOnlyNotServed: a property listed as Graph's only is not one
// entitled serves (else a typo check would be skipped for nothing).
func TestGraphOnlyNotServed(t *testing.T) {
	for typ, props := range graphOnly {
		served := jsonNames(typ)
		for p := range props {
			if _, ok := served[p]; ok {
				t.Errorf("%s serves %q: take it off graphOnly", typ, p)
			}
		}
	}
}
