package oktasim

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"
)

// AuthorizationServer is a custom authorization server
// (okta/okta-sdk-golang v2.20.0 okta/authorizationServer.go; spec
// AuthorizationServer). Issuer is filled from the simulator's URL.
type AuthorizationServer struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Audiences   []string       `json:"audiences"`
	Issuer      string         `json:"issuer"`
	IssuerMode  string         `json:"issuerMode"`
	Status      string         `json:"status"`
	Default     bool           `json:"default"`
	Created     time.Time      `json:"created"`
	LastUpdated time.Time      `json:"lastUpdated"`
	Credentials map[string]any `json:"credentials"`
	Links       map[string]any `json:"_links,omitempty"`
}

// Policy is an authorization server access policy
// (okta/authorizationServerPolicy.go; spec example AuthorizationServerPolicy).
type Policy struct {
	ID          string           `json:"id"`
	Type        string           `json:"type"`
	Status      string           `json:"status"`
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Priority    int64            `json:"priority"`
	System      bool             `json:"system"`
	Conditions  PolicyConditions `json:"conditions"`
	Created     time.Time        `json:"created"`
	LastUpdated time.Time        `json:"lastUpdated"`
	Links       map[string]any   `json:"_links,omitempty"`
}

// PolicyConditions holds conditions.clients.include: client ids or ALL_CLIENTS.
type PolicyConditions struct {
	Clients Include `json:"clients"`
}

// Include is an {include: [...]} condition.
type Include struct {
	Include []string `json:"include"`
}

// Rule is an access policy rule (okta/authorizationServerPolicyRule.go;
// spec example AuthorizationServerPolicyRule).
type Rule struct {
	ID          string         `json:"id"`
	Type        string         `json:"type"`
	Status      string         `json:"status"`
	Name        string         `json:"name"`
	Priority    int64          `json:"priority"`
	System      bool           `json:"system"`
	Conditions  RuleConditions `json:"conditions"`
	Actions     map[string]any `json:"actions"`
	Created     time.Time      `json:"created"`
	LastUpdated time.Time      `json:"lastUpdated"`
	Links       map[string]any `json:"_links,omitempty"`
}

// RuleConditions are a rule's people, grant types and scopes.
type RuleConditions struct {
	People     map[string]Include `json:"people"`
	GrantTypes Include            `json:"grantTypes"`
	Scopes     Include            `json:"scopes"`
}

type asStore struct {
	servers  map[string]*AuthorizationServer
	policies map[string][]*Policy // server id -> policies
	rules    map[string][]*Rule   // policy id -> rules
}

func newASStore() asStore {
	return asStore{servers: map[string]*AuthorizationServer{}, policies: map[string][]*Policy{}, rules: map[string][]*Rule{}}
}

// defaultAuthServer is the org's "default" server; its key rotates by hand
// (recorded: rotationMode MANUAL, no nextRotation, in
// TestAccResourceOktaAuthServerDefault_crud/oie-00.yaml).
func defaultAuthServer(now time.Time) *AuthorizationServer {
	return &AuthorizationServer{ID: "default", Name: "default", Description: "Default Authorization Server",
		Audiences: []string{"api://default"}, IssuerMode: "ORG_URL", Status: "ACTIVE", Default: true, Created: now, LastUpdated: now,
		Credentials: map[string]any{"signing": map[string]any{"kid": "sim-as-key", "rotationMode": "MANUAL", "lastRotated": now.Format(oktaTime)}}}
}

// AddAuthorizationServer makes /oauth2/{id} a known, ACTIVE custom
// authorization server with Okta's starting "Default Policy" (ALL_CLIENTS)
// and "Default Policy Rule" (spec examples AuthorizationServerPolicy and
// AuthorizationServerPolicyRule: EVERYONE, implicit, client_credentials,
// authorization_code, password, scopes *). "default" exists from the start
// without policies, so tests declare its policies themselves.
func (s *Server) AddAuthorizationServer(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.as.servers[id]; ok {
		return
	}
	now := s.now().UTC()
	srv := defaultAuthServer(now)
	srv.ID, srv.Name, srv.Default, srv.Audiences = id, id, false, []string{"api://" + id}
	srv.Credentials = signingCredentials(now)
	s.as.servers[id] = srv
	p := &Policy{ID: newID("00p"), Type: "OAUTH_AUTHORIZATION_POLICY", Status: "ACTIVE", Name: "Default Policy",
		Description: "Default policy description", Priority: 1, Conditions: PolicyConditions{Clients: Include{[]string{"ALL_CLIENTS"}}},
		Created: now, LastUpdated: now}
	s.as.policies[id] = []*Policy{p}
	s.as.rules[p.ID] = []*Rule{defaultRule(now)}
}

