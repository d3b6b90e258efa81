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
		if tags := d.Build.Args["TAGS"]; tags != nil && *tags != "" {
			t.Errorf("the daemon's image is built with tags %q: it must hold no simulator", *tags)
		}
		if len(profiles) > 0 {
			demoPortsArePinnedAndPublished(t, p)
			demoBuildsItsOwnImageWithTheDemoTag(t, p, d)
		}
	}
}

// demoBuildsItsOwnImageWithTheDemoTag: the daemon's image links no
// simulator, so the demo service builds another image, with TAGS=demo,
// under another name (else one build would overwrite the other's image).
func demoBuildsItsOwnImageWithTheDemoTag(t *testing.T, p *types.Project, daemon types.ServiceConfig) {
	t.Helper()
	demo, err := p.GetService("demo")
	if err != nil {
		t.Fatal(err)
	}
	if demo.Build == nil || demo.Build.Args["TAGS"] == nil || *demo.Build.Args["TAGS"] != "demo" {
		t.Errorf("the demo service must build its image with the build arg TAGS=demo: %+v", demo.Build)
	}
	if demo.Image == "" || demo.Image == daemon.Image {
		t.Errorf("the demo's image %q must have a name of its own (the daemon's is %q)", demo.Image, daemon.Image)
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
