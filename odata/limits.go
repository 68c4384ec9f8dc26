package odata

// Bounds on query options. Past them a request is a 400 naming the option;
// docs/api.md lists them under Limits.
const (
	// MaxFilterLength is the longest $filter expression, in bytes.
	MaxFilterLength = 64 << 10
	// MaxFilterValues is the most literal values a $filter may hold, in
	// in (…) lists and comparisons together.
	MaxFilterValues = 1000
	// MaxFilterConditions is the most conditions (comparisons, in (…),
	// string functions) a $filter may hold.
	MaxFilterConditions = 100
	// MaxSelect is the most properties $select may name.
	MaxSelect = 50
	// MaxExpand is the most navigation properties $expand may name.
	MaxExpand = 10
	// MaxExpandDepth is how deeply $expand options may nest.
	MaxExpandDepth = 3
	// MaxOrderByKeys is the most keys $orderby may list.
	MaxOrderByKeys = 4
	// MaxOrderByLength is the longest $orderby, in bytes.
	MaxOrderByLength = 200
	// MaxSkipTokenLength is the longest $skiptoken, in bytes.
	MaxSkipTokenLength = 512
)
