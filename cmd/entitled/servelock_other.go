//go:build !unix

package main

// lockServe takes no lock where flock does not exist: run one serve per
// SQLite file (docs/operations.md).
func lockServe(string) (func(), error) { return func() {}, nil }
