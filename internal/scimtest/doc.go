// Package scimtest runs a SCIM 2.0 service provider (RFC 7643/7644) for
// tests, built on github.com/elimity-com/scim and kept in memory: Users and
// Groups, filters on userName, emails.value, externalId and displayName,
// paging with startIndex and count, and PATCH of Group members. It serves
// on a loopback httptest server, checks a bearer token, and has switches to
// answer every request with a status (503, 429, …), to go down and come back
// on the same address, and to delete users behind the client's back.
package scimtest
