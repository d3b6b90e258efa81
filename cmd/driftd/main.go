// Command driftd keeps the single sign-on wiring between a W&B server and
// its Okta OIDC app where it was declared. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/driftd/driftd/daemon"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := daemon.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
