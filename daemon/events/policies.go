package events

import (
	"slices"
	"sync"

	"github.com/driftd/driftd/checks"
)

// PolicyBook remembers which access policies each target's authorization
// server held when last observed: the config names the server, never its
// policies, and policy events name only the policy. It outlives config
// reloads (the Dispatcher keeps one).
type PolicyBook struct {
	mu       sync.Mutex
	byTarget map[string][]string // target -> policy ids
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
