package main

import (
	"context"
	"fmt"
	"io"

	"github.com/driftd/driftd/internal/oktasim"
)

// cmdSim runs a simulator as a standalone server so users can try their
// config and tooling against it.
func cmdSim(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "okta" {
		fmt.Fprintln(stderr, "usage: driftd sim okta [--listen 127.0.0.1:8900] [--token T] [--app-id ID --client-id ID --wandb-url URL]")
		return ExitError
	}
	fs := newFlags("sim okta", stderr)
	listen := fs.String("listen", "127.0.0.1:8900", "address to listen on")
	token := fs.String("token", "", "SSWS API token to accept (random when empty)")
	appID := fs.String("app-id", "0oasimwandb0000000001", "id of the seeded OIDC app")
	clientID := fs.String("client-id", "0oasimwandb0000000001", "client id of the seeded app")
	wandbURL := fs.String("wandb-url", "https://wandb.example.com", "W&B URL the seeded app is wired to")
	if fs.Parse(args[1:]) != nil {
		return ExitError
	}
	sim, err := oktasim.Start(oktasim.Options{Addr: *listen, Token: *token})
	if err != nil {
		fmt.Fprintf(stderr, "driftd sim okta: %v\n", err)
		return ExitError
	}
	defer sim.Close()
	sim.PutApp(oktasim.NewWandbApp(*appID, *clientID, *wandbURL, false))
	if _, err := sim.SetUpSignIn(*appID, *wandbURL); err != nil {
		fmt.Fprintf(stderr, "driftd sim okta: %v\n", err)
		return ExitError
	}
	fmt.Fprintf(stdout, "Okta simulator at %s\n  app:    %s/api/v1/apps/%s\n  issuer: %s\n  export OKTA_API_TOKEN=%s\n", sim.URL, sim.URL, *appID, sim.URL, sim.Token)
	<-ctx.Done()
	return ExitOK
}
