package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/i18n"
)

// reprocessCommand is `entitled reprocess`: it asks a served instance to
// reprocess every request a filter matches (POST
// /api/v1/assignmentRequests/reprocess, as the caller of --token), follows
// the operation with a progress bar on a terminal, and prints a summary
// line and the refused requests.
func reprocessCommand() *cobra.Command {
	cmd := newCommand("reprocess", "Reprocess every failed request an OData filter matches, through a served instance's API", `reprocess asks the entitled at --url to reprocess the requests --filter matches
(an OData $filter over assignmentRequests, such as "state eq 'deliveryFailed'"), optionally
only those with a failed delivery to the connected system --system (name or id). It acts as
the owner of --token: requests they may not reprocess are listed as refused. It follows the
operation until it ends and prints a summary line.`, runReprocess)
	addServedFlags(cmd)
	cmd.Flags().String("filter", "", "OData $filter over assignmentRequests, e.g. \"state eq 'deliveryFailed'\"")
	cmd.Flags().String("system", "", "only requests with a failed delivery to this connected system (name or id)")
	return cmd
}

// operationBody is the operation as GET /api/v1/operations/{id} answers it.
type operationBody struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	Total       int    `json:"total"`
	Reprocessed int    `json:"reprocessed"`
	Refused     []struct {
		ID      string `json:"id"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"refused"`
	Error string `json:"error"`
}

func runReprocess(cmd *cobra.Command, _ []string) error {
	c, poll := servedClient(cmd)
	filter, _ := cmd.Flags().GetString("filter")
	system, _ := cmd.Flags().GetString("system")
	if c.token == "" {
		return errors.New("--token (or ENTITLED_TOKEN) is required: the request runs as its owner")
	}
	if filter == "" && system == "" {
		return errors.New("--filter is required (or --system)")
	}
	body, _ := json.Marshal(map[string]string{"filter": filter, "system": system})
	var op operationBody
	loc, err := c.call(cmd.Context(), "POST", c.base+"/api/v1/assignmentRequests/reprocess", body, http.StatusAccepted, &op)
	if err != nil {
		return err
	}
	lc := cliLoc()
	errw := cmd.ErrOrStderr()
	fmt.Fprintln(errw, lc.T("cli.reprocessStarted", i18n.V("ID", op.ID), i18n.V("Total", op.Total)))
	bar := isTerminal(errw)
	var tick func()
	if bar {
		tick = func() {
			fmt.Fprintf(errw, "\r%s", lc.T("cli.reprocessProgress", i18n.V("Bar", progressBar(op.Reprocessed+len(op.Refused), op.Total, 30)),
				i18n.V("Done", op.Reprocessed+len(op.Refused)), i18n.V("Total", op.Total)))
		}
	}
	if err := c.follow(cmd.Context(), loc, poll, &op, tick); err != nil {
		return err
	}
	if bar {
		fmt.Fprintln(errw)
	}
	out := cmd.OutOrStdout()
	for _, r := range op.Refused {
		fmt.Fprintln(out, lc.T("cli.reprocessRefused", i18n.V("ID", r.ID), i18n.V("Code", r.Code), i18n.V("Message", r.Message)))
	}
	fmt.Fprintln(out, lc.T("cli.reprocessSummary", i18n.V("ID", op.ID), i18n.V("Status", op.Status), i18n.V("Reprocessed", op.Reprocessed),
		i18n.V("Total", op.Total), i18n.V("Refused", len(op.Refused))))
	if op.Status != "succeeded" {
		return fmt.Errorf("operation %s %s: %s", op.ID, op.Status, op.Error)
	}
	return nil
}

// progressBar draws done of total in width cells.
func progressBar(done, total, width int) string {
	filled := width
	if total > 0 {
		filled = min(width, done*width/total)
	}
	return "[" + strings.Repeat("#", filled) + strings.Repeat(".", width-filled) + "]"
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// follow reads the operation at loc every poll until it is no longer
// running, calling tick (when not nil) before each wait.
func (c *apiClient) follow(ctx context.Context, loc string, poll time.Duration, op *operationBody, tick func()) error {
	for op.Status == "running" {
		if tick != nil {
			tick()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
		if _, err := c.call(ctx, "GET", loc, nil, http.StatusOK, op); err != nil {
			return err
		}
	}
	return nil
}

// apiClient calls entitled's API with a bearer token.
type apiClient struct {
	base, token string
}

// call sends a request and decodes the answer into out when its status is
// want; it returns the Location header. Another status is an error with
// the Graph error's message.
func (c *apiClient) call(ctx context.Context, method, url string, body []byte, want int, out any) (string, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	// The API's error messages come back in the CLI's language.
	req.Header.Set("Accept-Language", cliLoc().Lang())
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", unreachable(c.base, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return "", err
	}
	if res.StatusCode != want {
		var e struct {
			Error struct {
				Code, Message, Target string
			} `json:"error"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
			return "", fmt.Errorf("%s %s: %d %s: %s", method, url, res.StatusCode, e.Error.Code, e.Error.Message)
		}
		return "", fmt.Errorf("%s %s: %s", method, url, res.Status)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return "", fmt.Errorf("%s %s: %w", method, url, err)
	}
	return res.Header.Get("Location"), nil
}

// unreachable says that no served instance answered at base, with the
// transport's own error (refused, no such host, timeout), and what to do.
func unreachable(base string, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // the method and URL are said once, by base
	}
	return errors.New(cliLoc().T("cli.unreachable", i18n.V("URL", base), i18n.V("Error", err.Error())))
}
