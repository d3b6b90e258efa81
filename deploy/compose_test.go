package deploy_test

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
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
		if _, ok := d.Build.Args["TAGS"]; ok {
			t.Error("the daemon's image is built with a TAGS argument, which the Dockerfile no longer reads: driftd is always built without tags")
		}
		if len(profiles) > 0 {
			demoPortsArePinnedAndPublished(t, p)
			demoRunsTheDaemonsImage(t, p, d)
		}
	}
}

// demoRunsTheDaemonsImage: the daemon's image links no simulator in
// driftd, but ships driftd-demo beside it, which `driftd demo` runs; so the
// demo service runs that image, built the same way, with `demo`.
func demoRunsTheDaemonsImage(t *testing.T, p *types.Project, daemon types.ServiceConfig) {
	t.Helper()
	demo, err := p.GetService("demo")
	if err != nil {
		t.Fatal(err)
	}
	if demo.Image != daemon.Image {
		t.Errorf("the demo's image %q is not the daemon's %q, which ships driftd-demo", demo.Image, daemon.Image)
	}
	if demo.Build == nil || daemon.Build == nil || demo.Build.Context != daemon.Build.Context || len(demo.Build.Args) != len(daemon.Build.Args) {
		t.Errorf("the demo service must build its image as the daemon's is built (one image, one name): %+v, %+v", demo.Build, daemon.Build)
	}
	for name, v := range demo.Build.Args {
		if w, ok := daemon.Build.Args[name]; !ok || (v == nil) != (w == nil) || (v != nil && *v != *w) {
			t.Errorf("the demo's build arg %s differs from the daemon's", name)
		}
	}
	if len(demo.Command) == 0 || demo.Command[0] != "demo" {
		t.Errorf("the demo's command %q does not start with demo", demo.Command)
	}
}

// demoPortsArePinnedAndPublished checks that each address the demo
// listens on (its API and the three simulators) is published on loopback
// under the same port, so the URLs it prints work from the host.
func demoPortsArePinnedAndPublished(t *testing.T, p *types.Project) {
	t.Helper()
	demo, err := p.GetService("demo")
	if err != nil {
		t.Fatal(err)
	}
	published := map[string]bool{}
	for _, port := range demo.Ports {
		if port.HostIP != "127.0.0.1" || port.Published != fmt.Sprint(port.Target) {
			t.Errorf("demo port %+v: publish on 127.0.0.1 under the same number", port)
		}
		published[port.Published] = true
	}
	cmd := demo.Command
	for _, flag := range []string{"--listen", "--okta-listen", "--wandb-listen", "--slack-listen"} {
		i := slices.Index(cmd, flag)
		if i < 0 || i+1 == len(cmd) {
			t.Errorf("the demo's command %q lacks %s", cmd, flag)
			continue
		}
		_, port, err := net.SplitHostPort(cmd[i+1])
		if err != nil || !strings.HasPrefix(cmd[i+1], "0.0.0.0:") || !published[port] {
			t.Errorf("%s %s: listen on 0.0.0.0 on a published port (published: %v)", flag, cmd[i+1], published)
		}
	}
	if !slices.Contains(cmd, "--keep-running") {
		t.Errorf("the demo's command %q lacks --keep-running", cmd)
	}
}
