package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/driftd/driftd/daemon"
	"github.com/driftd/driftd/daemon/bootstrap"
)

// showInit is the demo's step 0: `driftd init` on the install just set
// up, writing what a user would start from, and the heart of it shown.
func (d *demo) showInit(ctx context.Context) error {
	d.step(0, "driftd init reads this install and writes its config and an import-ready Terraform module")
	out := filepath.Join(d.dir, "init")
	o := bootstrap.Options{OktaOrgURL: d.sim.URL, WandbURL: d.wandb.URL, OktaToken: d.sim.Token, EnvFile: d.envFile}
	res, err := daemon.Init(ctx, o, out, false, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return fmt.Errorf("driftd init: %w", err)
	}
	if len(res.Written) == 0 {
		return fmt.Errorf("driftd init refused the demo's install (status %s)", res.Report.Targets[0].Status)
	}
	fmt.Fprintf(d.out, "$ driftd init --okta-org-url %s --wandb-url %s --env-file wandb.env --out init\n", d.sim.URL, d.wandb.URL)
	for _, f := range res.Written {
		rel, _ := filepath.Rel(d.dir, f)
		fmt.Fprintf(d.out, "wrote %s\n", rel)
	}
	body, err := os.ReadFile(filepath.Join(out, bootstrap.ConfigFile))
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(body), "\n") {
		if strings.Contains(line, "app_id:") || strings.Contains(line, "client_id:") || strings.Contains(line, "cors_origins:") {
			fmt.Fprintf(d.out, "  %s\n", strings.TrimSpace(line))
		}
	}
	return nil
}
