package main

import (
	"context"
	"fmt"
	"io"

	"github.com/driftd/driftd/internal/demo"
)

// cmdDemo plays the whole loop against built-in simulators: in sync, an
// admin breaks two things, driftd detects and alerts, Terraform fixes (or,
// without terraform, the plan is described), the re-check is clean.
func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := newFlags("demo", stderr)
	keep := fset.Bool("keep-running", false, "leave the daemon and simulators up")
	listen := fset.String("listen", "127.0.0.1:0", "address of the demo daemon's HTTP API")
	if fset.Parse(args) != nil {
		return ExitError
	}
	if err := demo.Run(ctx, stdout, *keep, *listen); err != nil {
		fmt.Fprintf(stderr, "driftd demo: %v\n", err)
		return ExitError
	}
	return ExitOK
}
