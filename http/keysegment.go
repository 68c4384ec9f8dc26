package http

import "strings"

// keySegments rewrites OData's key syntax in a request path's segments, as
// Graph accepts it and its @odata.context links write it:
// catalogs('{id}') is catalogs/{id} (a quote inside the key is written twice).
// Function segments such as filterByCurrentUser(on='target') are left as
// they are: their parentheses hold name=value, not a quoted key.
func keySegments(segs []string) []string {
	var out []string
	for i, s := range segs {
		name, key, ok := keySegment(s)
		if !ok {
			if out != nil {
				out = append(out, s)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(segs)+1), segs[:i]...)
		}
		out = append(out, name, key)
	}
	if out == nil {
		return segs
	}
	return out
}

// keySegment splits name('key') into its name and key.
func keySegment(s string) (name, key string, ok bool) {
	open := strings.Index(s, "('")
	if open <= 0 || !strings.HasSuffix(s, "')") || len(s) < open+4 {
		return "", "", false
	}
	name, quoted := s[:open], s[open+2:len(s)-2]
	if strings.ContainsAny(name, "()'") {
		return "", "", false
	}
	// Inside the key a quote is written twice; a lone one ends it early.
	if strings.Count(quoted, "'")%2 != 0 || strings.Contains(strings.ReplaceAll(quoted, "''", ""), "'") {
		return "", "", false
	}
	return name, strings.ReplaceAll(quoted, "''", "'"), true
}
