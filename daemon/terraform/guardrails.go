package terraform

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/driftd/driftd/checks"
	"github.com/driftd/driftd/daemon/config"
	"github.com/driftd/driftd/daemon/report"
)

// Guardrails returns why a plan must not be applied, or nothing. It refuses
// deletes and replaces, addresses outside the allow-list, and in-place
// updates of attributes not listed for the resource's type in attributes
// (remediation.terraform.attributes; nil means config.DefaultAttributes).
func Guardrails(s *report.PlanSummary, allow []string, attributes map[string][]string) []string {
	if attributes == nil {
		attributes = config.DefaultAttributes
	}
	var out []string
	for _, c := range s.Changes {
		switch c.Action {
		case "delete", "replace":
			out = append(out, fmt.Sprintf("no-destroy: the plan would %s %s", c.Action, c.Address))
		}
		if !allowed(c.Address, allow) {
			out = append(out, fmt.Sprintf("allow-list: %s is outside remediation.terraform.allow %v", c.Address, allow))
		}
		if c.Action == "update" {
			out = append(out, attributeGuardrail(c, attributes)...)
		}
	}
	return out
}

// attributeGuardrail refuses every change to an attribute the resource's
// type does not list: a fix must never switch, say, consent_method, which
// changes what users are asked (issuer_mode is listed: driftd passes the
// mode the desired issuer needs, checks.DesiredIssuerMode). A change is listed when its
// path without indexes is a listed attribute or lies inside one. A value
// the provider recomputes at apply (known after apply) is not a change
// driftd asks for: every desired value driftd passes is known at plan time.
func attributeGuardrail(c report.ResourceChange, attributes map[string][]string) []string {
	var out []string
	listed := attributes[c.Type]
	for _, a := range c.Attributes {
		if a.Computed || attributeListed(a.Name, listed) {
			continue
		}
		may := "nothing (the type is not listed)"
		if len(listed) > 0 {
			may = "only " + strings.Join(listed, ", ")
		}
		out = append(out, fmt.Sprintf("attributes: the plan would change %s of %s from %s to %s; %s may change %s (remediation.terraform.attributes)",
			a.Name, c.Address, a.Before, a.After, c.Type, may))
	}
	return out
}

var listIndex = regexp.MustCompile(`\[[0-9]+\]`)

func attributeListed(name string, listed []string) bool {
	p := listIndex.ReplaceAllString(name, "")
	for _, l := range listed {
		if p == l || strings.HasPrefix(p, l+".") {
			return true
		}
	}
	return false
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