func defaultRule(now time.Time) *Rule {
	return &Rule{ID: newID("0pr"), Type: "RESOURCE_ACCESS", Status: "ACTIVE", Name: "Default Policy Rule", Priority: 1,
		Conditions: RuleConditions{
			People:     map[string]Include{"groups": {[]string{"EVERYONE"}}, "users": {[]string{}}},
			GrantTypes: Include{[]string{"implicit", "client_credentials", "authorization_code", "password"}},
			Scopes:     Include{[]string{"*"}},
		},
		Actions: map[string]any{"token": map[string]any{"accessTokenLifetimeMinutes": 60, "refreshTokenLifetimeMinutes": 0, "refreshTokenWindowMinutes": 10080}},
		Created: now, LastUpdated: now}
}

func asTarget(a *AuthorizationServer) LogTarget {
	return LogTarget{ID: a.ID, Type: "AuthorizationServer", AlternateID: a.Name, DisplayName: a.Name}
}

// policyTarget is the one target of policy.lifecycle.* and policy.rule.*
// events: the policy, with the catalog's PolicyResourceDetails policy_type
// ("OAuthAuthzPolicy" for an authorization server's access policy).
func policyTarget(p *Policy) LogTarget {
	return LogTarget{ID: p.ID, Type: "Policy", AlternateID: p.Name, DisplayName: p.Name,
		DetailEntry: map[string]any{"policy_type": "OAuthAuthzPolicy"}}
}

// AdminEditAuthServer changes an authorization server as an admin would
// (e.g. Status INACTIVE), recorded as oauth2.as.updated/activated/deactivated.
func (s *Server) AdminEditAuthServer(id string, change func(*AuthorizationServer)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.as.servers[id]
	if !ok {
		return fmt.Errorf("editing authorization server %s: no such server", id)
	}
	next := *cur
	change(&next)
	next.ID = cur.ID
	if err := checkStatus(next.Status); err != nil {
		return fmt.Errorf("editing authorization server %s: %w", id, err)
	}
	if !slices.Contains(issuerModes, next.IssuerMode) {
		return fmt.Errorf("editing authorization server %s: %w", id, validationError("issuerMode", fmt.Sprintf("issuerMode: '%s' is invalid. Valid values: [CUSTOM_URL, DYNAMIC, ORG_URL]", next.IssuerMode)))
	}
	next.LastUpdated = s.now().UTC()
	event := "oauth2.as.updated"
	if cur.Status != next.Status {
		event = map[string]string{"ACTIVE": "oauth2.as.activated", "INACTIVE": "oauth2.as.deactivated"}[next.Status]
	}
	s.as.servers[id] = &next
	s.recordLocked(event, consoleAdmin, asTarget(&next))
	return nil
}

// checkStatus: a status is ACTIVE or INACTIVE (spec LifecycleStatus).
func checkStatus(st string) *APIError {
	if st != "ACTIVE" && st != "INACTIVE" {
		return validationError("status", fmt.Sprintf("status: '%s' is invalid. Valid values: [ACTIVE, INACTIVE]", st))
	}
	return nil
}

// AddPolicy adds an access policy to an authorization server as an admin
// would; its rules come with AddRule.
func (s *Server) AddPolicy(asID string, p Policy) (Policy, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.as.servers[asID]; !ok {
		return Policy{}, fmt.Errorf("adding policy to authorization server %s: no such server", asID)
	}
	now := s.now().UTC()
	p.ID, p.Type, p.Created, p.LastUpdated = newID("00p"), "OAUTH_AUTHORIZATION_POLICY", now, now
	if p.Status == "" {
		p.Status = "ACTIVE"
	}
	if err := validatePolicy(&p); err != nil {
		return Policy{}, fmt.Errorf("adding policy %q: %w", p.Name, err)
	}
	s.as.policies[asID] = append(s.as.policies[asID], &p)
	s.recordLocked("policy.lifecycle.create", consoleAdmin, policyTarget(&p))
	return p, nil
}

