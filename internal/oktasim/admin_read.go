package oktasim

import (
	"fmt"
	"sort"
)

// TrustedOrigins returns the org's trusted origins, oldest first: what an
// admin sees in Security > API > Trusted Origins.
func (s *Server) TrustedOrigins() []TrustedOrigin {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TrustedOrigin, 0, len(s.orgs.byID))
	for _, o := range s.orgs.byID {
		cp := *o
		cp.Scopes = append([]OriginScope(nil), o.Scopes...)
		out = append(out, cp)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Created.Before(out[j].Created) || out[i].Created.Equal(out[j].Created) && out[i].ID < out[j].ID
	})
	return out
}

// AdminDeleteTrustedOrigin deletes a trusted origin as an admin would in
// the console, recorded as security.trusted_origin.delete.
func (s *Server) AdminDeleteTrustedOrigin(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs.byID[id]
	if !ok {
		return fmt.Errorf("deleting trusted origin %s: no such origin", id)
	}
	delete(s.orgs.byID, id)
	s.recordLocked("security.trusted_origin.delete", consoleAdmin, originTarget(o))
	return nil
}

// AssignedGroups returns the ids of the groups assigned to an app, sorted.
func (s *Server) AssignedGroups(appID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.dir.assignments[appID]))
	for id := range s.dir.assignments[appID] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Policies returns the access policies of an authorization server, and
// each policy's rules, in priority order: what an admin sees under
// Security > API > Authorization Servers > Access Policies.
func (s *Server) Policies(asID string) (policies []Policy, rules map[string][]Rule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rules = map[string][]Rule{}
	for _, p := range s.as.policies[asID] {
		policies = append(policies, *p)
		for _, r := range s.as.rules[p.ID] {
			rules[p.ID] = append(rules[p.ID], *r)
		}
		sort.SliceStable(rules[p.ID], func(i, j int) bool { return rules[p.ID][i].Priority < rules[p.ID][j].Priority })
	}
	sort.SliceStable(policies, func(i, j int) bool { return policies[i].Priority < policies[j].Priority })
	return policies, rules
}
