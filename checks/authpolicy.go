package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// WandbScopes are the scopes W&B's sign-in requests: "W&B requires specific
// OpenID Connect (OIDC) scopes ... openid, profile, email" (wandb/docs
// docs/guides/hosting/iam/sso.md, "Configure SSO with OIDC").
var WandbScopes = []string{"openid", "profile", "email"}

// everyoneGroup is how an access policy rule names every user ("Any user
// assigned the app"), as in okta-management-openapi 2026.06.3
// CreateAuthorizationServerPolicyRuleRequest; real orgs answer the id of
// their BUILT_IN Everyone group instead (AuthServer.EveryoneGroupID).
const everyoneGroup = "EVERYONE"

// AuthServerPolicy judges a custom authorization server as Okta evaluates
// a token request (okta-developer-docs guides/customize-authz-server,
// "Create access policies" and "Create Rules for each Access Policy"):
// "Policies are evaluated in priority order, as are the rules in a policy.
// The first policy and rule that matches the client request is applied ...
// If a client matches no policies, the authentication attempt fails", a
// policy matching on its clients; its rules match on grant type, user and
// scopes, and "Requests sent with different scopes don't match any rules
// and therefore fail". So only the first ACTIVE policy whose clients
// include W&B's client counts, and in it an ACTIVE rule must grant each
// grant type, with every scope W&B requests, to the users of every group
// assigned to the app.
func AuthServerPolicy(d *Desired, as *AuthServer, assigned *Assignments) []Finding {
	where := fmt.Sprintf("Security > API > Authorization Servers > %s%s", labelAS(as), d.inOrg())
	if as.Status != "ACTIVE" {
		return []Finding{{
			Severity: SeverityError, Field: "authorizationServer.status", Expected: "ACTIVE", Actual: orUnset(as.Status),
			Message: fmt.Sprintf("Activate the authorization server %s of issuer %s (%s): it is %s, so W&B cannot sign anybody in.", labelAS(as), d.Issuer, where, orUnset(as.Status)),
		}}
	}
	f := Finding{Severity: SeverityError, Field: "authorizationServer.policies", Expected: nonNil(d.GrantTypes)}
	p := capturingPolicy(as, d.ClientID)
	if p == nil {
		f.Actual, f.Missing = []string{}, nonNil(d.GrantTypes)
		f.Message = fmt.Sprintf("Okta answers W&B's sign-in with %q: no ACTIVE access policy of authorization server %s applies to client %s; add one for it, with a rule granting %s and the scopes %s (%s > Access Policies).", policyEvaluationError, labelAS(as), d.ClientID, quoteList(d.GrantTypes), strings.Join(WandbScopes, " "), where)
		return []Finding{f}
	}
	pops := populations(assigned)
	rules := byPriority(p.Rules)
	var granted, missing, why []string
	for _, g := range d.GrantTypes {
		var left []string
		for _, pop := range pops {
			if !slices.ContainsFunc(rules, func(r AuthRule) bool { return r.matches(as, g, pop) }) {
				left = append(left, pop.label)
			}
		}
		if len(left) == 0 {
			granted = append(granted, g)
			continue
		}
		missing = append(missing, g)
		why = append(why, fmt.Sprintf("%s for %s: %s", g, strings.Join(left, ", "), nearestMiss(as, rules, g, pops)))
	}
	if len(missing) == 0 {
		return nil
	}
	f.Actual, f.Missing = nonNil(granted), missing
	f.Fixable = d.terraformOwns(ValueAuthServerPolicyID)
	f.Message = fmt.Sprintf("Okta answers W&B's sign-in with %q: access policy %q (priority %d) of authorization server %s is the first ACTIVE policy that applies to client %s, and none of its ACTIVE rules matches W&B's request (%s, scopes %s): %s.%s Add or fix a rule in policy %q (%s > Access Policies).",
		policyEvaluationError, policyLabel(p), p.Priority, labelAS(as), d.ClientID, quoteList(missing), strings.Join(WandbScopes, " "),
		strings.Join(why, "; "), shadowed(as, p, d, pops), policyLabel(p), where)
	return []Finding{f}
}

// SignInRule is the policy and rule Okta applies to W&B's sign-in with
// grant: in the first ACTIVE policy, by priority, whose clients include
// clientID, the first ACTIVE rule, by priority, that matches the grant,
// the scopes W&B requests and the people of every group assigned to the
// app (AuthServerPolicy's evaluation). nil when no rule matches.
func SignInRule(as *AuthServer, clientID, grant string, assigned *Assignments) (*AuthPolicy, *AuthRule) {
	p := capturingPolicy(as, clientID)
	if p == nil {
		return nil, nil
	}
	pops := populations(assigned)
	for _, r := range byPriority(p.Rules) {
		if !slices.ContainsFunc(pops, func(pop population) bool { return !r.matches(as, grant, pop) }) {
			return p, &r
		}
	}
	return p, nil
}