// AdminEditPolicy changes an access policy as an admin would.
func (s *Server) AdminEditPolicy(asID, policyID string, change func(*Policy)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.findPolicy(asID, policyID)
	if cur == nil {
		return fmt.Errorf("editing policy %s of authorization server %s: no such policy", policyID, asID)
	}
	next := *cur
	next.Conditions.Clients.Include = slices.Clone(cur.Conditions.Clients.Include)
	change(&next)
	next.ID, next.Type = cur.ID, cur.Type
	if err := validatePolicy(&next); err != nil {
		return fmt.Errorf("editing policy %s: %w", policyID, err)
	}
	next.LastUpdated = s.now().UTC()
	event := lifecycleEvent("policy.lifecycle", cur.Status, next.Status)
	*cur = next
	s.recordLocked(event, consoleAdmin, policyTarget(cur))
	return nil
}

// lifecycleEvent names the event of a change: prefix.update, or
// prefix.activate/deactivate when the status changed.
func lifecycleEvent(prefix, before, after string) string {
	switch {
	case before != after && after == "ACTIVE":
		return prefix + ".activate"
	case before != after && after == "INACTIVE":
		return prefix + ".deactivate"
	}
	return prefix + ".update"
}

// validatePolicy: a name, a status, and conditions.clients.include holding
// ALL_CLIENTS or client ids (spec: AuthorizationServerPolicy,
// ClientPolicyCondition).
func validatePolicy(p *Policy) *APIError {
	if p.Name == "" {
		return validationError("name", "name: The field cannot be left blank.")
	}
	if err := checkStatus(p.Status); err != nil {
		return err
	}
	if len(p.Conditions.Clients.Include) == 0 {
		return validationError("conditions", "conditions.clients.include: The field cannot be left blank.")
	}
	return nil
}

// policyOr404 is findPolicy, answering Okta's 404 when there is none;
// s.mu is held.
func (s *Server) policyOr404(w http.ResponseWriter, asID, policyID string) *Policy {
	p := s.findPolicy(asID, policyID)
	if p == nil {
		notFound(w, policyID, "Policy")
	}
	return p
}

func (s *Server) findPolicy(asID, policyID string) *Policy {
	for _, p := range s.as.policies[asID] {
		if p.ID == policyID {
			return p
		}
	}
	return nil
}

func (s *Server) getAuthServer(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.as.servers, id, "AuthorizationServer")
	if !ok {
		return
	}
	writeValue(w, http.StatusOK, s.asJSON(a))
}

func (s *Server) listPolicies(w http.ResponseWriter, asID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.as.servers[asID]; !ok {
		notFound(w, asID, "AuthorizationServer")
		return
	}
	out := []Policy{}
	for _, p := range s.as.policies[asID] {
		out = append(out, s.policyLinks(asID, p))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority < out[j].Priority })
	writeValue(w, http.StatusOK, out)
}

// policyLinks adds a policy's _links as recorded (TestAccResourceOktaAuthServerPolicyRule_create).
func (s *Server) policyLinks(asID string, p *Policy) Policy {
	out := *p
	self := s.URL + "/api/v1/authorizationServers/" + asID + "/policies/" + p.ID
	hints := func(methods ...string) map[string]any { return map[string]any{"allow": methods} }
	out.Links = map[string]any{
		"self":  map[string]any{"href": self, "hints": hints("GET", "PUT", "DELETE")},
		"rules": map[string]any{"href": self + "/rules", "hints": hints("GET")},
	}
	if p.Status == "ACTIVE" {
		out.Links["deactivate"] = map[string]any{"href": self + "/lifecycle/deactivate", "hints": hints("POST")}
	} else {
		out.Links["activate"] = map[string]any{"href": self + "/lifecycle/activate", "hints": hints("POST")}
	}
	return out
}

func (s *Server) getPolicy(w http.ResponseWriter, asID, policyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.policyOr404(w, asID, policyID)
	if p == nil {
		return
	}
	writeValue(w, http.StatusOK, s.policyLinks(asID, p))
}
