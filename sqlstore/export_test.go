package sqlstore

// OpenTestDB gives the external tests (package sqlstore_test) a fresh,
// migrated database of the run's backend.
var OpenTestDB = openTestDB
