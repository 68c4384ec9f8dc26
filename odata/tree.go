package odata

import "net/url"

// Nav is a navigation property: its name and the type it leads to.
type Nav struct {
	Name, Type string
}

// Tree lists, per type name, the navigation properties $expand may name
// on a value of that type.
type Tree map[string][]Nav

func (t Tree) names(typ string) []string {
	out := make([]string, 0, len(t[typ]))
	for _, n := range t[typ] {
		out = append(out, n.Name)
	}
	return out
}

func (t Tree) target(typ, name string) string {
	for _, n := range t[typ] {
		if n.Name == name {
			return n.Type
		}
	}
	return ""
}

// ParseTree reads the query options of a read of values of type typ, with
// the options nested in $expand (assignment($expand=target;$select=id)),
// each checked against the type its navigation property leads to and
// stored in Expand.Nested.
func ParseTree(v url.Values, t Tree, typ string) (Query, error) {
	q, err := parse(v, t.names(typ))
	if err != nil {
		return q, err
	}
	return q, t.nest(&q, typ)
}

func (t Tree) nest(q *Query, typ string) error {
	for i, e := range q.Expand {
		if e.Options == "" {
			continue
		}
		sub := t.target(typ, e.Name)
		n, err := ParseNested(e.Name, e.Options, t.names(sub)...)
		if err != nil {
			return err
		}
		if err := t.nest(&n, sub); err != nil {
			return err
		}
		q.Expand[i].Nested = &n
	}
	return nil
}
