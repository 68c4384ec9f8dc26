package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/entitled-dev/entitled"
)

// $orderby: any filterable property of a collection (the same fields map
// as $filter, so one compiler), asc or desc, several keys; id ascending
// breaks ties. Paging stays keyset under any order: the skip token of an
// ordered page holds the order, the sort-key values of the last row and its
// id, and the next page starts strictly after that tuple. The default order
// (id, or createdDateTime ascending, ids being time-ordered) keeps the plain
// id token.

// orderKey is one key of a $orderby.
type orderKey struct {
	name string // lower-cased property
	col  column
	desc bool
}

// sortExpr is the key's SQL; NULL sorts as the empty value so both
// dialects order it alike.
func (k orderKey) sortExpr() string {
	switch k.col.kind {
	case colBool, colInt:
		return "COALESCE(" + k.col.expr + ", 0)"
	}
	return "COALESCE(" + k.col.expr + ", '')"
}

// badOrderBy is the 400 for an $orderby the store cannot sort by; callers
// add the message key.
//
//i18n:keyed-by-caller
func badOrderBy(format string, a ...any) *entitled.Error {
	return &entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$orderby",
		Message: "invalid $orderby: " + fmt.Sprintf(format, a...)}
}

// parseOrderBy reads "prop [asc|desc], …" against the collection's fields.
// It returns nil for the default order (empty, id asc, createdDateTime asc).
func parseOrderBy(s string, f fields) ([]orderKey, error) {
	s = strings.TrimSpace(s)
	var keys []orderKey
	for _, item := range strings.Split(s, ",") {
		words := strings.Fields(item)
		if s == "" {
			return nil, nil
		}
		if len(words) == 0 || len(words) > 2 {
			return nil, badOrderBy("%q is not \"property\", \"property asc\" or \"property desc\"", strings.TrimSpace(item)).WithKey("err.orderby.badItem", "Item", strings.TrimSpace(item))
		}
		name := strings.ToLower(words[0])
		c, ok := f[name]
		if !ok {
			return nil, badOrderBy("property %q cannot be sorted on here; sortable: %s", words[0], strings.Join(f.names(), ", ")).WithKey("err.orderby.notSortable", "Property", words[0], "Sortable", strings.Join(f.names(), ", "))
		}
		k := orderKey{name: name, col: c}
		if len(words) == 2 {
			switch strings.ToLower(words[1]) {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, badOrderBy("%q after %s must be asc or desc", words[1], words[0]).WithKey("err.orderby.badDirection", "Direction", words[1], "Property", words[0])
			}
		}
		keys = append(keys, k)
		if name == "id" {
			break // ids are unique: later keys never decide
		}
	}
	if len(keys) == 1 && !keys[0].desc && (keys[0].name == "id" || keys[0].name == "createddatetime") {
		return nil, nil
	}
	return keys, nil
}

// names lists the documented property names of a fields map, sorted.
func (f fields) names() []string {
	out := make([]string, 0, len(f))
	for n := range f {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// ordering is a parsed $orderby applied to one collection's id column.
type ordering struct {
	spec   string // normalised $orderby, bound into skip tokens
	keys   []orderKey
	idExpr string
}

func newOrdering(opt entitled.ListOptions, f fields, idExpr string) (ordering, error) {
	keys, err := parseOrderBy(opt.OrderBy, f)
	if err != nil {
		return ordering{}, err
	}
	o := ordering{keys: keys, idExpr: idExpr}
	if len(keys) > 0 && keys[len(keys)-1].name == "id" {
		o.keys = keys[:len(keys)-1]
		if keys[len(keys)-1].desc {
			o.keys = keys // id desc stays a key; the id tie-break never decides
		}
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.name
		if k.desc {
			parts[i] += " desc"
		}
	}
	o.spec = strings.Join(parts, ",")
	return o, nil
}

// keyed reports whether the order is not the default id order.
func (o ordering) keyed() bool { return len(o.keys) > 0 }

// orderSQL is the ORDER BY list.
func (o ordering) orderSQL() string {
	parts := make([]string, 0, len(o.keys)+1)
	for _, k := range o.keys {
		p := k.sortExpr()
		if k.desc {
			p += " DESC"
		}
		parts = append(parts, p)
	}
	return strings.Join(append(parts, o.idExpr), ", ")
}

// keyToken is the skip token of an ordered page.
type keyToken struct {
	Order  string `json:"o"`
	Values []any  `json:"k"`
	ID     string `json:"id"`
}

func badSkipToken() error {
	return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$skiptoken",
		Message: "invalid $skiptoken: pass the value from @odata.nextLink unchanged, with the same $orderby"}).WithKey("err.filter.badSkipToken")
}

