package sqlstore

import "strings"

// columnFields derives the filterable properties of plain columns from their
// names, given as a comma-separated column list: the property is the column
// name without underscores ("display_name" is "displayname"), and a column
// ending in "_at" is the time property "…datetime" ("created_at" is
// "createddatetime"). extra holds the properties that do not follow the
// rule (navigation paths, booleans, enums, renamed columns) and wins over a
// derived one of the same name.
func columnFields(cols string, extra fields) fields {
	f := fields{}
	for _, c := range strings.Split(cols, ",") {
		c = strings.TrimSpace(c)
		if stem, ok := strings.CutSuffix(c, "_at"); ok {
			f[strings.ReplaceAll(stem, "_", "")+"datetime"] = column{expr: c, kind: colTime}
			continue
		}
		f[strings.ReplaceAll(c, "_", "")] = column{expr: c}
	}
	for name, col := range extra {
		f[name] = col
	}
	return f
}
