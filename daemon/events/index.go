package events

import (
	"net/url"
	"strings"
	"sync"

	"github.com/driftd/driftd/checks/source"
	"github.com/driftd/driftd/daemon/config"
)

// Index maps the ids an Okta event names to the targets they concern: a
// target's app id, the id of the authorization server of its issuer
// (`/oauth2/{id}`), and its trusted origins (by origin, since the config
// holds origins, not ids; an id seen with a target's origin is remembered,
// so a later event that changes the origin still finds the target), and
// the access policies of that server (Okta names the policy, not the rule
// or the server, as the target of policy.rule.* and policy.lifecycle.*
// events: PolicyResourceDetails in the Event Types catalog). Ids it does
// not know are ignored.
type Index struct {
	byID     map[string][]string
	byOrigin map[string][]string
	// customAS are the targets whose issuer is a custom authorization
	// server: a change to an access policy not yet seen may concern them.
	customAS []string
	policies *PolicyBook
	// orgOf is each target's Okta org URL: ids such as "default" (every
	// org's default authorization server) repeat across orgs.
	orgOf map[string]string

	mu      sync.Mutex
	learned map[string][]string // trusted origin id -> targets
}

// NewIndex indexes cfg's targets.
func NewIndex(cfg *config.Config) *Index {
	ix := &Index{byID: map[string][]string{}, byOrigin: map[string][]string{}, learned: map[string][]string{}, orgOf: map[string]string{},
		policies: NewPolicyBook()}
	for i := range cfg.Targets {
		t := &cfg.Targets[i]
		ix.orgOf[t.Name] = cfg.OrgFor(t).URL
		add(ix.byID, t.Okta.AppID, t.Name)
		add(ix.byID, authServerID(t.OIDC.Issuer), t.Name)
		if authServerID(t.OIDC.Issuer) != "" {
			ix.customAS = append(ix.customAS, t.Name)
		}
		add(ix.byOrigin, origin(t.Wandb.URL), t.Name)
		for _, o := range t.CORSOrigins {
			add(ix.byOrigin, origin(o), t.Name)
		}
	}
	return ix
}

func add(m map[string][]string, key, target string) {
	if key == "" {
		return
	}
	for _, have := range m[key] {
		if have == target {
			return
		}
	}
	m[key] = append(m[key], target)
}

// Targets returns the names of the targets ev concerns, each once, in a
// stable order; none for an event about objects no target uses.
func (ix *Index) Targets(ev source.LogEvent) []string { return ix.TargetsIn(ev, "") }

// TargetsIn is Targets for an event logged by the Okta org at org: only
// that org's targets (all of them when org is "", origin unknown).
func (ix *Index) TargetsIn(ev source.LogEvent, org string) []string {
	var out []string
	seen := map[string]bool{}
	put := func(names []string) {
		for _, n := range names {
			if org != "" && !strings.EqualFold(ix.orgOf[n], org) {
				continue
			}
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	namesServer := false
	for _, tg := range ev.Targets {
		namesServer = namesServer || tg.Type == "AuthorizationServer"
	}
	for _, tg := range ev.Targets {
		put(ix.byID[tg.ID])
		switch tg.Type {
		case "TrustedOrigin":
			o := trustedOriginOf(tg)
			ix.mu.Lock()
			if names := ix.byOrigin[o]; len(names) > 0 && tg.ID != "" {
				ix.learned[tg.ID] = names
			}
			put(ix.learned[tg.ID])
			ix.mu.Unlock()
			put(ix.byOrigin[o])
			put(ix.byOrigin[origin(ix.policies.originOf(tg.ID))])
		case "Policy":
			put(ix.policyTargets(tg, namesServer))
		}
	}
	return out
}

// trustedOriginOf is the origin a trusted origin event names: the
// catalog's TrustedOriginResourceDetails carry it as trusted_origin_url
// (okta-developer-docs data/event-types.json); alternateId is read too,
// for events that put it there.
func trustedOriginOf(tg source.LogTarget) string {
	if o := origin(tg.Details["trusted_origin_url"]); o != "" {
		return o
	}
	return origin(tg.AlternateID)
}

// oauthPolicyType is the policy_type of an authorization server's access
// policy in PolicyResourceDetails (okta-developer-docs data/event-types.json:
// "OAuthAuthzPolicy" among the examples).
const oauthPolicyType = "OAuthAuthzPolicy"

// policyTargets are the targets an access policy event concerns: those
// whose authorization server was seen holding the policy; for an access
// policy not seen yet (one just created, which may now capture the client)
// every target on a custom authorization server, or, when the event also
// names the server (the catalog's schema names only the policy, but an
// event that names it is taken at its word), none beyond that server's,
// which byID already found.
//
// The rule for the other policy types of PolicyResourceDetails' policy_type
// (OktaSignOn, ACCESS_POLICY, Password, OktaMfaEnroll, IdpDiscovery,
// PROFILE_ENROLLMENT, …): an unseen one is ignored. Only an authorization
// server's access policies are in driftd's observation (okta.auth_server);
// the others gate who may sign in to Okta or how, which no driftd check
// reads, so a run could not see what they changed.
func (ix *Index) policyTargets(tg source.LogTarget, namesServer bool) []string {
	var known []string
	for _, n := range ix.policies.targets(tg.ID) {
		if _, ok := ix.orgOf[n]; ok { // a target since removed by a reload is not
			known = append(known, n)
		}
	}
	if len(known) > 0 {
		return known
	}
	if tg.Details["policy_type"] == oauthPolicyType && !namesServer {
		return ix.customAS
	}
	return nil
}

// authServerID is the custom authorization server id of an issuer such as
// https://acme.okta.com/oauth2/aus1 (or .../oauth2/default); "" for the org
// authorization server, which has no System Log events of its own.
func authServerID(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) == 2 && parts[0] == "oauth2" {
		return parts[1]
	}
	return ""
}

// origin is scheme://host[:port] in lower case, the form Okta keeps a
// trusted origin in; "" when s is not an absolute URL.
func origin(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}
