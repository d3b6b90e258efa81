//go:build !demo

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/driftd/driftd/daemon"
)

// demoCommandLine is the command that runs the demo from the source tree. The
// production binary holds no simulator: built without the demo tag, it
// links none of internal/{oktasim,wandbsim,slacksim,demo}.
const demoCommandLine = "go run -tags demo ./cmd/driftd demo"

// demoBuildLine builds driftd-demo: this package with the demo tag.
const demoBuildLine = "go build -tags demo -o driftd-demo ./cmd/driftd"

// delegatedEnv marks a process that a driftd without simulators started as
// driftd-demo; its value is the file it ran. A build without the demo tag
// that finds it set is a driftd-demo that holds no simulators either: it
// refuses instead of looking for driftd-demo in turn (beside itself it
// would find itself, and run itself forever).
const delegatedEnv = "DRIFTD_DELEGATED_TO"

// driftdDemo is the build with the demo tag, which the release archive and
// the container image ship beside driftd. It is found as driftd-helm-render
// is: $DRIFTD_DEMO, else beside this executable, else PATH.
var driftdDemo = daemon.Companion{
	Name: "driftd-demo",
	Env:  "DRIFTD_DEMO",
	Why:  "it is driftd built with -tags demo, and holds the simulators this build leaves out",
	Get: "the container image and the release archive ship it beside driftd; or build it with `" + demoBuildLine +
		"` and put it beside driftd or on PATH",
}

// toDriftdDemo answers `driftd demo` and `driftd sim` in a build without
// the demo tag: it runs driftd-demo with the same command line, so the
// released binary's `driftd demo` is the demo. Its flags are not parsed
// here: driftd-demo parses them (`demo --help` is the demo's own help).
// With no driftd-demo to run, it refuses as a usage error does (exit 1),
// saying how to get one.
func (c *cli) toDriftdDemo(use, short, fromSource string) *cobra.Command {
	return &cobra.Command{
		Use:                use,
		Short:              short + " (runs driftd-demo, the build with -tags demo)",
		DisableFlagParsing: true,
		Args:               cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.code = c.execDriftdDemo(cmd.CommandPath(), fromSource)
			return nil
		},
	}
}

// execDriftdDemo replaces this process with driftd-demo, run with this
// process's arguments; it returns only when it cannot.
//
// It replaces the process (execve) rather than running a child: driftd-demo
// gets this PID, stdin, stdout and stderr as they are, and every signal sent
// to driftd (a terminal's Ctrl-C, `docker stop`'s SIGTERM to PID 1, a
// supervisor's) reaches it directly, with no forwarding to get wrong (a
// forwarded SIGINT on top of the terminal's own, sent to the whole process
// group, would reach the demo twice); its exit code is the process's. driftd
// builds only for unix (it starts Terraform in a process group of its own),
// where execve is always there.
func (c *cli) execDriftdDemo(name, fromSource string) int {
	if via := os.Getenv(delegatedEnv); via != "" {
		fmt.Fprintf(c.stderr, "%s: %s was run as driftd-demo, but it is a build of driftd without -tags demo: it holds no simulators either.\nRebuild it with:\n  %s\n", name, via, demoBuildLine)
		return ExitError
	}
	bin, err := driftdDemo.FindBesideThisDriftd()
	if errors.Is(err, daemon.ErrCompanionNotFound) {
		fmt.Fprintf(c.stderr, "%s: this build of driftd holds no simulators (it was built without -tags demo), and %v.\nOr run it from the source tree with:\n  %s\n", name, err, fromSource)
		return ExitError
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: %v\n", name, err)
		return ExitError
	}
	env := append(os.Environ(), delegatedEnv+"="+bin)
	err = syscall.Exec(bin, append([]string{bin}, c.args...), env)
	fmt.Fprintf(c.stderr, "%s: running driftd-demo (%s): %v\n", name, bin, err)
	return ExitError
}

func (c *cli) demoCommand() *cobra.Command {
	return c.toDriftdDemo("demo", "The whole loop against built-in simulators, no credentials needed", demoCommandLine)
}

func (c *cli) simCommand() *cobra.Command {
	return c.toDriftdDemo("sim", "Run a simulator (okta) as a standalone server", "go run -tags demo ./cmd/driftd sim okta")
}
