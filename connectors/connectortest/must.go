package connectortest

import "testing"

// mustSucceed stops the test when a call the suite builds on fails.
func mustSucceed(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
