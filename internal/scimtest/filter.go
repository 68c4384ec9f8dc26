package scimtest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/scim2/filter-parser/v2"
)

// valuer gives the values of an attribute of a resource for filtering; ok is
// false for an attribute the server cannot filter on.
type valuer func(attr string) (values []string, ok bool)

// caseExact says whether comparisons on attr are case-sensitive (RFC 7643:
// id and externalId are caseExact; userName, displayName, emails are not).
func caseExact(attr string) bool {
	a := strings.ToLower(attr)
	return a == "id" || a == "externalid" || strings.HasPrefix(a, "members")
}

// matches evaluates a parsed SCIM filter against a resource. It returns an
// error for filters it cannot evaluate (the caller answers 400 invalidFilter).
func matches(e filter.Expression, v valuer) (bool, error) {
	switch e := e.(type) {
	case *filter.AttributeExpression:
		name := e.AttributePath.AttributeName
		if sub := e.AttributePath.SubAttributeName(); sub != "" {
			name += "." + sub
		}
		return compare(name, e.Operator, e.CompareValue, v)
	case *filter.ValuePath:
		// emails[value eq "x"]: only simple sub-attribute expressions.
		inner, ok := e.ValueFilter.(*filter.AttributeExpression)
		if !ok {
			return false, fmt.Errorf("only one comparison is supported inside [ ]")
		}
		name := e.AttributePath.AttributeName + "." + inner.AttributePath.AttributeName
		return compare(name, inner.Operator, inner.CompareValue, v)
	case *filter.LogicalExpression:
		l, err := matches(e.Left, v)
		if err != nil {
			return false, err
		}
		r, err := matches(e.Right, v)
		if err != nil {
			return false, err
		}
		if e.Operator == filter.AND {
			return l && r, nil
		}
		return l || r, nil
	case *filter.NotExpression:
		m, err := matches(e.Expression, v)
		return !m, err
	}
	return false, fmt.Errorf("unsupported filter expression %v", e)
}

func compare(attr string, op filter.CompareOperator, value any, v valuer) (bool, error) {
	values, ok := v(attr)
	if !ok {
		return false, fmt.Errorf("filtering on %s is not supported", attr)
	}
	if op == filter.PR {
		for _, x := range values {
			if x != "" {
				return true, nil
			}
		}
		return false, nil
	}
	raw, ok := value.(string)
	if !ok {
		return false, fmt.Errorf("%s compares with strings only", attr)
	}
	// The parser keeps the JSON escapes of the compare value (RFC 7644
	// §3.4.2.2 makes it a JSON string): undo them.
	want := raw
	if strings.Contains(raw, `\`) {
		if err := json.Unmarshal([]byte(`"`+raw+`"`), &want); err != nil {
			return false, fmt.Errorf("compare value %s is not a valid JSON string", raw)
		}
	}
	exact := caseExact(attr)
	if op == filter.EQ || op == filter.NE {
		for _, x := range values {
			eq := x == want || (!exact && strings.EqualFold(x, want))
			if eq == (op == filter.EQ) {
				return true, nil
			}
		}
		return false, nil
	}
	if !exact {
		want = strings.ToLower(want)
	}
	for _, x := range values {
		if !exact {
			x = strings.ToLower(x)
		}
		var hit bool
		switch op {
		case filter.CO:
			hit = strings.Contains(x, want)
		case filter.SW:
			hit = strings.HasPrefix(x, want)
		case filter.EW:
			hit = strings.HasSuffix(x, want)
		default:
			return false, fmt.Errorf("operator %s is not supported on %s", op, attr)
		}
		if hit {
			return true, nil
		}
	}
	return false, nil
}
