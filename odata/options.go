package odata

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/entitled-dev/entitled"
)

// Expand is one item of $expand: a navigation property with its nested
// options, e.g. resourceRoleScopes($expand=role,scope) has Name
// "resourceRoleScopes" and Options "$expand=role,scope".
type Expand struct {
	Name    string
	Options string
}

// Query holds the parsed query options of a request.
type Query struct {
	List   entitled.ListOptions
	Expand []Expand
	// Select lists the properties to return; empty means all.
	Select []string
}

// Expanded reports whether $expand names the navigation property (case-insensitive).
func (q Query) Expanded(name string) bool {
	for _, e := range q.Expand {
		if strings.EqualFold(e.Name, name) {
			return true
		}
	}
	return false
}

func invalid(target, format string, args ...any) *entitled.Error {
	return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: target,
		Message: fmt.Sprintf(format, args...)}
}

// Parse reads the query options of a collection or entity read. expandable
// lists the navigation properties $expand may name here; any other is a 400.
// $search and $skip are refused (use $filter and $skiptoken).
func Parse(v url.Values, expandable ...string) (Query, error) {
	var q Query
	var err error
	if _, ok := v["$search"]; ok {
		return q, invalid("$search", "$search is not supported; use $filter with contains(property,'text')")
	}
	if _, ok := v["$skip"]; ok {
		return q, invalid("$skip", "$skip is not supported; follow @odata.nextLink, which carries a $skiptoken")
	}
	if q.List.Filter, err = ParseFilter(v.Get("$filter")); err != nil {
		return q, err
	}
	if s := strings.TrimSpace(v.Get("$top")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > entitled.MaxPageSize {
			return q, invalid("$top", "$top must be a whole number from 1 to %d, not %q", entitled.MaxPageSize, s)
		}
		q.List.Top = n
	}
	q.List.SkipToken = v.Get("$skiptoken")
	if len(q.List.SkipToken) > MaxSkipTokenLength {
		return q, invalid("$skiptoken", "invalid $skiptoken: pass the value from @odata.nextLink unchanged")
	}
	switch s := strings.ToLower(strings.TrimSpace(v.Get("$count"))); s {
	case "", "false":
	case "true":
		q.List.Count = true
	default:
		return q, invalid("$count", "$count must be true or false, not %q", v.Get("$count"))
	}
	q.List.OrderBy = strings.TrimSpace(v.Get("$orderby"))
	if len(q.List.OrderBy) > MaxOrderByLength || strings.Count(q.List.OrderBy, ",") >= MaxOrderByKeys {
		return q, invalid("$orderby", "$orderby may list at most %d keys in %d characters", MaxOrderByKeys, MaxOrderByLength)
	}
	if q.Expand, err = ParseExpand(v.Get("$expand"), expandable...); err != nil {
		return q, err
	}
	q.Select = ParseSelect(v.Get("$select"))
	if len(q.Select) > MaxSelect {
		return q, invalid("$select", "$select names %d properties; the limit is %d", len(q.Select), MaxSelect)
	}
	return q, nil
}

// ParseExpand reads a $expand value: comma-separated navigation properties,
// each optionally followed by nested options in parentheses. Names not in
// allowed (case-insensitive) are a 400 error naming the allowed values.
func ParseExpand(s string, allowed ...string) ([]Expand, error) {
	if d := nesting(s); d > MaxExpandDepth {
		return nil, invalid("$expand", "$expand options nest %d levels deep; the limit is %d", d, MaxExpandDepth)
	}
	var out []Expand
	for _, item := range splitTop(s) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if len(out) == MaxExpand {
			return nil, invalid("$expand", "$expand names more than %d navigation properties", MaxExpand)
		}
		name, opts := item, ""
		if i := strings.IndexByte(item, '('); i >= 0 {
			if !strings.HasSuffix(item, ")") {
				return nil, invalid("$expand", "$expand item %q has unbalanced parentheses", item)
			}
			name, opts = strings.TrimSpace(item[:i]), item[i+1:len(item)-1]
		}
		canonical := ""
		for _, a := range allowed {
			if strings.EqualFold(a, name) {
				canonical = a
			}
		}
		if canonical == "" {
			if len(allowed) == 0 {
				return nil, invalid("$expand", "$expand is not supported here")
			}
			return nil, invalid("$expand", "cannot expand %q here; expandable: %s", name, strings.Join(allowed, ", "))
		}
		out = append(out, Expand{Name: canonical, Options: opts})
	}
	return out, nil
}

// nesting is the deepest parenthesis nesting in s.
func nesting(s string) int {
	depth, deepest := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
			deepest = max(deepest, depth)
		case ')':
			depth--
		}
	}
	return deepest
}

// splitTop splits s at commas outside parentheses.
func splitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// ParseSelect reads a $select value into property names.
func ParseSelect(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
