package http

import (
	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// refuseFilterOrder refuses $filter and $orderby on a small collection that
// is always returned whole (role definitions, role scopes, approval stages,
// deliveries): ignoring them would hand the client rows it did not ask for.
func refuseFilterOrder(q odata.Query) error {
	if q.List.Filter != nil {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$filter",
			Message: "$filter is not supported on this collection; it is small and returned whole, so filter it on the client"}).WithKey("api.noFilter")
	}
	if q.List.OrderBy != "" {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "$orderby",
			Message: "$orderby is not supported on this collection; it is returned in its natural order"}).WithKey("api.noOrderBy")
	}
	return nil
}

// whole takes the parsed query options of such a collection (odata.Parse
// or query) and refuses $filter and $orderby on it (refuseFilterOrder).
func whole(q odata.Query, err error) (odata.Query, error) {
	if err == nil {
		err = refuseFilterOrder(q)
	}
	return q, err
}
