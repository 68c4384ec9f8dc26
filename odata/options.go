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
	// Nested is Options parsed (ParseNested); nil until the caller parses it.
	Nested *Query
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

// invalid is a 400 naming the offending option; callers add the message
// key.
//
//i18n:keyed-by-caller
func invalid(target, format string, args ...any) *entitled.Error {
	return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: target,
		Message: fmt.Sprintf(format, args...)}
}

// Parse reads the query options of a collection or entity read. expandable
// lists the navigation properties $expand may name here; any other is a 400,
// and so are nested options in $expand (ParseTree reads those).
// $search and $skip are refused (use $filter and $skiptoken).
func Parse(v url.Values, expandable ...string) (Query, error) {
	q, err := parse(v, expandable)
	if err != nil {
		return q, err
	}
	for _, e := range q.Expand {
		if strings.TrimSpace(e.Options) != "" {
			return q, invalid("$expand", "$expand=%s(…): nested options are not supported here", e.Name).WithKey("err.query.nestedOptions", "Name", e.Name)
		}
	}
	return q, nil
}

func parse(v url.Values, expandable []string) (Query, error) {
	var q Query
	var err error
	if _, ok := v["$search"]; ok {
		return q, invalid("$search", "$search is not supported; use $filter with contains(property,'text')").WithKey("err.query.noSearch")
	}
	if _, ok := v["$skip"]; ok {
		return q, invalid("$skip", "$skip is not supported; follow @odata.nextLink, which carries a $skiptoken").WithKey("err.query.noSkip")
	}
	if q.List.Filter, err = ParseFilter(v.Get("$filter")); err != nil {
		return q, err
	}
	if s := strings.TrimSpace(v.Get("$top")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > entitled.MaxPageSize {
			return q, invalid("$top", "$top must be a whole number from 1 to %d, not %q", entitled.MaxPageSize, s).WithKey("err.query.badTop", "Max", entitled.MaxPageSize, "Value", s)
		}
		q.List.Top = n
	}
	q.List.SkipToken = v.Get("$skiptoken")
	if len(q.List.SkipToken) > MaxSkipTokenLength {
		return q, invalid("$skiptoken", "invalid $skiptoken: pass the value from @odata.nextLink unchanged").WithKey("err.query.badSkipToken")
	}
	switch s := strings.ToLower(strings.TrimSpace(v.Get("$count"))); s {
	case "", "false":
	case "true":
		q.List.Count = true
	default:
		return q, invalid("$count", "$count must be true or false, not %q", v.Get("$count")).WithKey("err.query.badCount", "Value", v.Get("$count"))
	}
	q.List.OrderBy = strings.TrimSpace(v.Get("$orderby"))
	if len(q.List.OrderBy) > MaxOrderByLength || strings.Count(q.List.OrderBy, ",") >= MaxOrderByKeys {
		return q, invalid("$orderby", "$orderby may list at most %d keys in %d characters", MaxOrderByKeys, MaxOrderByLength).WithKey("err.query.orderByTooLong", "Keys", MaxOrderByKeys, "Length", MaxOrderByLength)
	}
	if q.Expand, err = ParseExpand(v.Get("$expand"), expandable...); err != nil {
		return q, err
	}
	q.Select = ParseSelect(v.Get("$select"))
	if len(q.Select) > MaxSelect {
		return q, invalid("$select", "$select names %d properties; the limit is %d", len(q.Select), MaxSelect).WithKey("err.query.selectTooLong", "Given", len(q.Select), "Max", MaxSelect)
	}
	return q, nil
}

// ParseExpand reads a $expand value: comma-separated navigation properties,
// each optionally followed by nested options in parentheses. Names not in
// allowed (case-insensitive) are a 400 error naming the allowed values.
func ParseExpand(s string, allowed ...string) ([]Expand, error) {
	if d := nesting(s); d > MaxExpandDepth {
		return nil, invalid("$expand", "$expand options nest %d levels deep; the limit is %d", d, MaxExpandDepth).WithKey("err.query.expandTooDeep", "Depth", d, "Max", MaxExpandDepth)
	}
	var out []Expand
	for _, item := range splitTop(s) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if len(out) == MaxExpand {
			return nil, invalid("$expand", "$expand names more than %d navigation properties", MaxExpand).WithKey("err.query.expandTooMany", "Max", MaxExpand)
		}
		name, opts := item, ""
		if i := strings.IndexByte(item, '('); i >= 0 {
			if !strings.HasSuffix(item, ")") {
				return nil, invalid("$expand", "$expand item %q has unbalanced parentheses", item).WithKey("err.query.expandParens", "Item", item)
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
				return nil, invalid("$expand", "$expand is not supported here").WithKey("err.query.noExpand")
			}
			return nil, invalid("$expand", "cannot expand %q here; expandable: %s", name, strings.Join(allowed, ", ")).WithKey("err.query.notExpandable", "Name", name, "Allowed", strings.Join(allowed, ", "))
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
func splitTop(s string) []string { return splitTopOn(s, ',') }

// splitTopOn splits s at sep outside parentheses.
func splitTopOn(s string, sep byte) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case sep:
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

// ParseNested reads the options nested in a $expand item, e.g. the
// "$expand=target;$select=id" of assignment($expand=target;$select=id).
// Nested $expand and $select are supported; any other nested option is a
// 400, never silently dropped. expandable lists what the nested $expand may
// name.
func ParseNested(name, opts string, expandable ...string) (Query, error) {
	var q Query
	if len(opts) > MaxOrderByLength*5 {
		return q, invalid("$expand", "$expand=%s(…): the nested options are %d bytes long; the limit is %d", name, len(opts), MaxOrderByLength*5).WithKey("err.query.nestedTooLong", "Name", name, "Length", len(opts), "Max", MaxOrderByLength*5)
	}
	for _, part := range splitTopOn(opts, ';') {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return q, invalid("$expand", "$expand=%s(…): nested options are written $option=value, separated by ;", name).WithKey("err.query.nestedSyntax", "Name", name)
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "$expand":
			sub, err := ParseExpand(v, expandable...)
			if err != nil {
				err.(*entitled.Error).Message = fmt.Sprintf("in $expand=%s(…): %s", name, err.(*entitled.Error).Message)
				return q, err
			}
			q.Expand = append(q.Expand, sub...)
		case "$select":
			q.Select = append(q.Select, ParseSelect(v)...)
		default:
			return q, invalid("$expand", "$expand=%s(…): a nested %.20s is not supported; only $expand and $select may be nested", name, strings.TrimSpace(k)).WithKey("err.query.nestedUnsupported", "Name", name, "Option", strings.TrimSpace(k))
		}
	}
	return q, nil
}

// Sub returns the options nested in the $expand item name, as set by the
// caller after ParseNested (an empty Query when there are none).
func (q Query) Sub(name string) Query {
	for _, e := range q.Expand {
		if strings.EqualFold(e.Name, name) && e.Nested != nil {
			return *e.Nested
		}
	}
	return Query{}
}
