package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/driftd/driftd/daemon"
	"github.com/driftd/driftd/daemon/config"
)

func (c *cli) serveCommand() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use:   "serve --config FILE",
		Short: "Run the daemon: scheduled checks, alerts, remediation, HTTP API",
		Long: `Run the daemon: scheduled checks, alerts, remediation and the HTTP API on
server.listen. SIGHUP reloads the config; SIGTERM or SIGINT stops it.

Exit codes: 0 after a clean shutdown, 1 error.`,
		DisableFlagsInUseLine: true,
		Args:                  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.code = c.serve(cmd.Context(), file)
			return nil
		},
	}
	configFlag(cmd, &file)
	return cmd
}

func (c *cli) serve(ctx context.Context, file string) int {
	cfg, err := loadFromFlag(file, config.ForAll, "")
	if err != nil {
		fmt.Fprintf(c.stderr, "driftd: %v\n", err)
		return ExitError
	}
	log := c.logger(c.stderr, slog.LevelInfo)
	if err := daemon.Serve(ctx, cfg, log, daemon.DaemonOptions{}); err != nil {
		log.Error("driftd stopped", "err", err)
		return ExitError
	}
	return ExitOK
}