// population is the users W&B's sign-in comes from: the members of one
// group assigned to the app, or (group "") the users assigned directly.
type population struct {
	label, group string
	unknown      bool // the assignments were not read: people are not judged
}

func populations(a *Assignments) []population {
	if a == nil {
		return []population{{label: "W&B's users", unknown: true}}
	}
	if len(a.Groups) == 0 {
		return []population{{label: "the users assigned to the app"}}
	}
	out := make([]population, 0, len(a.Groups))
	for _, g := range a.Groups {
		out = append(out, population{label: "group " + groupLabel(g), group: g.ID})
	}
	return out
}

// matches is Okta's rule match for one request: ACTIVE, the grant type,
// every requested scope (or "*"), and the people condition.
func (r AuthRule) matches(as *AuthServer, grant string, pop population) bool {
	return r.Status == "ACTIVE" && slices.Contains(r.GrantTypes, grant) && len(r.missingScopes()) == 0 && r.admits(as, pop)
}

func (r AuthRule) missingScopes() []string {
	if slices.Contains(r.Scopes, "*") {
		return nil
	}
	var out []string
	for _, s := range WandbScopes {
		if !slices.Contains(r.Scopes, s) {
			out = append(out, s)
		}
	}
	return out
}

// admits reports whether the rule's people condition lets a population's
// users through: no condition read, every user (EVERYONE or the org's
// Everyone group), or the population's group. A rule naming only users
// admits no group as a whole.
func (r AuthRule) admits(as *AuthServer, pop population) bool {
	if pop.unknown || (r.Groups == nil && r.Users == nil) {
		return true
	}
	for _, g := range r.Groups {
		if g == everyoneGroup || (as.EveryoneGroupID != "" && g == as.EveryoneGroupID) || (pop.group != "" && g == pop.group) {
			return true
		}
	}
	return false
}

// nearestMiss says why the first ACTIVE rule, by priority, that grants the
// grant type does not match; or that no ACTIVE rule grants it.
func nearestMiss(as *AuthServer, rules []AuthRule, grant string, pops []population) string {
	for _, r := range rules {
		if r.Status != "ACTIVE" || !slices.Contains(r.GrantTypes, grant) {
			continue
		}
		var because []string
		if m := r.missingScopes(); len(m) > 0 {
			because = append(because, fmt.Sprintf("its scopes (%s) lack %s", strings.Join(nonNil(r.Scopes), " "), strings.Join(m, " ")))
		}
		if !slices.ContainsFunc(pops, func(p population) bool { return r.admits(as, p) }) {
			because = append(because, fmt.Sprintf("its people condition names only %s", peopleLabel(r)))
		}
		if len(because) == 0 {
			because = append(because, "its people condition leaves out some of the app's groups")
		}
		return fmt.Sprintf("rule %q (priority %d) grants it, but %s", ruleLabel(r), r.Priority, strings.Join(because, " and "))
	}
	return "no ACTIVE rule grants it"
}

// shadowed names a later policy that would have let the request through:
// Okta never reaches it, which is the surprise worth stating.
func shadowed(as *AuthServer, captured *AuthPolicy, d *Desired, pops []population) string {
	for _, p := range byPolicyPriority(as.Policies) {
		if p.ID == captured.ID || p.Status != "ACTIVE" || !p.Applies(d.ClientID) {
			continue
		}
		ok := true
		for _, g := range d.GrantTypes {
			for _, pop := range pops {
				ok = ok && slices.ContainsFunc(p.Rules, func(r AuthRule) bool { return r.matches(as, g, pop) })
			}
		}
		if ok {
			return fmt.Sprintf(" Policy %q (priority %d) would grant it, but Okta applies only the first policy that applies to the client.", policyLabel(&p), p.Priority)
		}
	}
	return ""
}

// capturingPolicy is the ACTIVE policy, first by priority, whose clients
// include the client: the only one Okta evaluates for it.
func capturingPolicy(as *AuthServer, clientID string) *AuthPolicy {
	for _, p := range byPolicyPriority(as.Policies) {
		if p.Status == "ACTIVE" && p.Applies(clientID) {
			return &p
		}
	}
	return nil
}

func byPolicyPriority(ps []AuthPolicy) []AuthPolicy {
	out := slices.Clone(ps)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out
}

func byPriority(rs []AuthRule) []AuthRule {
	out := slices.Clone(rs)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	return out
}

func policyLabel(p *AuthPolicy) string {
	if p.Name != "" {
		return p.Name
	}
	return p.ID
}

func ruleLabel(r AuthRule) string {
	if r.Name != "" {
		return r.Name
	}
	return r.ID
}

func peopleLabel(r AuthRule) string {
	var parts []string
	if len(r.Groups) > 0 {
		parts = append(parts, pluralize("group", len(r.Groups))+" "+strings.Join(r.Groups, ", "))
	}
	if len(r.Users) > 0 {
		parts = append(parts, pluralize("user", len(r.Users))+" "+strings.Join(r.Users, ", "))
	}
	if len(parts) == 0 {
		return "nobody"
	}
	return strings.Join(parts, " and ")
}
