package deploy_test

import (
	"context"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
)

// TestComposeFileLoadsWithTheComposeSpecLoader runs the loader that
// `docker compose config` uses, since this machine has no compose plugin.
func TestComposeFileLoadsWithTheComposeSpecLoader(t *testing.T) {
	for _, profiles := range [][]string{nil, {"demo"}} {
		opts, err := cli.NewProjectOptions([]string{"../docker-compose.yml"},
			cli.WithWorkingDirectory(".."), cli.WithProfiles(profiles), cli.WithOsEnv, cli.WithName("driftd"))
		if err != nil {
			t.Fatal(err)
		}
		p, err := opts.LoadProject(context.Background())
		if err != nil {
			t.Fatalf("profiles %v: %v", profiles, err)
		}
		want := 1 + len(profiles)
		if len(p.Services) != want {
			t.Errorf("profiles %v: %d services, want %d", profiles, len(p.Services), want)
		}
		d, err := p.GetService("driftd")
		if err != nil {
			t.Fatal(err)
		}
		if !d.ReadOnly || d.User != "65532:65532" || d.HealthCheck == nil || len(d.Volumes) != 3 {
			t.Errorf("driftd service: read_only %v user %q healthcheck %v volumes %d", d.ReadOnly, d.User, d.HealthCheck != nil, len(d.Volumes))
		}
	}
}
