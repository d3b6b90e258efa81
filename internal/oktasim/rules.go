package oktasim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
)

// ruleGrantTypes is spec GrantType, the values conditions.grantTypes.include
// takes (okta/okta-management-openapi-spec management-oneOfInheritance.yaml).
var ruleGrantTypes = []string{"authorization_code", "client_credentials", "implicit", "interaction_code", "password",
	"refresh_token", "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:jwt-bearer",
	"urn:ietf:params:oauth:grant-type:saml2-bearer", "urn:ietf:params:oauth:grant-type:token-exchange",
	"urn:openid:params:grant-type:ciba", "urn:okta:params:oauth:grant-type:otp", "urn:okta:params:oauth:grant-type:oob",
	"http://auth0.com/oauth/grant-type/mfa-otp", "http://auth0.com/oauth/grant-type/mfa-oob"}

// validateRule: AuthorizationServerPolicyRuleRequest requires name,
// conditions and type (RESOURCE_ACCESS); status is ACTIVE or INACTIVE;
// grant types come from GrantType; a rule grants at least one grant type
// (spec AuthorizationServerPolicyRule*). An empty scope list is accepted:
// real Okta created rules with `"scopes":{}` and answered
// `"scopes":{"include":[]}` (okta/terraform-provider-okta v6.12.0
// test/fixtures/vcr/idaas/TestAccResourceOktaAuthServerPolicyRule_create/oie-00.yaml).
func validateRule(r *Rule) *APIError {
	if r.Name == "" {
		return validationError("name", "name: The field cannot be left blank.")
	}
	if r.Type == "" {
		return validationError("type", "type: The field cannot be left blank.")
	}
	if r.Type != "RESOURCE_ACCESS" {
		return validationError("type", fmt.Sprintf("type: '%s' is invalid. Valid values: [RESOURCE_ACCESS]", r.Type))
	}
	if err := checkStatus(r.Status); err != nil {
		return err
	}
	if len(r.Conditions.GrantTypes.Include) == 0 {
		return validationError("conditions", "conditions.grantTypes.include: The field cannot be left blank.")
	}
	for _, g := range r.Conditions.GrantTypes.Include {
		if !slices.Contains(ruleGrantTypes, g) {
			return validationError("conditions", fmt.Sprintf("conditions.grantTypes.include: '%s' is not a valid grant type", g))
		}
	}
	slices.Sort(r.Conditions.GrantTypes.Include)
	return nil
}

// MarshalJSON writes a rule's conditions as Okta answers them (the same
// recording): grant types sorted (sent password, implicit; answered
// implicit, password), scopes.include always present, and a people
// condition with no one included as {"exclude": []}.
func (c RuleConditions) MarshalJSON() ([]byte, error) {
	people := map[string]any{}
	for k, v := range c.People {
		if len(v.Include) == 0 {
			people[k] = map[string]any{"exclude": []string{}}
		} else {
			people[k] = map[string]any{"include": v.Include}
		}
	}
	scopes := c.Scopes.Include
	if scopes == nil {
		scopes = []string{}
	}
	return json.Marshal(map[string]any{"people": people, "grantTypes": map[string]any{"include": c.GrantTypes.Include},
		"scopes": map[string]any{"include": scopes}})
}

// AddRule adds a rule to an access policy as an admin would; empty type,
// status and people take the console's defaults (RESOURCE_ACCESS, ACTIVE,
// EVERYONE).
func (s *Server) AddRule(asID, policyID string, r Rule) (Rule, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.findPolicy(asID, policyID)
	if p == nil {
		return Rule{}, fmt.Errorf("adding rule to policy %s of authorization server %s: no such policy", policyID, asID)
	}
	now := s.now().UTC()
	r.ID, r.Created, r.LastUpdated = newID("0pr"), now, now
	if r.Type == "" {
		r.Type = "RESOURCE_ACCESS"
	}
	if r.Status == "" {
		r.Status = "ACTIVE"
	}
	if r.Conditions.People == nil {
		r.Conditions.People = map[string]Include{"groups": {[]string{"EVERYONE"}}, "users": {[]string{}}}
	}
	if r.Actions == nil {
		r.Actions = defaultRule(now).Actions
	}
	if err := validateRule(&r); err != nil {
		return Rule{}, fmt.Errorf("adding rule %q: %w", r.Name, err)
	}
	s.as.rules[policyID] = append(s.as.rules[policyID], &r)
	s.recordLocked("policy.rule.add", consoleAdmin, policyTarget(p))
	return r, nil
}

