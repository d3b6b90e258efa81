//go:build !demo

package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// demoCommandLine is the command that runs the demo from the source tree. The
// production binary holds no simulator: built without the demo tag, it
// links none of internal/{oktasim,wandbsim,slacksim,demo}.
const demoCommandLine = "go run -tags demo ./cmd/driftd demo"

// noSimulators answers `driftd demo` and `driftd sim` in a build without
// the demo tag. The command is known, so it is not an "unknown command";
// it refuses as a usage error does (exit 1), saying which command has it.
// Its flags are not parsed: `demo --keep-running` gets the same answer.
func (c *cli) noSimulators(use, short, instead string) *cobra.Command {
	return &cobra.Command{
		Use:                use,
		Short:              short + " (not in this build: -tags demo)",
		DisableFlagParsing: true,
		Args:               cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(c.stderr, "%s: this build of driftd holds no simulators (it was built without -tags demo).\nRun it from the source tree with:\n  %s\n", cmd.CommandPath(), instead)
			c.code = ExitError
			return nil
		},
	}
}

func (c *cli) demoCommand() *cobra.Command {
	return c.noSimulators("demo", "The whole loop against built-in simulators, no credentials needed", demoCommandLine)
}

func (c *cli) simCommand() *cobra.Command {
	return c.noSimulators("sim", "Run a simulator (okta) as a standalone server", "go run -tags demo ./cmd/driftd sim okta")
}
