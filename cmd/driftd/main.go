// Command driftd keeps the single sign-on wiring between a W&B server and
// its Okta OIDC app where it was declared. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/driftd/driftd/daemon"
	"github.com/driftd/driftd/internal/tfprovider"
)

func main() {
	// `driftd demo` installs this binary as its own Terraform test provider.
	if served, err := tfprovider.ServeIfInstalled(os.Args[0]); served {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := daemon.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
