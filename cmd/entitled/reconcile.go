package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/entitled-dev/entitled/i18n"
)

// reconcileCommand is `entitled reconcile SYSTEM`: it asks a served
// instance to reconcile a connected system now (POST
// /api/v1/systems/{id}/reconcile, as the owner of --token), waits for the
// operation, and prints the findings and a summary line.
func reconcileCommand() *cobra.Command {
	cmd := newCommand("reconcile SYSTEM", "Reconcile a connected system now, through a served instance's API, and print its drift", `reconcile asks the entitled at --url to compare what the connected system SYSTEM (name or id)
holds with what entitled granted, waits until it is done, and prints each difference found
(missing: granted, absent from the system; unmanaged: present, granted by no assignment),
what was done about it, and a summary line. The owner of --token must manage connected systems.`, runReconcile)
	cmd.Args = oneArgument("cli.arg.system")
	addServedFlags(cmd)
	return cmd
}

// driftBody is GET /api/v1/systems/{id}/drift's answer.
type driftBody struct {
	Value []struct {
		Resource struct {
			OriginID string `json:"originId"`
		} `json:"resource"`
		Role     string `json:"role"`
		TargetID string `json:"targetId"`
		User     any    `json:"user"`
		Kind     string `json:"kind"`
		Action   string `json:"action"`
		Error    string `json:"error"`
	} `json:"value"`
}

func runReconcile(cmd *cobra.Command, args []string) error {
	c, poll := servedClient(cmd)
	if c.token == "" {
		return errors.New("--token (or ENTITLED_TOKEN) is required: the reconciliation runs as its owner")
	}
	sys := c.base + "/api/v1/systems/" + url.PathEscape(args[0])
	var op operationBody
	loc, err := c.call(cmd.Context(), "POST", sys+"/reconcile", nil, http.StatusAccepted, &op)
	if err != nil {
		return err
	}
	if err := c.follow(cmd.Context(), loc, poll, &op, nil); err != nil {
		return err
	}
	if op.Status != "succeeded" {
		return fmt.Errorf("reconciliation %s %s: %s", op.ID, op.Status, op.Error)
	}
	var d driftBody
	if _, err := c.call(cmd.Context(), "GET", sys+"/drift", nil, http.StatusOK, &d); err != nil {
		return err
	}
	lc := cliLoc()
	out := cmd.OutOrStdout()
	missing := 0
	for _, f := range d.Value {
		who := f.TargetID
		if u, ok := f.User.(map[string]any); ok {
			if upn, _ := u["principalName"].(string); upn != "" {
				who = upn
			}
		}
		if f.Kind == "missing" {
			missing++
		}
		fmt.Fprintln(out, lc.T("cli.reconcileFinding", i18n.V("Kind", f.Kind), i18n.V("Who", who), i18n.V("Resource", f.Resource.OriginID),
			i18n.V("Role", f.Role), i18n.V("Action", f.Action), i18n.V("Error", f.Error)))
	}
	fmt.Fprintln(out, lc.T("cli.reconcileSummary", i18n.V("ID", op.ID), i18n.V("System", args[0]), i18n.V("Missing", missing),
		i18n.V("Unmanaged", len(d.Value)-missing), i18n.V("Acted", op.Reprocessed)))
	return nil
}
