package events

import (
	"slices"
	"sync"

	"github.com/driftd/driftd/checks"
)

// PolicyBook remembers which access policies each target's authorization
// server held when last observed: the config names the server, never its
// policies, and policy events name only the policy. It also remembers the
// trusted origins' ids (LearnOrigins). It outlives config reloads (the
// Dispatcher keeps one).
type PolicyBook struct {
	mu       sync.Mutex
	byTarget map[string][]string // target -> policy ids
	origins  map[string]string   // trusted origin id -> its origin, as read
}

// NewPolicyBook is an empty book.
func NewPolicyBook() *PolicyBook { return &PolicyBook{byTarget: map[string][]string{}} }

// Learn records the policies of the authorization server a target's run
// observed; nil forgets them (the issuer is the org server, or it was not
// read).
func (b *PolicyBook) Learn(target string, as *checks.AuthServer) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if as == nil {
		delete(b.byTarget, target)
		return
	}
	ids := make([]string, 0, len(as.Policies))
	for _, p := range as.Policies {
		ids = append(ids, p.ID)
	}
	b.byTarget[target] = ids
}

// targets are the targets whose server held policy id, sorted.
func (b *PolicyBook) targets(id string) []string {
	if b == nil || id == "" {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for t, ids := range b.byTarget {
		if slices.Contains(ids, id) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// maxOriginIDs bounds the trusted origin ids remembered: far more than an
// org holds.
const maxOriginIDs = 10000

// LearnOrigins records the origin of each trusted origin a run read (nil:
// none read). A trusted origin event names the id and the origin's new URL
// (TrustedOriginResourceDetails.trusted_origin_url, okta-developer-docs
// data/event-types.json), so an edit that moves the W&B origin elsewhere is
// found through the id's last observed origin. Okta ids are unique across
// orgs.
func (b *PolicyBook) LearnOrigins(list *checks.TrustedOrigins) {
	if b == nil || list == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.origins == nil {
		b.origins = map[string]string{}
	}
	for _, o := range list.Origins {
		if _, ok := b.origins[o.ID]; ok || len(b.origins) < maxOriginIDs {
			b.origins[o.ID] = o.Origin
		}
	}
}

// originOf is the origin trusted origin id had when last read; "" if none.
func (b *PolicyBook) originOf(id string) string {
	if b == nil || id == "" {
		return ""
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.origins[id]
}
