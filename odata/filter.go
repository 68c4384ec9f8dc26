package odata

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/entitled-dev/entitled"
)

// maxDepth bounds the nesting of a $filter expression.
const maxDepth = 64

// lambdaProperties maps "collection/property" inside an any() lambda to the
// flat property the stores filter on.
var lambdaProperties = map[string]string{
	"targetresources/id": "targetId",
}

var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ParseFilter parses a $filter expression: comparisons (eq ne gt ge lt le)
// of a property path (optionally wrapped in tolower() or toupper()) with a
// literal, "in (…)", contains/startswith/endswith,
// and/or/not with parentheses, and "collection/any(x: x/prop eq …)" lambdas.
// Literals are 'strings' (” escapes a quote), numbers, true, false, null,
// unquoted date-times (2026-01-01T00:00:00Z) and unquoted GUIDs. An empty
// filter yields nil. Errors are 400 *entitled.Error with Target "$filter"
// and the position of the problem.
func ParseFilter(s string) (entitled.Expr, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if len(s) > MaxFilterLength {
		return nil, invalid("$filter", "$filter is %d bytes long; the limit is %d", len(s), MaxFilterLength).WithKey("err.filter.tooLong", "Length", len(s), "Max", MaxFilterLength)
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	e, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, filterError(t.pos, "unexpected %q; combine conditions with and/or", t.text).WithKey("err.filter.unexpected", "Position", t.pos, "Token", t.text)
	}
	return e, nil
}

type parser struct {
	toks []token
	i    int
	// lambda variable in scope ("t" in any(t: t/id eq 'x')) and its collection.
	lambdaVar, lambdaColl string
	// values and conditions read so far, bounded by MaxFilterValues and
	// MaxFilterConditions.
	values, conditions int
}

// condition counts a condition with n literal values against the limits.
func (p *parser) condition(pos, n int) error {
	p.conditions++
	p.values += n
	if p.conditions > MaxFilterConditions {
		return filterError(pos, "the filter holds more than %d conditions; split the query", MaxFilterConditions).WithKey("err.filter.tooManyConditions", "Position", pos, "Max", MaxFilterConditions)
	}
	if p.values > MaxFilterValues {
		return filterError(pos, "the filter holds more than %d values (in (…) lists included); split the query", MaxFilterValues).WithKey("err.filter.tooManyValues", "Position", pos, "Max", MaxFilterValues)
	}
	return nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) keyword(t token, kw string) bool {
	return t.kind == tokIdent && strings.EqualFold(t.text, kw)
}

func (p *parser) expect(kind tokKind, what string) (token, error) {
	t := p.next()
	if t.kind != kind {
		if t.kind == tokEOF {
			return t, filterError(t.pos, "expected %s but the filter ended", what).WithKey("err.filter.endedExpecting", "Position", t.pos, "Expected", what)
		}
		return t, filterError(t.pos, "expected %s but found %q", what, t.text).WithKey("err.filter.foundExpecting", "Position", t.pos, "Expected", what, "Token", t.text)
	}
	return t, nil
}

func (p *parser) or(depth int) (entitled.Expr, error) {
	if depth > maxDepth {
		return nil, filterError(p.peek().pos, "expression is nested too deeply").WithKey("err.filter.tooDeep", "Position", p.peek().pos)
	}
	return p.chain(depth, "or", p.and)
}

func (p *parser) and(depth int) (entitled.Expr, error) {
	return p.chain(depth, "and", p.unary)
}

// chain parses operand (op operand)…, grouping to the left: a and b and c
// is (a and b) and c.
func (p *parser) chain(depth int, op string, operand func(depth int) (entitled.Expr, error)) (entitled.Expr, error) {
	left, err := operand(depth)
	if err != nil {
		return nil, err
	}
	for p.keyword(p.peek(), op) {
		p.next()
		right, err := operand(depth)
		if err != nil {
			return nil, err
		}
		left = entitled.Logical{Op: op, Left: left, Right: right}
	}
	return left, nil
}

func (p *parser) unary(depth int) (entitled.Expr, error) {
	if depth > maxDepth {
		return nil, filterError(p.peek().pos, "expression is nested too deeply").WithKey("err.filter.tooDeep", "Position", p.peek().pos)
	}
	if p.keyword(p.peek(), "not") {
		p.next()
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return entitled.Not{X: x}, nil
	}
	return p.primary(depth)
}

var compareOps = map[string]bool{"eq": true, "ne": true, "gt": true, "ge": true, "lt": true, "le": true}

