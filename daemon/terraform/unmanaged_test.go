package terraform

import (
	"strings"
	"testing"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

// TestAPlanWithoutChangesSaysTheOperatorModuleDoesNotManageLegacyOverrides:
// under W&B operator v2 a CORS or LOCAL_RESTORE drift lives in
// spec.wandb.legacyOverrides, which the operator module never writes, so
// "no changes" must say so and where to fix it, not blame the workspace.
func TestAPlanWithoutChangesSaysTheOperatorModuleDoesNotManageLegacyOverrides(t *testing.T) {
	const res = "WeightsAndBiases wandb/wandb"
	v2 := map[string]string{
		checks.EnvCORSOrigins:  res + " spec.wandb.legacyOverrides (env GORILLA_CORS_ORIGINS under api or global)",
		checks.EnvLocalRestore: res + " spec.wandb.legacyOverrides (env LOCAL_RESTORE under api or global)",
	}
	v1 := map[string]string{checks.EnvCORSOrigins: res + " spec.values.app.extraCors (or spec.values.global.extraEnv)"}
	cors := checks.Finding{Check: checks.IDWandbCORSOrigins, Severity: checks.SeverityError, Field: checks.EnvCORSOrigins, Fixable: true}
	restore := checks.Finding{Check: checks.IDWandbSSOEnabled, Severity: checks.SeverityError, Field: checks.EnvLocalRestore, Fixable: true}
	generic := "Terraform sees no changes: the drift is outside what this workspace manages"
	for _, tc := range []struct {
		name     string
		where    map[string]string
		findings []checks.Finding
		want     []string
	}{
		{"operator v2, CORS and LOCAL_RESTORE", v2, []checks.Finding{cors, restore, cors},
			[]string{"under W&B operator v2 the operator module (deploy/terraform/operator) does not manage spec.wandb.legacyOverrides",
				"GORILLA_CORS_ORIGINS: fix it by hand in " + v2[checks.EnvCORSOrigins],
				"LOCAL_RESTORE: fix it by hand in " + v2[checks.EnvLocalRestore]}},
		{"operator v1, whose values the module writes", v1, []checks.Finding{cors}, []string{generic}},
		{"a source that is the configuration itself", nil, []checks.Finding{cors}, []string{generic}},
		{"operator v2, a finding Terraform cannot fix", v2, []checks.Finding{{Severity: checks.SeverityError, Field: checks.EnvCORSOrigins}}, []string{generic}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &report.TargetResult{Findings: tc.findings, Observed: &checks.Observed{Env: &checks.WandbEnv{Where: tc.where}}}
			got := NoChangesReason(r)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("reason %q\nlacks %q", got, w)
				}
			}
			if strings.Count(got, "GORILLA_CORS_ORIGINS: fix") > 1 {
				t.Errorf("reason names a variable twice: %q", got)
			}
		})
	}
	if got := NoChangesReason(&report.TargetResult{}); got != generic {
		t.Errorf("without an observation: %q", got)
	}
}
