package scimserver

import (
	"fmt"
	"strconv"
	"strings"
)

// get returns the value of a key of m, matched case-insensitively as SCIM
// attribute names are.
func get(m map[string]any, key string) (any, bool) {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// str reads a string value; nil is "".
func str(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case fmt.Stringer:
		return x.String(), nil
	}
	return "", fmt.Errorf("a string is expected, got %v", v)
}

// boolean reads a boolean, also as the strings "True"/"False" Entra ID
// sends.
func boolean(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		b, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(x)))
		if err != nil {
			return false, fmt.Errorf("active must be true or false, got %q", x)
		}
		return b, nil
	}
	return false, fmt.Errorf("active must be true or false, got %v", v)
}

// primaryValue returns the value of the primary entry of a multi-valued
// attribute (emails), else of the first; "" when there is none.
func primaryValue(v any) string {
	first := ""
	for _, m := range entries(v) {
		val, _ := get(m, "value")
		s, _ := str(val)
		if p, _ := get(m, "primary"); p != nil {
			if b, err := boolean(p); err == nil && b && s != "" {
				return s
			}
		}
		if first == "" {
			first = s
		}
	}
	return first
}

// refValues returns the "value" of each entry of a multi-valued reference
// attribute (members).
func refValues(v any) []string {
	var out []string
	for _, m := range entries(v) {
		if val, ok := get(m, "value"); ok {
			if s, _ := str(val); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// entries returns the entries of a multi-valued attribute that are objects:
// a list of them, or a lone object standing for a list of one.
func entries(v any) []map[string]any {
	var out []map[string]any
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	case []map[string]any:
		out = x
	case map[string]any:
		out = []map[string]any{x}
	}
	return out
}

// managerID reads the manager of the enterprise extension: {"value": id}
// or a bare id; "" clears it.
func managerID(v any) string {
	if m, ok := v.(map[string]any); ok {
		val, _ := get(m, "value")
		s, _ := str(val)
		return s
	}
	s, _ := str(v)
	return s
}
