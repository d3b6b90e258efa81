//go:build demo

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/driftd/driftd/internal/demo"
)

// demoCommand plays the whole loop against built-in simulators: in sync,
// an admin breaks two things, driftd detects and alerts, Terraform fixes
// (or, without terraform, the plan is described), the re-check is clean.
func (c *cli) demoCommand() *cobra.Command {
	var o demo.Options
	cmd := &cobra.Command{
		Use:   "demo [--keep-running] [--listen ADDR] [--okta-listen ADDR] [--wandb-listen ADDR] [--slack-listen ADDR]",
		Short: "The whole loop against built-in simulators, no credentials needed",
		Long: `Play the whole loop against built-in Okta, W&B and Slack simulators: in sync,
an admin breaks two things, driftd detects and alerts in Slack, Terraform fixes
it (or, without terraform, the plan is described), and the alert resolves.

The --*-listen flags pin the simulators' addresses (e.g. 0.0.0.0:8900 in a
container whose ports are published); --keep-running then prints every URL and
the token each needs.

Exit codes: 0 the story ran to the end, 1 error.`,
		DisableFlagsInUseLine: true,
		Args:                  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Out = c.stdout
			if err := demo.Run(cmd.Context(), o); err != nil {
				fmt.Fprintf(c.stderr, "driftd demo: %v\n", err)
				c.code = ExitError
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.KeepRunning, "keep-running", false, "leave the daemon and simulators up until interrupted")
	f.StringVar(&o.Listen, "listen", "127.0.0.1:0", "address of the demo daemon's HTTP API")
	f.StringVar(&o.OktaListen, "okta-listen", "127.0.0.1:0", "address of the Okta simulator")
	f.StringVar(&o.WandbListen, "wandb-listen", "127.0.0.1:0", "address of the W&B simulator")
	f.StringVar(&o.SlackListen, "slack-listen", "127.0.0.1:0", "address of the Slack simulator")
	return cmd
}
