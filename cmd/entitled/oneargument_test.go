package main

import (
	"strings"
	"testing"
)

// TestOneArgumentSaysWhatToGive: a command that takes one argument, run
// without it or with two, names the argument and shows its usage.
func TestOneArgumentSaysWhatToGive(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"reconcile", "--token", "t"}, "entitled reconcile SYSTEM [flags]: give exactly one argument, the connected system's name or id; 0 were given"},
		{[]string{"token", "revoke", "a", "b"}, "entitled token revoke ID [flags]: give exactly one argument, the token's id (entitled token list --upn … shows it); 2 were given"},
	} {
		if _, err := runCLI(t, c.args...); err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %q", strings.Join(c.args, " "), err, c.want)
		}
	}
}
