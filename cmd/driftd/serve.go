package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/driftd/driftd/daemon"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, ok := configOnly("serve", args, stderr)
	if !ok {
		return ExitError
	}
	log := NewLogger(stderr, slog.LevelInfo)
	if err := daemon.Serve(ctx, cfg, log, daemon.DaemonOptions{}); err != nil {
		log.Error("driftd stopped", "err", err)
		return ExitError
	}
	return ExitOK
}
