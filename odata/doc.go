// Package odata parses the OData query options entitled's Graph-shaped API
// accepts ($filter, $top, $skiptoken, $count, $orderby, $expand, $select)
// into the domain's entitled.Expr and entitled.ListOptions.
package odata