var stringFuncs = map[string]string{"contains": "contains", "startswith": "startswith", "endswith": "endswith"}

// caseFuncs are the functions that may wrap a property: tolower(displayName).
var caseFuncs = map[string]string{"tolower": "tolower", "toupper": "toupper"}

// operand reads a property, plain or wrapped in tolower()/toupper(), whose
// first token t is already read.
func (p *parser) operand(t token) (prop, fn string, err error) {
	if f, ok := caseFuncs[strings.ToLower(t.text)]; ok && p.peek().kind == tokLParen {
		p.next()
		pt, err := p.expect(tokIdent, "a property name")
		if err != nil {
			return "", "", err
		}
		if prop, err = p.property(pt); err != nil {
			return "", "", err
		}
		if _, err := p.expect(tokRParen, "')'"); err != nil {
			return "", "", err
		}
		return prop, f, nil
	}
	prop, err = p.property(t)
	return prop, "", err
}

func (p *parser) primary(depth int) (entitled.Expr, error) {
	t := p.next()
	switch t.kind {
	case tokLParen:
		e, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tokRParen, "')'"); err != nil {
			return nil, err
		}
		return e, nil
	case tokIdent:
	case tokEOF:
		return nil, filterError(t.pos, "expected a condition but the filter ended").WithKey("err.filter.conditionExpected", "Position", t.pos)
	default:
		return nil, filterError(t.pos, "expected a property name but found %q", t.text).WithKey("err.filter.propertyExpected", "Position", t.pos, "Token", t.text)
	}
	if fn, ok := stringFuncs[strings.ToLower(t.text)]; ok && p.peek().kind == tokLParen {
		return p.call(fn)
	}
	_, isCase := caseFuncs[strings.ToLower(t.text)]
	if p.peek().kind == tokLParen && !isCase {
		if strings.HasSuffix(strings.ToLower(t.text), "/any") {
			return p.lambda(t, depth)
		}
		return nil, filterError(t.pos, "unsupported function %q; use contains, startswith, endswith, tolower, toupper or any", t.text).WithKey("err.filter.unsupportedFunction", "Position", t.pos, "Function", t.text)
	}
	prop, fn, err := p.operand(t)
	if err != nil {
		return nil, err
	}
	op := p.next()
	if op.kind != tokIdent {
		if op.kind == tokEOF {
			return nil, filterError(op.pos, "expected an operator (eq, ne, gt, ge, lt, le, in) after %q", t.text).WithKey("err.filter.operatorAfter", "Position", op.pos, "Token", t.text)
		}
		return nil, filterError(op.pos, "expected an operator (eq, ne, gt, ge, lt, le, in) but found %q", op.text).WithKey("err.filter.operatorExpected", "Position", op.pos, "Token", op.text)
	}
	name := strings.ToLower(op.text)
	if name == "in" {
		return p.in(prop, fn)
	}
	if !compareOps[name] {
		return nil, filterError(op.pos, "unsupported operator %q; use eq, ne, gt, ge, lt, le or in", op.text).WithKey("err.filter.unsupportedOperator", "Position", op.pos, "Operator", op.text)
	}
	v, err := p.literal()
	if err != nil {
		return nil, err
	}
	if err := p.condition(op.pos, 1); err != nil {
		return nil, err
	}
	return entitled.Compare{Op: name, Property: prop, Value: v, Case: fn}, nil
}

// property resolves a property path, rewriting lambda variable paths.
func (p *parser) property(t token) (string, error) {
	path := t.text
	if strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") || strings.Contains(path, "//") {
		return "", filterError(t.pos, "%q is not a valid property path", path).WithKey("err.filter.badPath", "Position", t.pos, "Path", path)
	}
	switch kw := strings.ToLower(path); kw {
	case "and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "in", "true", "false", "null":
		return "", filterError(t.pos, "expected a property name but found the keyword %q", path).WithKey("err.filter.keywordAsProperty", "Position", t.pos, "Path", path)
	}
	if p.lambdaVar == "" {
		if strings.Contains(strings.ToLower(path), "/any") {
			return "", filterError(t.pos, "any() must be followed by (x: condition)").WithKey("err.filter.anyNeedsLambda", "Position", t.pos)
		}
		return path, nil
	}
	head, rest, _ := strings.Cut(path, "/")
	if head != p.lambdaVar || rest == "" {
		return "", filterError(t.pos, "inside any(%s: …) refer to properties as %s/property", p.lambdaVar, p.lambdaVar).WithKey("err.filter.lambdaPrefix", "Position", t.pos, "Var", p.lambdaVar, "Var2", p.lambdaVar)
	}
	full := p.lambdaColl + "/" + rest
	if mapped, ok := lambdaProperties[strings.ToLower(full)]; ok {
		return mapped, nil
	}
	return full, nil
}

