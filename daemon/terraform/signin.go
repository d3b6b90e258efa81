package terraform

import (
	"strings"

	"github.com/hashicorp/terraform-config-inspect/tfconfig"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// DeclaredValues lists the desired values whose Terraform variable (per
// remediation.terraform.vars) the target's module declares: what a plan
// can change, so which sign-in findings are fixable. Without a module, or
// with one that does not parse, nothing is.
func DeclaredValues(t *config.Target) []string {
	dir := t.Remedy.Terraform.Dir
	if dir == "" {
		return nil
	}
	mod, diags := tfconfig.LoadModule(dir)
	if diags.HasErrors() {
		return nil
	}
	var out []string
	for name, value := range t.Remedy.Terraform.Vars {
		varName, _, _ := strings.Cut(name, ".")
		if _, ok := mod.Variables[varName]; ok {
			out = append(out, value)
		}
	}
	return out
}

// signInValue is the value of a sign-in desired value, from what the run
// observed: the resolved group ids, the authorization server of the issuer
// and the access policy a rule for the client belongs in.
func signInValue(d *checks.Desired, name string, res *report.TargetResult) (any, bool) {
	var obs *checks.Observed
	if res != nil {
		obs = res.Observed
	}
	switch name {
	case checks.ValueGroups:
		ids := []string{}
		if obs != nil && obs.Assignments != nil {
			for _, g := range d.Groups {
				if id, ok := obs.Assignments.Resolved[g]; ok {
					ids = append(ids, id)
				}
			}
		}
		return ids, true
	case checks.ValueTrustedOrigin:
		return true, true
	case checks.ValueAuthServerID:
		return checks.AuthServerID(d.Issuer), true
	case checks.ValueIssuerMode:
		var app *checks.OktaApp
		if obs != nil {
			app = obs.Okta
		}
		return checks.DesiredIssuerMode(d, app), true
	case checks.ValueAuthServerPolicyID:
		if obs == nil || obs.AuthServer == nil {
			return "", true
		}
		return checks.ApplicablePolicyID(obs.AuthServer, d.ClientID), true
	}
	return nil, false
}
