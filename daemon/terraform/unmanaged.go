package terraform

import (
	"fmt"
	"strings"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/report"
)

// NoChangesReason says why a plan with no changes left the drift as it
// is. Under W&B operator v2 the CORS origins and LOCAL_RESTORE live in the
// resource's spec.wandb.legacyOverrides, which deploy/terraform/operator
// does not manage (it writes only the Secret keys spec.wandb.oidc names),
// so the reason names each such variable and the resource path to fix it
// by hand; otherwise the drift is outside what the workspace manages.
//
// The module cannot manage those entries safely (wandb/operator, the v2
// CRD config/crd/bases/apps.wandb.com_weightsandbiases.yaml and api/v2
// weightsandbiases_types.go LegacyOverrides):
//   - `legacyOverrides.<app>.env` has no x-kubernetes-list-type, so it is
//     an atomic list (k8s.io/apiextensions-apiserver types_jsonschema.go:
//     "Defaults to atomic for arrays"): a server-side apply of the one
//     GORILLA_CORS_ORIGINS entry under the module's field manager conflicts
//     with the conversion's, and forced, takes the whole list and drops
//     every other entry (deploy TestOperatorV2LegacyOverridesEnvIsOwnedWhole);
//   - writing the whole list back instead would put every entry's value
//     into Terraform's state and plan, and the conversion copies v1
//     extraEnv there verbatim (api/v1/weightsandbiases_conversion_overrides.go
//     mapLegacyOverrides), literal passwords included;
//   - the operator edits the list itself, removing the entries it maps to
//     first-class fields (internal/controller/reconciler/legacy_env_mapping.go
//     removeLegacyEnv), and documents it as conversion-owned, "prefer
//     first-class fields over hand-editing": Terraform would fight it.
func NoChangesReason(res *report.TargetResult) string {
	const generic = "Terraform sees no changes: the drift is outside what this workspace manages"
	if res.Observed == nil || res.Observed.Env == nil {
		return generic
	}
	var fixes []string
	seen := map[string]bool{}
	for _, f := range res.Findings {
		if !f.Fixable || f.Severity != checks.SeverityError || seen[f.Field] {
			continue
		}
		where := res.Observed.Env.Where[f.Field]
		if !strings.Contains(where, source.LegacyOverridesPath) {
			continue
		}
		seen[f.Field] = true
		fixes = append(fixes, fmt.Sprintf("%s: fix it by hand in %s", f.Field, where))
	}
	if len(fixes) == 0 {
		return generic
	}
	return "Terraform sees no changes: under W&B operator v2 the operator module (deploy/terraform/operator) does not manage " +
		source.LegacyOverridesPath + ", only the Secret keys spec.wandb.oidc names; " + strings.Join(fixes, "; ")
}