// AdminEditRule changes an access policy rule as an admin would.
func (s *Server) AdminEditRule(asID, policyID, ruleID string, change func(*Rule)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.replaceRuleLocked(asID, policyID, ruleID, change, consoleAdmin); err != nil {
		return fmt.Errorf("editing rule %s of policy %s: %w", ruleID, policyID, err)
	}
	return nil
}

func (s *Server) findRule(policyID, ruleID string) *Rule {
	for _, r := range s.as.rules[policyID] {
		if r.ID == ruleID {
			return r
		}
	}
	return nil
}

func (s *Server) replaceRuleLocked(asID, policyID, ruleID string, change func(*Rule), actor LogActor) *APIError {
	p := s.findPolicy(asID, policyID)
	var cur *Rule
	if p != nil {
		cur = s.findRule(policyID, ruleID)
	}
	if cur == nil {
		return &APIError{Status: 404, Code: "E0000007", Summary: "Not found: Resource not found: " + ruleID + " (PolicyRule)"}
	}
	next := *cur
	next.Conditions.GrantTypes.Include = slices.Clone(cur.Conditions.GrantTypes.Include)
	next.Conditions.Scopes.Include = slices.Clone(cur.Conditions.Scopes.Include)
	change(&next)
	next.ID, next.Created, next.System = cur.ID, cur.Created, cur.System
	if err := validateRule(&next); err != nil {
		return err
	}
	next.LastUpdated = s.now().UTC()
	event := lifecycleEvent("policy.rule", cur.Status, next.Status)
	*cur = next
	s.recordLocked(event, actor, policyTarget(p))
	return nil
}

func (s *Server) ruleLinks(asID, policyID string, r *Rule) Rule {
	out := *r
	self := s.URL + "/api/v1/authorizationServers/" + asID + "/policies/" + policyID + "/rules/" + r.ID
	hints := func(methods ...string) map[string]any { return map[string]any{"allow": methods} }
	out.Links = map[string]any{"self": map[string]any{"href": self, "hints": hints("GET", "PUT", "DELETE")}}
	if r.Status == "ACTIVE" {
		out.Links["deactivate"] = map[string]any{"href": self + "/lifecycle/deactivate", "hints": hints("POST")}
	} else {
		out.Links["activate"] = map[string]any{"href": self + "/lifecycle/activate", "hints": hints("POST")}
	}
	return out
}

func (s *Server) listRules(w http.ResponseWriter, asID, policyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.policyOr404(w, asID, policyID) == nil {
		return
	}
	out := []Rule{}
	for _, r := range s.as.rules[policyID] {
		out = append(out, s.ruleLinks(asID, policyID, r))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	writeValue(w, http.StatusOK, out)
}

func (s *Server) getRule(w http.ResponseWriter, asID, policyID, ruleID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var r *Rule
	if s.findPolicy(asID, policyID) != nil {
		r = s.findRule(policyID, ruleID)
	}
	if r == nil {
		notFound(w, ruleID, "PolicyRule")
		return
	}
	writeValue(w, http.StatusOK, s.ruleLinks(asID, policyID, r))
}

// putRule serves PUT .../policies/{pid}/rules/{rid} (spec
// replaceAuthorizationServerPolicyRule): name, priority, conditions and
// actions come from the request; status changes through lifecycle.
func (s *Server) putRule(w http.ResponseWriter, r *http.Request, c caller, asID, policyID, ruleID string) {
	var in Rule
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.replaceRuleLocked(asID, policyID, ruleID, func(cur *Rule) {
		cur.Name, cur.Priority, cur.Conditions = in.Name, in.Priority, in.Conditions
		if in.Type != "" {
			cur.Type = in.Type
		}
		if in.Actions != nil {
			cur.Actions = in.Actions
		}
	}, c.actor())
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeValue(w, http.StatusOK, s.ruleLinks(asID, policyID, s.findRule(policyID, ruleID)))
}
