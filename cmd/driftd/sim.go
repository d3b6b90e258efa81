//go:build demo

package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/driftd/driftd/internal/oktasim"
)

// simCommand groups the simulators, run as standalone servers so users can
// try their config and tooling against them.
func (c *cli) simCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim okta [flags]",
		Short: "Run a simulator (okta) as a standalone server",
		Long: `Run a simulator as a standalone server, to try a config and tooling against it.

Simulators: okta.`,
		DisableFlagsInUseLine: true,
		// A word after sim is a simulator's name: an unknown one is an
		// unknown command, as cobra says of any other.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("unknown command %q for %q: the simulators are: okta", args[0], cmd.CommandPath())
			}
			return fmt.Errorf("name a simulator: %s okta", cmd.CommandPath())
		},
	}
	cmd.AddCommand(c.simOktaCommand())
	return cmd
}

// simOktaOptions are `driftd sim okta`'s flags.
type simOktaOptions struct {
	listen, token, appID, clientID, wandbURL string
}

func (c *cli) simOktaCommand() *cobra.Command {
	o := &simOktaOptions{}
	cmd := &cobra.Command{
		Use:   "okta [--listen ADDR] [--token T] [--app-id ID --client-id ID --wandb-url URL]",
		Short: "Run the Okta simulator with a seeded W&B OIDC app",
		Long: `Run the Okta simulator (Apps API, authorization servers, sign-in) with a
seeded OIDC app wired to a W&B URL, until interrupted. It prints the token
to export as OKTA_API_TOKEN.`,
		DisableFlagsInUseLine: true,
		Args:                  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.code = c.simOkta(cmd.Context(), o)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:8900", "address to listen on")
	f.StringVar(&o.token, "token", "", "SSWS API token to accept (random when empty)")
	f.StringVar(&o.appID, "app-id", "0oasimwandb0000000001", "id of the seeded OIDC app")
	f.StringVar(&o.clientID, "client-id", "0oasimwandb0000000001", "client id of the seeded app")
	f.StringVar(&o.wandbURL, "wandb-url", "https://wandb.example.com", "W&B URL the seeded app is wired to")
	return cmd
}

func (c *cli) simOkta(ctx context.Context, o *simOktaOptions) int {
	sim, err := oktasim.Start(oktasim.Options{Addr: o.listen, Token: o.token})
	if err != nil {
		fmt.Fprintf(c.stderr, "driftd sim okta: %v\n", err)
		return ExitError
	}
	defer sim.Close()
	sim.PutApp(oktasim.NewWandbApp(o.appID, o.clientID, o.wandbURL, false))
	if _, err := sim.SetUpSignIn(o.appID, o.wandbURL); err != nil {
		fmt.Fprintf(c.stderr, "driftd sim okta: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(c.stdout, "Okta simulator at %s\n  app:    %s/api/v1/apps/%s\n  issuer: %s\n  export OKTA_API_TOKEN=%s\n", sim.URL, sim.URL, o.appID, sim.URL, sim.Token)
	<-ctx.Done()
	return ExitOK
}
