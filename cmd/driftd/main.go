// Command driftd keeps the single sign-on wiring between a W&B server and
// its Okta OIDC app where it was declared. See README.md.
//
// `driftd demo` and `driftd sim` and the simulators they run are built only
// with -tags demo (demo.go, sim.go); without it (the production binary)
// they run driftd-demo, that build, shipped beside driftd (nosim.go). It must not import internal/
// packages outside those files (internal/layout's test).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line; it returns the process exit code. A usage
// error (an unknown command, flag or argument, a bad flag value) exits 1
// naming what was refused; help exits 0.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := &cli{args: args, stdout: stdout, stderr: stderr}
	root := c.rootCommand()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "driftd: %v\nRun '%s --help' for usage.\n", err, cmd.CommandPath())
		return ExitError
	}
	return c.code
}
