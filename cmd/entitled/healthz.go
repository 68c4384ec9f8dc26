package main

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// healthzCommand checks a running server's /healthz: what a container's
// HEALTHCHECK runs (a scratch image has no curl).
func healthzCommand() *cobra.Command {
	cmd := newCommand("healthz", "Check that a running entitled answers /healthz (exit status 0 when healthy)", "", func(cmd *cobra.Command, _ []string) error {
		url, _ := cmd.Flags().GetString("url")
		if url == "" {
			url = localURL() + "/healthz"
		}
		client := &http.Client{Timeout: 5 * time.Second}
		resp, err := client.Get(url)
		if err != nil {
			return fmt.Errorf("healthz: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("healthz: %s answered %s", url, resp.Status)
		}
		_, err = fmt.Fprintln(cmd.OutOrStdout(), "healthy")
		return err
	})
	cmd.Flags().String("url", "", "address of /healthz (default: ENTITLED_ADDR's port on 127.0.0.1)")
	return cmd
}

// localURL is where a command on this host reaches the served instance
// when no flag says: http:// and ENTITLED_ADDR (serve's --addr default,
// 127.0.0.1:8080) on a loopback address, as serve's links are without
// --base-url.
func localURL() string {
	return "http://" + loopbackOf(envOr("ENTITLED_ADDR", "127.0.0.1:8080"))
}

// loopbackOf turns a listen address (":8080", "0.0.0.0:8080") into one
// this host can dial.
func loopbackOf(addr string) string {
	for _, p := range []string{"0.0.0.0:", "[::]:", ":"} {
		if strings.HasPrefix(addr, p) {
			return "127.0.0.1:" + addr[len(p):]
		}
	}
	return addr
}
