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
//
// Two kinds of names are answered without the property instead, since
// scripts written for Graph select them: the properties of Graph's
// entitlement-management types that entitled does not serve (graphOnly),
// and any name on a directory object (directoryTypes), whose Graph types
// have dozens of properties entitled does not keep (jobTitle, department …).
func checkSelect(v any, sel []string) error {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || len(sel) == 0 || directoryTypes[t] {
		return nil
	}
	names := jsonNames(t)
	for _, s := range sel {
		if strings.EqualFold(s, "id") || strings.HasPrefix(s, "@odata.") || graphOnly[t][strings.ToLower(s)] {
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

// directoryTypes are the wire types of directory objects, whose $select
// names are not checked (checkSelect).
var directoryTypes = map[reflect.Type]bool{
	reflect.TypeFor[userWire]():             true,
	reflect.TypeFor[groupWire]():            true,
	reflect.TypeFor[servicePrincipalWire](): true,
	reflect.TypeFor[roleAssignmentWire]():   true,
	reflect.TypeFor[roleDefinitionWire]():   true,
	reflect.TypeFor[auditWire]():            true,
}

// graphOnly are, per wire type, the properties (lower case) of Graph's
// entity type that entitled does not serve: custom extensions, connected
// organizations, resource attributes and environments, and relationships
// entitled serves at paths of their own.
var graphOnly = map[reflect.Type]map[string]bool{
	reflect.TypeFor[catalogWire](): {"customworkflowextensions": true, "resourceroles": true, "resourcescopes": true, "resources": true},
	reflect.TypeFor[accessPackageWire](): {"accesspackagesincompatiblewith": true, "incompatibleaccesspackages": true,
		"incompatiblegroups": true},
	reflect.TypeFor[requestWire]():  {"customextensioncalloutinstances": true},
	reflect.TypeFor[resourceWire](): {"attributes": true, "environment": true, "uploadsessions": true},
	reflect.TypeFor[roleWire]():     {"type": true},
	reflect.TypeFor[scopeWire]():    {"resource": true},
	reflect.TypeFor[subjectWire](): {"connectedorganization": true, "onpremisessecurityidentifier": true,
		"subjectlifecycle": true},
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