func (p *parser) call(fn string) (entitled.Expr, error) {
	if err := p.condition(p.next().pos, 1); err != nil { // (
		return nil, err
	}
	pt, err := p.expect(tokIdent, "a property name")
	if err != nil {
		return nil, err
	}
	prop, caseFn, err := p.operand(pt)
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokComma, "','"); err != nil {
		return nil, err
	}
	st, err := p.expect(tokString, "a quoted string")
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokRParen, "')'"); err != nil {
		return nil, err
	}
	return entitled.Call{Func: fn, Property: prop, Value: st.text, Case: caseFn}, nil
}

func (p *parser) lambda(t token, depth int) (entitled.Expr, error) {
	if p.lambdaVar != "" {
		return nil, filterError(t.pos, "nested any() is not supported").WithKey("err.filter.nestedAny", "Position", t.pos)
	}
	coll := t.text[:len(t.text)-len("/any")]
	if coll == "" || strings.Contains(coll, "//") {
		return nil, filterError(t.pos, "%q is not a valid collection path", t.text).WithKey("err.filter.badCollection", "Position", t.pos, "Path", t.text)
	}
	p.next() // (
	v, err := p.expect(tokIdent, "a variable name such as t")
	if err != nil {
		return nil, err
	}
	if strings.Contains(v.text, "/") {
		return nil, filterError(v.pos, "%q is not a valid variable name", v.text).WithKey("err.filter.badVariable", "Position", v.pos, "Name", v.text)
	}
	if _, err := p.expect(tokColon, "':'"); err != nil {
		return nil, err
	}
	p.lambdaVar, p.lambdaColl = v.text, coll
	body, err := p.or(depth + 1)
	p.lambdaVar, p.lambdaColl = "", ""
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tokRParen, "')'"); err != nil {
		return nil, err
	}
	return body, nil
}

func (p *parser) in(prop, fn string) (entitled.Expr, error) {
	open, err := p.expect(tokLParen, "'(' after in")
	if err != nil {
		return nil, err
	}
	if err := p.condition(open.pos, 0); err != nil {
		return nil, err
	}
	var vals []any
	for {
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		if p.values++; p.values > MaxFilterValues {
			return nil, filterError(open.pos, "the filter holds more than %d values (in (…) lists included); split the query", MaxFilterValues).WithKey("err.filter.tooManyValues", "Position", open.pos, "Max", MaxFilterValues)
		}
		vals = append(vals, v)
		t := p.next()
		if t.kind == tokRParen {
			break
		}
		if t.kind != tokComma {
			return nil, filterError(t.pos, "expected ',' or ')' in the in (…) list").WithKey("err.filter.inListSeparator", "Position", t.pos)
		}
	}
	return entitled.In{Property: prop, Values: vals, Case: fn}, nil
}

// literal reads a literal value: string, number, bool, null, date-time or GUID.
func (p *parser) literal() (any, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return t.text, nil
	case tokIdent:
		switch strings.ToLower(t.text) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return nil, filterError(t.pos, "expected a value but found %q; quote strings like '%s'", t.text, t.text).WithKey("err.filter.valueQuote", "Position", t.pos, "Token", t.text, "Token2", t.text)
	case tokBare:
		if strings.ContainsAny(t.text, "Tt") && strings.Contains(t.text, ":") {
			tm, err := time.Parse(time.RFC3339Nano, strings.ToUpper(t.text))
			if err != nil {
				return nil, filterError(t.pos, "%q is not a date-time such as 2026-01-01T00:00:00Z", t.text).WithKey("err.filter.badDateTime", "Position", t.pos, "Token", t.text)
			}
			return tm.UTC(), nil
		}
		if guidPattern.MatchString(t.text) {
			return t.text, nil
		}
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, filterError(t.pos, "%q is not a number, date-time or GUID; quote strings", t.text).WithKey("err.filter.badLiteral", "Position", t.pos, "Token", t.text)
		}
		return f, nil
	case tokEOF:
		return nil, filterError(t.pos, "expected a value but the filter ended").WithKey("err.filter.valueExpected", "Position", t.pos)
	}
	return nil, filterError(t.pos, "expected a value but found %q", t.text).WithKey("err.filter.valueFound", "Position", t.pos, "Token", t.text)
}
