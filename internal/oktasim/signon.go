package oktasim

import (
	"net/http"
	"sort"
	"time"
)

// The org's own policies (/api/v1/policies), which an Identity Engine org
// is born with: the system authentication policy every new app gets, and
// the profile enrollment policy apps link to. Names, descriptions and
// shapes are the recorded ones (okta/terraform-provider-okta v6.12.0
// test/fixtures/vcr/idaas/TestAccResourceOktaAppSignOnPolicyRule_crud/
// oie-00.yaml: GET /api/v1/policies?type=ACCESS_POLICY and
// GET /api/v1/policies/{id}).
const (
	defaultAccessPolicyID     = "rstsimaccess00000001"
	profileEnrollmentPolicyID = "rstsimprofile0000001"
)

// orgPolicy is one of the org's policies, kept as Okta answers it.
type orgPolicy struct {
	id, typ string
	body    map[string]any
}

func newOrgPolicies(now time.Time) map[string]*orgPolicy {
	ts := now.Format(oktaTime)
	mk := func(id, typ, name, desc string) *orgPolicy {
		return &orgPolicy{id: id, typ: typ, body: map[string]any{
			"id": id, "status": "ACTIVE", "name": name, "description": desc, "priority": 1,
			"system": true, "conditions": nil, "created": ts, "lastUpdated": ts, "type": typ,
		}}
	}
	return map[string]*orgPolicy{
		defaultAccessPolicyID:     mk(defaultAccessPolicyID, "ACCESS_POLICY", "Any two factors", "Require two factors to access."),
		profileEnrollmentPolicyID: mk(profileEnrollmentPolicyID, "PROFILE_ENROLLMENT", "Default Policy", "The default policy applies in all situations if no other policy applies."),
	}
}

// defaultAccessPolicyLocked is the id of the system ACCESS_POLICY: the one
// the okta provider assigns when an app names none (okta/services/idaas/
// policy.go, findDefaultAccessPolicy: the only policy with system true).
func (s *Server) defaultAccessPolicyLocked() string {
	return defaultAccessPolicyID
}

// policyJSON is a policy with its _links; a system policy may be read and
// replaced but not deleted or deactivated (the recorded system policy's
// self hints allow GET and PUT only).
func (s *Server) policyJSON(p *orgPolicy, listed bool) map[string]any {
	out := deepCopyMap(p.body)
	base := s.URL + "/api/v1/policies/" + p.id
	out["_links"] = map[string]any{
		"self":  map[string]any{"href": base, "hints": map[string]any{"allow": []string{"GET", "PUT"}}},
		"rules": map[string]any{"href": base + "/rules", "hints": map[string]any{"allow": []string{"GET", "POST"}}},
	}
	if listed && p.typ == "ACCESS_POLICY" {
		// Listed access policies carry the kind of resource they guard.
		out["_embedded"] = map[string]any{"resourceType": "APP"}
	}
	return out
}

// listOrgPolicies serves GET /api/v1/policies?type=T (type is required:
// spec listPolicies).
func (s *Server) listOrgPolicies(w http.ResponseWriter, r *http.Request) {
	typ := r.URL.Query().Get("type")
	if typ == "" {
		writeError(w, http.StatusBadRequest, "E0000001", "Api validation failed: type")
		return
	}
	s.mu.Lock()
	var ps []*orgPolicy
	for _, p := range s.pol {
		if p.typ == typ {
			ps = append(ps, p)
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].id < ps[j].id })
	out := make([]any, 0, len(ps))
	for _, p := range ps {
		out = append(out, s.policyJSON(p, true))
	}
	s.mu.Unlock()
	s.writePage(w, r, out, func(i int) string { return ps[i].id }, policyPages)
}

// getOrgPolicy serves GET /api/v1/policies/{id}.
func (s *Server) getOrgPolicy(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := found(w, s.pol, id, "Policy")
	if !ok {
		return
	}
	writeValue(w, http.StatusOK, s.policyJSON(p, false))
}

// assignAppPolicy serves PUT /api/v1/apps/{appId}/policies/{policyId}: the
// app's authentication policy becomes policyId; 204 without a body as
// recorded.
func (s *Server) assignAppPolicy(w http.ResponseWriter, c caller, appID, policyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.apps, appID, "AppInstance")
	if !ok {
		return
	}
	p, ok := s.pol[policyID]
	if !ok || p.typ != "ACCESS_POLICY" {
		notFound(w, policyID, "Policy")
		return
	}
	if a.AccessPolicy != policyID {
		a.AccessPolicy = policyID
		a.LastUpdated = s.now().UTC()
		s.recordLocked("application.lifecycle.update", c.actor(), appTarget(a))
	}
	w.WriteHeader(http.StatusNoContent)
}
