package daemon

import (
	"fmt"
	"strings"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
)

// HelmRenderProblems names the targets that read a helm_release from
// Terraform state when driftd-helm-render, which renders it, cannot be
// found: every run of theirs would fail, so `validate` refuses them now.
func HelmRenderProblems(cfg *config.Config) []string {
	var out []string
	for i, t := range cfg.Targets {
		if t.Wandb.Env.Source != "terraform" || !strings.Contains(t.Wandb.Env.Address, "helm_release.") {
			continue
		}
		if _, err := source.FindHelmRender(); err != nil {
			out = append(out, fmt.Sprintf("targets[%d].wandb.env.address: %s: %v", i, t.Wandb.Env.Address, err))
		}
	}
	return out
}
