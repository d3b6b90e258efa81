package oktasim

import (
	"net/http"
)

// Access policy writes of a custom authorization server, as the okta
// provider sends them for okta_auth_server_policy (recorded:
// TestAccResourceOktaAuthServerPolicyRule_create/oie-00.yaml,
// POST .../policies answers 201).

// policyRequest is the body of POST and PUT .../policies.
type policyRequest struct {
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Status      string           `json:"status"`
	Priority    int64            `json:"priority"`
	Conditions  PolicyConditions `json:"conditions"`
}

func (s *Server) createASPolicy(w http.ResponseWriter, r *http.Request, c caller, asID string) {
	var in policyRequest
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.as.servers[asID]; !ok {
		notFound(w, asID, "AuthorizationServer")
		return
	}
	now := s.now().UTC()
	p := &Policy{ID: newID("00p"), Type: "OAUTH_AUTHORIZATION_POLICY", Status: in.Status, Name: in.Name,
		Description: in.Description, Priority: in.Priority, Conditions: in.Conditions, Created: now, LastUpdated: now}
	if p.Status == "" {
		p.Status = "ACTIVE"
	}
	if p.Priority <= 0 {
		p.Priority = int64(len(s.as.policies[asID]) + 1)
	}
	if err := validatePolicy(p); err != nil {
		writeAPIError(w, err)
		return
	}
	s.as.policies[asID] = append(s.as.policies[asID], p)
	s.recordLocked("policy.lifecycle.create", c.actor(), policyTarget(p))
	writeValue(w, http.StatusCreated, s.policyLinks(asID, p))
}

func (s *Server) putASPolicy(w http.ResponseWriter, r *http.Request, c caller, asID, policyID string) {
	var in policyRequest
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.policyOr404(w, asID, policyID)
	if cur == nil {
		return
	}
	next := *cur
	next.Name, next.Description, next.Conditions = in.Name, in.Description, in.Conditions
	if in.Status != "" {
		next.Status = in.Status
	}
	if in.Priority > 0 {
		next.Priority = in.Priority
	}
	if err := validatePolicy(&next); err != nil {
		writeAPIError(w, err)
		return
	}
	next.LastUpdated = s.now().UTC()
	event := lifecycleEvent("policy.lifecycle", cur.Status, next.Status)
	*cur = next
	s.recordLocked(event, c.actor(), policyTarget(cur))
	writeValue(w, http.StatusOK, s.policyLinks(asID, cur))
}

func (s *Server) deleteASPolicy(w http.ResponseWriter, c caller, asID, policyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.as.policies[asID]
	for i, p := range ps {
		if p.ID == policyID {
			s.as.policies[asID] = append(ps[:i:i], ps[i+1:]...)
			delete(s.as.rules, policyID)
			s.recordLocked("policy.lifecycle.delete", c.actor(), policyTarget(p))
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	notFound(w, policyID, "Policy")
}
