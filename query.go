package entitled

// Expr is a node of a parsed OData $filter expression. The http package parses
// $filter into these nodes; stores translate them for the properties each
// collection documents and return a 400 *Error for any other.
type Expr interface{ isExpr() }

// Logical is "and" or "or" of two expressions.
type Logical struct {
	Op          string // and | or
	Left, Right Expr
}

// Not negates an expression.
type Not struct{ X Expr }

// Compare compares a property path with a literal: eq, ne, gt, ge, lt, le.
type Compare struct {
	Op       string
	Property string // slash-separated path, e.g. "state", "accessPackage/id"
	Value    any    // string, float64, bool, nil, time.Time
	// Case is "tolower" or "toupper" when the property is wrapped in that
	// function (tolower(displayName) eq 'x'); empty otherwise.
	Case string
}

// In tests a property against a list of literals.
type In struct {
	Property string
	Values   []any
	// Case is "tolower", "toupper" or empty, as in Compare.
	Case string
}

// Call is a string function: contains, startswith, endswith.
type Call struct {
	Func     string
	Property string
	Value    string
	// Case is "tolower", "toupper" or empty, as in Compare. The string
	// functions ignore case whatever it is.
	Case string
}

func (Logical) isExpr() {}
func (Not) isExpr()     {}
func (Compare) isExpr() {}
func (In) isExpr()      {}
func (Call) isExpr()    {}

// ListOptions are the query options of a collection read.
type ListOptions struct {
	Filter    Expr
	Top       int    // page size; 0 means the default
	SkipToken string // opaque keyset position from a previous page
	Count     bool
	// OrderBy is a property with optional " desc"; stores support the
	// properties they document.
	OrderBy string
}

// DefaultPageSize and MaxPageSize bound $top.
const (
	DefaultPageSize = 100
	MaxPageSize     = 999
)

// Limit returns the page size to use.
func (o ListOptions) Limit() int {
	switch {
	case o.Top <= 0:
		return DefaultPageSize
	case o.Top > MaxPageSize:
		return MaxPageSize
	}
	return o.Top
}

// Page is one page of a collection.
type Page[T any] struct {
	Items []T
	// NextSkipToken is empty on the last page.
	NextSkipToken string
	// Count is the total across pages when ListOptions.Count was set.
	Count *int
}
