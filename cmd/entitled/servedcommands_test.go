package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled/internal/testproc"
)

// TestServedCommandsSayWhenNoneAnswers: reprocess and reconcile at an
// address where nothing listens say so in one line, with what to do.
func TestServedCommandsSayWhenNoneAnswers(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	port, err := testproc.FreePort() // nothing listens there
	if err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for _, args := range [][]string{
		{"reprocess", "--filter", "state eq 'deliveryFailed'"},
		{"reconcile", "crm"},
	} {
		_, err := runCLI(t, append(args, "--url", url, "--token", "ent_x")...)
		if err == nil || !strings.HasPrefix(err.Error(), "no entitled answers at "+url+" (") ||
			!strings.HasSuffix(err.Error(), "): start entitled serve there, or give its address with --url or ENTITLED_URL") ||
			strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", args[0], err)
		}
	}
}

// TestServedCommandsSpeakTheCLILanguage: the API's refusals that reprocess
// prints are in the CLI's language (LANG), as its own messages are.
func TestServedCommandsSpeakTheCLILanguage(t *testing.T) {
	a, err := openApp(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "e.db"), appOptions{logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.db.Close() })
	url, token := serveAPI(t, a)
	t.Setenv("LC_ALL", "fr_FR.UTF-8")
	_, err = runCLI(t, "reprocess", "--filter", "state eq 'bogus'", "--url", url, "--token", token)
	if err == nil || !strings.Contains(err.Error(), "400 BadRequest: $filter non valide") {
		t.Errorf("reprocess with a bad filter, in French: %v", err)
	}
}
