// Package entitled holds the domain of the entitled entitlement-management
// service: the types people request and deliver (catalogs, access packages,
// policies, assignment requests, assignments, deliveries), the lifecycle rules
// every part of the system keeps, the delegated-role authorization model, and
// the service interfaces that adapters (sqlstore, http, delivery, connectors)
// implement or call.
//
// Nothing in this package knows about HTTP or SQL.
package entitled
