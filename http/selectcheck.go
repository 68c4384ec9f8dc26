package http

import (
	"reflect"
	"sort"
	"strings"
	"sync"
)

// checkSelect refuses a $select that names a property the entity v does
// not have (a typo such as $select=stat), as Graph does, instead of
// answering without it. v is the wire value about to be shaped; values
// that are not structs (already shaped JSON) are not checked.
func checkSelect(v any, sel []string) error {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || len(sel) == 0 {
		return nil
	}
	names := jsonNames(t)
	for _, s := range sel {
		if strings.EqualFold(s, "id") || strings.HasPrefix(s, "@odata.") {
			continue
		}
		if _, ok := names[strings.ToLower(s)]; !ok {
			props := make([]string, 0, len(names))
			for _, n := range names {
				props = append(props, n)
			}
			sort.Strings(props)
			list := strings.Join(props, ", ")
			return badProp("$select", "$select names %q, which is not a property here; the properties are %s", s, list).WithKey("err.query.selectUnknown", "Name", s, "Properties", list)
		}
	}
	return nil
}

// jsonNameCache holds jsonNames per type.
var jsonNameCache sync.Map // reflect.Type → map[string]string

// jsonNames are the JSON property names of a struct type, lower case to
// the name as written (embedded structs' included, "-" left out).
func jsonNames(t reflect.Type) map[string]string {
	if m, ok := jsonNameCache.Load(t); ok {
		return m.(map[string]string)
	}
	m := map[string]string{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonNames(ft) {
					m[k] = v
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[strings.ToLower(name)] = name
	}
	jsonNameCache.Store(t, m)
	return m
}