// after is the keyset condition for the page after tok: rows strictly
// after (k1, …, kn, id) in the order.
func (o ordering) after(tok string) (string, []any, error) {
	if tok == "" {
		return "", nil, nil
	}
	if !o.keyed() {
		id, err := decodeSkipToken(tok)
		if err != nil {
			return "", nil, err // an ordered page's token among them: ids never start with {
		}
		return o.idExpr + " > ?", []any{id}, nil
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(tok)
	var kt keyToken
	if err != nil || json.Unmarshal(b, &kt) != nil || kt.Order != o.spec || len(kt.Values) != len(o.keys) || kt.ID == "" {
		return "", nil, badSkipToken()
	}
	vals := make([]any, len(o.keys))
	for i, k := range o.keys {
		switch v := kt.Values[i].(type) {
		case string:
			if k.col.kind == colBool || k.col.kind == colInt {
				return "", nil, badSkipToken()
			}
			vals[i] = v
		case float64:
			if k.col.kind != colBool && k.col.kind != colInt {
				return "", nil, badSkipToken()
			}
			vals[i] = int64(v)
		default:
			return "", nil, badSkipToken()
		}
	}
	var ors []string
	var args []any
	for i := 0; i <= len(o.keys); i++ {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, o.keys[j].sortExpr()+" = ?")
			args = append(args, vals[j])
		}
		if i < len(o.keys) {
			op := " > ?"
			if o.keys[i].desc {
				op = " < ?"
			}
			ands = append(ands, o.keys[i].sortExpr()+op)
			args = append(args, vals[i])
		} else {
			ands = append(ands, o.idExpr+" > ?")
			args = append(args, kt.ID)
		}
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")", args, nil
}

// rekey turns the id token finishPage wrote into the ordered token, reading
// the sort keys of that last row from the table (from, as in the list).
func (q listQuery) rekey(ctx context.Context, t *tx, from string, tok *string) error {
	o := q.order
	if !o.keyed() || *tok == "" {
		return nil
	}
	id, err := decodeSkipToken(*tok)
	if err != nil {
		return err
	}
	exprs := make([]string, len(o.keys))
	dest := make([]any, len(o.keys))
	for i, k := range o.keys {
		exprs[i] = k.sortExpr()
		if k.col.kind == colBool || k.col.kind == colInt {
			dest[i] = new(sql.NullInt64)
		} else {
			dest[i] = new(sql.NullString)
		}
	}
	if err := t.queryRow(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM `+from+` WHERE `+o.idExpr+` = ?`, id).Scan(dest...); err != nil {
		return err
	}
	kt := keyToken{Order: o.spec, ID: id, Values: make([]any, len(dest))}
	for i, d := range dest {
		switch v := d.(type) {
		case *sql.NullInt64:
			kt.Values[i] = v.Int64
		case *sql.NullString:
			kt.Values[i] = v.String
		}
	}
	b, err := json.Marshal(kt)
	if err != nil {
		return err
	}
	*tok = base64.RawURLEncoding.EncodeToString(b)
	return nil
}
