package daemon

import (
	"maps"
	"testing"
	"time"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
)

// TestTheTerraformEnvSourceGetsTheTargetsTerraformEnv: the terraform env
// source's `terraform show` is Terraform too, so it gets the target's
// remediation.terraform.env (a state backend's credential) as plan and
// apply do, and otherwise only what Terraform inherits (source.TerraformEnviron).
func TestTheTerraformEnvSourceGetsTheTargetsTerraformEnv(t *testing.T) {
	tg := &config.Target{Name: "prod"}
	tg.Wandb.Env = config.EnvSource{Source: "terraform", Dir: "/srv/tf", Output: "wandb_env"}
	tg.Remedy.Terraform.Env = map[string]config.Secret{"AWS_SECRET_ACCESS_KEY": config.NewSecret("backend-secret")}
	r, ok := defaultEnvReader(tg, time.Now).(*source.TerraformEnv)
	if !ok {
		t.Fatalf("reader %T, want *source.TerraformEnv", defaultEnvReader(tg, time.Now))
	}
	if want := map[string]string{"AWS_SECRET_ACCESS_KEY": "backend-secret"}; !maps.Equal(r.Extra, want) {
		t.Fatalf("Extra = %v, want %v", r.Extra, want)
	}
}
