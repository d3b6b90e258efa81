package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// StillFits says why a plan kept for approval must no longer be applied
// under the target's config as it is now, or nothing. A plan waits up to
// PlanTTL for its click, and a config reload in between may have switched
// the target out of approve mode, narrowed what its guardrails allow, moved
// its workspace or changed the values driftd would plan (the desired
// state, the variable mapping): the Apply button of the old plan must not
// apply what the team has since taken back. res is the target observed
// just now.
func (sp *SavedPlan) StillFits(t *config.Target, res *report.TargetResult) []string {
	if t.Remedy.Mode != config.ModeApprove {
		return []string{fmt.Sprintf("mode: the target's remediation mode is now %s, not approve; a plan kept for approval is not applied", t.Remedy.Mode)}
	}
	if t.Remedy.Terraform.Dir != sp.Dir {
		return []string{"stale: the target's Terraform workspace changed after the plan was made; a new plan is needed"}
	}
	refused := append(Guardrails(sp.Summary, t.Remedy.Terraform.Allow, t.Remedy.Terraform.Attributes), sp.EnvGuardrails(res)...)
	if len(refused) > 0 {
		return refused
	}
	vars, err := planVars(sp.Dir, t, res)
	if err != nil {
		return []string{fmt.Sprintf("stale: the values the plan sets cannot be worked out again: %v", err)}
	}
	now, _ := json.MarshalIndent(vars, "", "  ") // as Plan writes the var file
	then, err := os.ReadFile(sp.VarFile)
	if err != nil {
		return []string{fmt.Sprintf("stale: the plan's var file cannot be read: %v", err)}
	}
	if !bytes.Equal(now, then) {
		return []string{"stale: the desired state or the variable mapping changed after the plan was made (a config reload); a new plan is needed"}
	}
	return nil
}
