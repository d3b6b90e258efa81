package terraform

import (
	"encoding/json"
	"fmt"
	"path"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/report"
)

// Guardrails returns why a plan must not be applied, or nothing. It refuses
// deletes and replaces, and addresses outside the allow-list.
func Guardrails(s *report.PlanSummary, allow []string) []string {
	var out []string
	for _, c := range s.Changes {
		switch c.Action {
		case "delete", "replace":
			out = append(out, fmt.Sprintf("no-destroy: the plan would %s %s", c.Action, c.Address))
		}
		if !allowed(c.Address, allow) {
			out = append(out, fmt.Sprintf("allow-list: %s is outside remediation.terraform.allow %v", c.Address, allow))
		}
	}
	return out
}

func allowed(address string, globs []string) bool {
	for _, g := range globs {
		if g == "*" {
			return true
		}
		if ok, _ := path.Match(g, address); ok {
			return true
		}
	}
	return false
}

// Fingerprint identifies an observation, so a plan made against one world
// is never applied to another.
func Fingerprint(o *checks.Observed) string {
	if o == nil {
		return ""
	}
	type view struct {
		Okta *checks.OktaApp
		Env  map[string]string
		Disc *checks.Discovery
		// The sign-in objects a plan may also change (contract section 9);
		// omitted when unread, so fingerprints without them are unchanged.
		Assignments    *checks.Assignments    `json:",omitempty"`
		TrustedOrigins *checks.TrustedOrigins `json:",omitempty"`
		AuthServer     *checks.AuthServer     `json:",omitempty"`
	}
	v := view{Okta: o.Okta, Disc: o.Discovery, Assignments: o.Assignments, TrustedOrigins: o.TrustedOrigins, AuthServer: o.AuthServer}
	if o.Env != nil {
		v.Env = o.Env.Vars
	}
	b, _ := json.Marshal(v)
	return report.Digest(b)
}
