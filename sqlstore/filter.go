package sqlstore

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/entitled-dev/entitled"
)

// colKind says how a filter literal is converted for a column.
type colKind int

const (
	colText colKind = iota
	colBool
	colTime
	colInt
)

// column maps a documented property to its SQL expression.
type column struct {
	expr string
	kind colKind
	// enum, when set, normalises enum literals (case-insensitive on input).
	enum func(string) (string, bool)
	// bound, when set, is a condition a comparison with the literal v
	// implies (an indexed range), ANDed to it; "" for none.
	bound func(op string, v any) (string, []any)
}

// fields maps lower-cased property paths ("state", "accesspackage/id") to columns.
type fields map[string]column

// where translates a $filter expression to SQL with ? placeholders. Unknown
// properties, wrong literal types and unsupported operators are 400 errors.
func where(e entitled.Expr, f fields) (string, []any, error) {
	if e == nil {
		return "", nil, nil
	}
	var args []any
	sql, err := translate(e, f, &args)
	return sql, args, err
}

// badFilter is the 400 for a $filter the store cannot run; callers add
// the message key.
//
//i18n:keyed-by-caller
func badFilter(format string, a ...any) *entitled.Error {
	return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$filter",
		Message: "invalid $filter: " + fmt.Sprintf(format, a...)}
}

func lookup(f fields, prop string) (column, error) {
	c, ok := f[strings.ToLower(prop)]
	if !ok {
		return column{}, badFilter("property %q cannot be filtered on here", prop).WithKey("err.filter.notFilterable", "Property", prop)
	}
	return c, nil
}

func literal(c column, prop string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.kind {
	case colBool:
		b, ok := v.(bool)
		if !ok {
			return nil, badFilter("%s takes true or false", prop).WithKey("err.filter.wantsBool", "Property", prop)
		}
		if b {
			return 1, nil
		}
		return 0, nil
	case colInt:
		n, ok := v.(float64)
		if !ok {
			return nil, badFilter("%s takes a number", prop).WithKey("err.filter.wantsNumber", "Property", prop)
		}
		return int64(n), nil
	case colTime:
		switch t := v.(type) {
		case time.Time:
			return fmtTime(t), nil
		case string:
			p, err := time.Parse(time.RFC3339Nano, t)
			if err != nil {
				return nil, badFilter("%s takes a date-time such as 2026-01-31T00:00:00Z", prop).WithKey("err.filter.wantsDateTime", "Property", prop)
			}
			return fmtTime(p), nil
		}
		return nil, badFilter("%s takes a date-time such as 2026-01-31T00:00:00Z", prop).WithKey("err.filter.wantsDateTime", "Property", prop)
	}
	s, ok := v.(string)
	if !ok {
		return nil, badFilter("%s takes a quoted string", prop).WithKey("err.filter.wantsString", "Property", prop)
	}
	if c.enum != nil {
		n, ok := c.enum(s)
		if !ok {
			return nil, badFilter("%q is not a valid value of %s", s, prop).WithKey("err.filter.badValue", "Value", s, "Property", prop)
		}
		return n, nil
	}
	return s, nil
}

// implied is the condition c.bound adds to a comparison, if any.
func implied(c column, op string, v any) (string, []any) {
	if c.bound == nil {
		return "", nil
	}
	return c.bound(op, v)
}

// operand is the SQL of a property, wrapped in LOWER/UPPER when the filter
// wraps it in tolower()/toupper(), which apply to text properties only.
func operand(c column, prop, fn string) (string, error) {
	if fn == "" {
		return c.expr, nil
	}
	if c.kind != colText || c.enum != nil {
		return "", badFilter("%s only applies to text properties, not %s", fn, prop).WithKey("err.filter.textOnlyNot", "Function", fn, "Property", prop)
	}
	switch strings.ToLower(fn) {
	case "tolower":
		return "LOWER(idtext(" + c.expr + "))", nil
	case "toupper":
		return "UPPER(idtext(" + c.expr + "))", nil
	}
	return "", badFilter("unknown function %q", fn).WithKey("err.filter.unknownFunction", "Function", fn)
}

