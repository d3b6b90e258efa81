package example

import (
	"sort"
	"strings"

	"github.com/driftd/driftd/internal/tfprovider/providerenv"
)

// ProviderEnvNames are the variables Apply sets for the providers (besides
// TF_*, which Terraform always gets). driftd passes Terraform none of its
// own environment but PATH, HOME, TMPDIR, proxies and TF_*, so a config
// that lets driftd run this module hands them over in
// remediation.terraform.env (TerraformEnvYAML).
var ProviderEnvNames = []string{providerenv.OktaURL, providerenv.OktaToken, providerenv.K8sDir}

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
