package example

import (
	"sort"
	"strings"
)

// ProviderEnvNames are the variables Apply sets for the real providers
// (OktaProviderEnv's, and KUBE_CONFIG_PATH for the kubernetes provider),
// besides TF_*, which Terraform always gets. driftd passes Terraform none
// of its own environment but PATH, HOME, TMPDIR, proxies and TF_*, so a
// config that lets driftd run this module hands them over in
// remediation.terraform.env (TerraformEnvYAML).
var ProviderEnvNames = []string{"OKTA_ORG_NAME", "OKTA_BASE_URL", "OKTA_API_TOKEN", "OKTA_HTTP_PROXY", "KUBE_CONFIG_PATH"}

// TerraformEnvYAML is a remediation.terraform.env value in YAML flow style
// that passes each of names from driftd's environment: {NAME: "${NAME}"}.
func TerraformEnvYAML(names []string) string {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	parts := make([]string, len(sorted))
	for i, n := range sorted {
		parts[i] = n + `: "${` + n + `}"`
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
