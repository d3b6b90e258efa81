package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

// healthcheckCommand probes a running daemon, for images without curl.
// The image sets DRIFTD_HEALTHCHECK_URL, so a HEALTHCHECK follows the port
// of server.listen without repeating it.
func (c *cli) healthcheckCommand() *cobra.Command {
	var u string
	cmd := &cobra.Command{
		Use:   "healthcheck [--url URL]",
		Short: "Probe a running daemon's /healthz (for container HEALTHCHECKs)",
		Long: `Probe a running daemon's health endpoint, for images without curl.

Exit codes: 0 healthy, 1 not.`,
		DisableFlagsInUseLine: true,
		Args:                  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.code = c.healthcheck(cmd.Context(), u)
			return nil
		},
	}
	cmd.Flags().StringVar(&u, "url", "http://127.0.0.1:8080/healthz", "URL to probe")
	return cmd
}

func (c *cli) healthcheck(ctx context.Context, u string) int {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "driftd healthcheck: %v\n", err)
		return ExitError
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(c.stderr, "driftd healthcheck: %v\n", err)
		return ExitError
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(c.stderr, "driftd healthcheck: %s answered %s\n", u, resp.Status)
		return ExitError
	}
	return ExitOK
}
