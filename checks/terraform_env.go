package checks

import (
	"context"
	"fmt"
)

// TerraformEnv reads a W&B deployment's environment from Terraform state.
type TerraformEnv struct {
	Dir     string
	Output  string
	Address string
}

// Env reads the state without refreshing it.
func (t *TerraformEnv) Env(ctx context.Context) (*WandbEnv, error) {
	return nil, fmt.Errorf("reading W&B env from Terraform state in %s: not built yet", t.Dir)
}
