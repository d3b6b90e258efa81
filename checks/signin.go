package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The desired values of the sign-in checks that a remediation.terraform.vars
// entry may map a Terraform variable to; a finding is fixable only when the
// module declares the variable its value goes to.
const (
	// ValueGroups is the ids of the desired groups (okta_app_group_assignments).
	ValueGroups = "okta.groups"
	// ValueTrustedOrigin is true: the W&B origin must be a trusted origin
	// (okta_trusted_origin).
	ValueTrustedOrigin = "okta.trusted_origin"
	// ValueAuthServerID is the custom authorization server id of the issuer.
	ValueAuthServerID = "oidc.auth_server_id"
	// ValueAuthServerPolicyID is the access policy a rule for this client
	// goes in (okta_auth_server_policy_rule).
	ValueAuthServerPolicyID = "okta.auth_server_policy_id"
)

// Okta's own words for the sign-in failures, quoted so a person can match
// the finding to what users report.
const (
	notAssignedError      = "User is not assigned to the client application"
	policyEvaluationError = "Policy evaluation failed for this request, please check the policy configurations"
)

func (d *Desired) terraformOwns(value string) bool { return slices.Contains(d.TerraformValues, value) }

func (d *Desired) inOrg() string {
	if d.OktaOrg == "" {
		return ""
	}
	return " in Okta org " + d.OktaOrg
}

// AppAssignments: Okta lets only assigned users sign in to an app. Every
// desired group must be assigned; with none declared, somebody must be.
func AppAssignments(d *Desired, a *Assignments) []Finding {
	assigned := make([]string, 0, len(a.Groups))
	byID := map[string]bool{}
	for _, g := range a.Groups {
		byID[g.ID] = true
		assigned = append(assigned, groupLabel(g))
	}
	sort.Strings(assigned)
	where := fmt.Sprintf("Applications > Applications > %s > Assignments%s", d.OktaAppID, d.inOrg())
	if len(d.Groups) == 0 {
		if len(a.Groups) > 0 || a.Users != 0 {
			return nil
		}
		return []Finding{{
			Severity: SeverityError, Field: "assignments", Expected: "at least one group or user", Actual: []string{},
			Message: fmt.Sprintf("Nobody is assigned to Okta app %s, so every W&B sign-in fails with %q: assign the W&B users' group (%s), or list it in okta.groups.", d.OktaAppID, notAssignedError, where),
		}}
	}
	var missing []string
	for _, g := range d.Groups {
		if id, ok := a.Resolved[g]; !ok || !byID[id] {
			missing = append(missing, g)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return []Finding{{
		Severity: SeverityError, Field: "assignments.groups", Expected: nonNil(d.Groups), Actual: assigned, Missing: missing,
		Fixable: d.terraformOwns(ValueGroups),
		Message: fmt.Sprintf("Assign %s %s to Okta app %s (%s): their members get %q when they sign in to W&B.", pluralize("group", len(missing)), quoteList(missing), d.OktaAppID, where, notAssignedError),
	}}
}

func groupLabel(g AssignedGroup) string {
	if g.Name != "" {
		return g.Name
	}
	return g.ID
}

// requiredOriginScopes are the trusted-origin scopes a browser sign-in
// needs: CORS for the SPA's calls to Okta, REDIRECT for Okta's redirects
// back to W&B after sign-in and sign-out.
var requiredOriginScopes = []string{"CORS", "REDIRECT"}

// TrustedOriginCORS: a browser app's calls to Okta (token, discovery,
// sign-out) are blocked by CORS unless the W&B origin is a trusted origin.
func TrustedOriginCORS(d *Desired, to *TrustedOrigins) []Finding {
	want := Origin(d.WandbURL)
	where := "Security > API > Trusted Origins" + d.inOrg()
	var best *TrustedOrigin
	for i := range to.Origins {
		o := &to.Origins[i]
		if Origin(o.Origin) != want {
			continue
		}
		if best == nil || originScore(o) > originScore(best) {
			best = o
		}
	}
	f := Finding{Severity: SeverityError, Field: "trustedOrigins", Expected: want, Fixable: d.terraformOwns(ValueTrustedOrigin)}
	switch {
	case best == nil:
		f.Actual = ""
		f.Missing = []string{want}
		f.Message = fmt.Sprintf("Add %s as an Okta Trusted Origin with the CORS and Redirect scopes (%s): the browser's calls from W&B to Okta are blocked by CORS otherwise.", want, where)
	case best.Status != "ACTIVE":
		f.Field, f.Expected, f.Actual = "trustedOrigins.status", "ACTIVE", best.Status
		f.Message = fmt.Sprintf("Activate the Okta Trusted Origin %q for %s (%s): it is %s, so the browser's calls from W&B to Okta are blocked by CORS.", best.Name, want, where, orUnset(best.Status))
	default:
		var missing []string
		for _, s := range requiredOriginScopes {
			if !slices.Contains(best.Scopes, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		f.Field, f.Expected, f.Actual, f.Missing = "trustedOrigins.scopes", requiredOriginScopes, nonNil(best.Scopes), missing
		f.Message = fmt.Sprintf("Add the %s %s to the Okta Trusted Origin %q for %s (%s): W&B's browser sign-in needs CORS and Redirect.", strings.Join(missing, " and "), pluralize("scope", len(missing)), best.Name, want, where)
	}
	return []Finding{f}
}

// originScore ranks candidate trusted origins so the finding is about the
// one closest to right.
func originScore(o *TrustedOrigin) int {
	n := 0
	if o.Status == "ACTIVE" {
		n += 10
	}
	for _, s := range requiredOriginScopes {
		if slices.Contains(o.Scopes, s) {
			n++
		}
	}
	return n
}

func labelAS(as *AuthServer) string {
	if as.Name != "" && as.Name != as.ID {
		return fmt.Sprintf("%s (%s)", as.Name, as.ID)
	}
	return as.ID
}

// ApplicablePolicyID is the ACTIVE access policy, first by priority, that
// applies to the client: where a rule for it belongs. "" when none does.
func ApplicablePolicyID(as *AuthServer, clientID string) string {
	id, _ := applicablePolicy(as, clientID)
	return id
}

func applicablePolicy(as *AuthServer, clientID string) (string, bool) {
	best := -1
	for i, p := range as.Policies {
		if p.Status == "ACTIVE" && p.Applies(clientID) && (best < 0 || p.Priority < as.Policies[best].Priority) {
			best = i
		}
	}
	if best < 0 {
		return "", false
	}
	return as.Policies[best].ID, true
}
