package ui_test

import "testing"

// signedIn is a desktop-width browser on the world, signed in as the user.
func signedIn(t *testing.T, w *world, name string) *chrome {
	t.Helper()
	c := newChrome(t, w, desktopWidth)
	c.signIn(name)
	return c
}
