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
// so a later event that changes the origin still finds the target). Ids it
// does not know are ignored.
type Index struct {
	byID     map[string][]string
	byOrigin map[string][]string
	// orgOf is each target's Okta org URL: ids such as "default" (every
	// org's default authorization server) repeat across orgs.
	orgOf map[string]string

	mu      sync.Mutex
	learned map[string][]string // trusted origin id -> targets
}

// NewIndex indexes cfg's targets.
func NewIndex(cfg *config.Config) *Index {
	ix := &Index{byID: map[string][]string{}, byOrigin: map[string][]string{}, learned: map[string][]string{}, orgOf: map[string]string{}}
	for i := range cfg.Targets {
		t := &cfg.Targets[i]
		ix.orgOf[t.Name] = cfg.OrgFor(t).URL
		add(ix.byID, t.Okta.AppID, t.Name)
		add(ix.byID, authServerID(t.OIDC.Issuer), t.Name)
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
	for _, tg := range ev.Targets {
		put(ix.byID[tg.ID])
		if tg.Type != "TrustedOrigin" {
			continue
		}
		ix.mu.Lock()
		if names := ix.byOrigin[origin(tg.AlternateID)]; len(names) > 0 && tg.ID != "" {
			ix.learned[tg.ID] = names
		}
		put(ix.learned[tg.ID])
		ix.mu.Unlock()
		put(ix.byOrigin[origin(tg.AlternateID)])
	}
	return out
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
