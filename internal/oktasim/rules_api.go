package oktasim

import (
	"net/http"
)

// The authorization server policy rule operations a client (the okta
// provider's okta_auth_server_policy_rule, okta-sdk-golang v2's
// AuthorizationServerResource) writes with, from
// okta/okta-management-openapi-spec dist/current/management-oneOfInheritance.yaml
// paths /api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules:
// createAuthorizationServerPolicyRule (201 with the rule, body
// AuthorizationServerPolicyRuleRequest: name, conditions and type required),
// deleteAuthorizationServerPolicyRule (204), and
// activate/deactivateAuthorizationServerPolicyRule (204, no body). Each is
// a 404 E0000007 when the server, policy or rule is unknown.

// createRule serves POST .../policies/{pid}/rules. Okta assigns id, created
// and lastUpdated; system is read-only for clients ("Set to true for
// system rules", which only Okta makes); an absent status is ACTIVE, an
// absent priority puts the rule last, and an absent people condition is
// EVERYONE, as in the spec's CreateAuthorizationServerPolicyRuleRequest
// example's response.
func (s *Server) createRule(w http.ResponseWriter, r *http.Request, c caller, asID, policyID string) {
	var in Rule
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.policyOr404(w, asID, policyID)
	if p == nil {
		return
	}
	now := s.now().UTC()
	in.ID, in.Created, in.LastUpdated, in.System, in.Links = newID("0pr"), now, now, false, nil
	if in.Status == "" {
		in.Status = "ACTIVE"
	}
	if in.Priority <= 0 {
		in.Priority = s.lastRulePriorityLocked(policyID) + 1
	}
	if in.Conditions.People == nil {
		in.Conditions.People = map[string]Include{"groups": {[]string{"EVERYONE"}}, "users": {[]string{}}}
	}
	if in.Actions == nil {
		in.Actions = defaultRule(now).Actions
	}
	if err := validateRule(&in); err != nil {
		writeAPIError(w, err)
		return
	}
	s.as.rules[policyID] = append(s.as.rules[policyID], &in)
	s.recordLocked("policy.rule.add", c.actor(), policyTarget(p))
	writeValue(w, http.StatusCreated, s.ruleLinks(asID, policyID, &in))
}

func (s *Server) lastRulePriorityLocked(policyID string) int64 {
	var last int64
	for _, r := range s.as.rules[policyID] {
		last = max(last, r.Priority)
	}
	return last
}

// deleteRule serves DELETE .../policies/{pid}/rules/{rid}.
func (s *Server) deleteRule(w http.ResponseWriter, c caller, asID, policyID, ruleID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.findPolicy(asID, policyID)
	var cur *Rule
	if p != nil {
		cur = s.findRule(policyID, ruleID)
	}
	if cur == nil {
		notFound(w, ruleID, "PolicyRule")
		return
	}
	rules := s.as.rules[policyID][:0]
	for _, r := range s.as.rules[policyID] {
		if r.ID != ruleID {
			rules = append(rules, r)
		}
	}
	s.as.rules[policyID] = rules
	s.recordLocked("policy.rule.delete", c.actor(), policyTarget(p))
	w.WriteHeader(http.StatusNoContent)
}

// ruleLifecycle serves POST .../rules/{rid}/lifecycle/{activate,deactivate}:
// 204 with no body; a rule already in that status is left as it is and
// logs nothing.
func (s *Server) ruleLifecycle(w http.ResponseWriter, c caller, asID, policyID, ruleID, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur *Rule
	if s.findPolicy(asID, policyID) != nil {
		cur = s.findRule(policyID, ruleID)
	}
	if cur == nil {
		notFound(w, ruleID, "PolicyRule")
		return
	}
	if cur.Status != status {
		if err := s.replaceRuleLocked(asID, policyID, ruleID, func(r *Rule) { r.Status = status }, c.actor()); err != nil {
			writeAPIError(w, err)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