var sqlOps = map[string]string{"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}

func translate(e entitled.Expr, f fields, args *[]any) (string, error) {
	switch x := e.(type) {
	case entitled.Logical:
		l, err := translate(x.Left, f, args)
		if err != nil {
			return "", err
		}
		r, err := translate(x.Right, f, args)
		if err != nil {
			return "", err
		}
		op := strings.ToUpper(x.Op)
		if op != "AND" && op != "OR" {
			return "", badFilter("unknown operator %q", x.Op).WithKey("err.filter.unknownOperator", "Operator", x.Op)
		}
		return "(" + l + " " + op + " " + r + ")", nil
	case entitled.Not:
		in, err := translate(x.X, f, args)
		if err != nil {
			return "", err
		}
		return "(NOT " + in + ")", nil
	case entitled.Compare:
		c, err := lookup(f, x.Property)
		if err != nil {
			return "", err
		}
		op, ok := sqlOps[strings.ToLower(x.Op)]
		if !ok {
			return "", badFilter("unknown operator %q", x.Op).WithKey("err.filter.unknownOperator", "Operator", x.Op)
		}
		expr, err := operand(c, x.Property, x.Case)
		if err != nil {
			return "", err
		}
		v, err := literal(c, x.Property, x.Value)
		if err != nil {
			return "", err
		}
		if v == nil {
			switch op {
			case "=":
				return "(" + expr + " IS NULL)", nil
			case "<>":
				return "(" + expr + " IS NOT NULL)", nil
			}
			return "", badFilter("null can only be compared with eq or ne").WithKey("err.filter.nullCompare")
		}
		*args = append(*args, textIfCased(v, x.Case))
		if b, bargs := implied(c, op, v); b != "" {
			*args = append(*args, bargs...)
			return "(" + expr + " " + op + " ? AND " + b + ")", nil
		}
		return "(" + expr + " " + op + " ?)", nil
	case entitled.In:
		c, err := lookup(f, x.Property)
		if err != nil {
			return "", err
		}
		if len(x.Values) == 0 {
			return "", badFilter("in needs at least one value").WithKey("err.filter.emptyIn")
		}
		expr, err := operand(c, x.Property, x.Case)
		if err != nil {
			return "", err
		}
		marks := make([]string, len(x.Values))
		for i, v := range x.Values {
			lv, err := literal(c, x.Property, v)
			if err != nil {
				return "", err
			}
			*args = append(*args, textIfCased(lv, x.Case))
			marks[i] = "?"
		}
		return "(" + expr + " IN (" + strings.Join(marks, ",") + "))", nil
	case entitled.Call:
		c, err := lookup(f, x.Property)
		if err != nil {
			return "", err
		}
		if c.kind != colText || c.enum != nil {
			return "", badFilter("%s only applies to text properties", x.Func).WithKey("err.filter.textOnly", "Function", x.Func)
		}
		if _, err := operand(c, x.Property, x.Case); err != nil {
			return "", err
		}
		esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(x.Value))
		switch strings.ToLower(x.Func) {
		case "contains":
			esc = "%" + esc + "%"
		case "startswith":
			esc = esc + "%"
		case "endswith":
			esc = "%" + esc
		default:
			return "", badFilter("unknown function %q", x.Func).WithKey("err.filter.unknownFunction", "Function", x.Func)
		}
		*args = append(*args, keepText(esc))
		return "(LOWER(idtext(" + c.expr + ")) LIKE ? ESCAPE '\\')", nil
	}
	return "", badFilter("unsupported expression").WithKey("err.filter.unsupported")
}

// enumOf returns an enum normaliser over the allowed values.
func enumOf(values ...string) func(string) (string, bool) {
	return func(s string) (string, bool) {
		for _, v := range values {
			if strings.EqualFold(v, s) {
				return v, true
			}
		}
		return "", false
	}
}

// Keyset paging: the skip token is the last id of the previous page,
// base64url-encoded, so reading page n costs the same as reading page 1.

func decodeSkipToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	// One spelling per token (no line breaks, no stray bits). The id must be text PostgreSQL can
	// compare (valid UTF-8 without NUL), or the query would fail with a 500. Ids never start
	// with "{": such a token is an ordered page's (orderby.go), refused without its $orderby.
	b, err := base64.RawURLEncoding.Strict().DecodeString(tok)
	if err != nil || len(b) == 0 || encodeSkipToken(string(b)) != tok || !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 ||
		b[0] == '{' {
		return "", (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$skiptoken",
			Message: "invalid $skiptoken: pass the value from @odata.nextLink unchanged, with the same $orderby"}).WithKey("err.filter.badSkipToken")
	}
	return string(b), nil
}

func encodeSkipToken(lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(lastID))
}

// listQuery holds the WHERE (base condition, $filter, skip-token keyset),
// the ORDER BY of the $orderby and the page size of a keyset-paged list.
type listQuery struct {
	where string
	args  []any
	limit int
	order ordering
}

// orderLimit is " ORDER BY … LIMIT n+1", one row more than the page to see
// whether a next page exists.
func (q listQuery) orderLimit() string {
	return fmt.Sprintf(" ORDER BY %s LIMIT %d", q.order.orderSQL(), q.limit+1)
}

// buildList combines a base condition, the $filter, the $orderby and the
// skip token. idExpr is the id column expression (e.g. "r.id").
func buildList(opt entitled.ListOptions, f fields, idExpr, base string, baseArgs ...any) (listQuery, error) {
	conds := []string{}
	args := []any{}
	if base != "" {
		conds = append(conds, "("+base+")")
		args = append(args, baseArgs...)
	}
	fw, fa, err := where(opt.Filter, f)
	if err != nil {
		return listQuery{}, err
	}
	if fw != "" {
		conds = append(conds, fw)
		args = append(args, fa...)
	}
	order, err := newOrdering(opt, f, idExpr)
	if err != nil {
		return listQuery{}, err
	}
	after, afterArgs, err := order.after(opt.SkipToken)
	if err != nil {
		return listQuery{}, err
	}
	if after != "" {
		conds = append(conds, after)
		args = append(args, afterArgs...)
	}
	w := ""
	if len(conds) > 0 {
		w = "WHERE " + strings.Join(conds, " AND ")
	}
	return listQuery{where: w, args: args, limit: opt.Limit(), order: order}, nil
}

// countWhere builds the condition for $count (without the skip token).
func countWhere(opt entitled.ListOptions, f fields, base string, baseArgs ...any) (string, []any, error) {
	o := opt
	o.SkipToken = ""
	q, err := buildList(o, f, "", base, baseArgs...)
	return q.where, q.args, err
}

// finishPage trims the extra row fetched to detect a next page.
func finishPage[T any](items []T, limit int, idOf func(T) string) entitled.Page[T] {
	p := entitled.Page[T]{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.NextSkipToken = encodeSkipToken(idOf(p.Items[limit-1]))
	}
	if p.Items == nil {
		p.Items = []T{}
	}
	return p
}
