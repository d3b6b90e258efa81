package oktasim

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// The authorization server management operations the okta provider calls
// for okta_auth_server and its data source, with the recorded shapes
// (okta/terraform-provider-okta v6.12.0 test/fixtures/vcr/idaas/
// TestAccDataSourceOktaAuthServer_read/oie-00.yaml,
// TestAccResourceOktaAuthServerPolicyRule_create/oie-00.yaml).

// signingCredentials is an authorization server's credentials as
// recorded: a key rotated automatically every 90 days (the recorded
// lastRotated and nextRotation are 90 days apart). Real Okta creates every
// server AUTO, whatever rotationMode the request names, and only a replace
// switches it to MANUAL, which drops nextRotation
// (TestAccResourceOktaAuthServer_gh299/oie-00.yaml, #0 and #4).
func signingCredentials(now time.Time) map[string]any {
	return signingFor("AUTO", now)
}

func signingFor(mode string, now time.Time) map[string]any {
	sig := map[string]any{"kid": "sim-as-key", "rotationMode": mode, "lastRotated": now.Format(oktaTime)}
	if mode != "MANUAL" {
		sig["rotationMode"] = "AUTO"
		sig["nextRotation"] = now.Add(90 * 24 * time.Hour).Format(oktaTime)
	}
	return map[string]any{"signing": sig}
}

// asJSON is an authorization server with its issuer and recorded _links.
func (s *Server) asJSON(a *AuthorizationServer) AuthorizationServer {
	out := *a
	out.Issuer = s.URL + "/oauth2/" + a.ID
	base := s.URL + "/api/v1/authorizationServers/" + a.ID
	hints := func(methods ...string) map[string]any { return map[string]any{"allow": methods} }
	link := func(href string, methods ...string) map[string]any {
		return map[string]any{"href": href, "hints": hints(methods...)}
	}
	meta := func(name string) map[string]any {
		return map[string]any{"name": name, "href": out.Issuer + "/.well-known/" + name, "hints": hints("GET")}
	}
	out.Links = map[string]any{
		"rotateKey": link(base+"/credentials/lifecycle/keyRotate", "POST"),
		"metadata":  []any{meta("oauth-authorization-server"), meta("openid-configuration")},
		"keys":      link(base+"/credentials/keys", "GET"),
		"claims":    link(base+"/claims", "GET", "POST"),
		"policies":  link(base+"/policies", "GET", "POST"),
		"self":      link(base, "GET", "DELETE", "PUT"),
		"scopes":    link(base+"/scopes", "GET", "POST"),
	}
	if a.Status == "ACTIVE" {
		out.Links["deactivate"] = link(base+"/lifecycle/deactivate", "POST")
	} else {
		out.Links["activate"] = link(base+"/lifecycle/activate", "POST")
	}
	return out
}

// listAuthServers serves GET /api/v1/authorizationServers: q matches the
// start of a name (spec: listAuthorizationServers, limit 200).
func (s *Server) listAuthServers(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(r.URL.Query().Get("q"))
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []AuthorizationServer{}
	for _, a := range s.as.servers {
		if strings.HasPrefix(strings.ToLower(a.Name), q) {
			out = append(out, s.asJSON(a))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Created.Before(out[j].Created) || out[i].Created.Equal(out[j].Created) && out[i].ID < out[j].ID
	})
	items, cursor := pageItems(out, func(a AuthorizationServer) string { return a.ID })
	s.writePage(w, r, items, cursor, pageSize{200, 200})
}

// asRequest is the body of POST and PUT /api/v1/authorizationServers.
type asRequest struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Audiences   []string `json:"audiences"`
	IssuerMode  string   `json:"issuerMode"`
	Status      string   `json:"status"`
	Credentials struct {
		Signing struct {
			RotationMode string `json:"rotationMode"`
		} `json:"signing"`
	} `json:"credentials"`
}

func (in asRequest) validate() *APIError {
	if strings.TrimSpace(in.Name) == "" {
		return validationError("name", "name: The field cannot be left blank.")
	}
	if len(in.Audiences) == 0 {
		return validationError("audiences", "audiences: The field cannot be left blank.")
	}
	return nil
}

// decodeAuthServer reads and validates a create or replace body, answering
// Okta's 400 when it is not one.
func decodeAuthServer(w http.ResponseWriter, r *http.Request) (asRequest, bool) {
	var in asRequest
	if !decodeBody(w, r, &in) {
		return in, false
	}
	if err := in.validate(); err != nil {
		writeAPIError(w, err)
		return in, false
	}
	return in, true
}

// createAuthServer serves POST /api/v1/authorizationServers: 201 and the
// new, ACTIVE server with no policies (recorded; the okta provider creates
// the policy itself).
func (s *Server) createAuthServer(w http.ResponseWriter, r *http.Request, c caller) {
	in, ok := decodeAuthServer(w, r)
	if !ok {
		return
	}
	now := s.now().UTC()
	a := &AuthorizationServer{ID: newID("aus"), Name: in.Name, Description: in.Description, Audiences: in.Audiences,
		IssuerMode: in.IssuerMode, Status: "ACTIVE", Created: now, LastUpdated: now, Credentials: signingCredentials(now)}
	if a.IssuerMode == "" {
		a.IssuerMode = "ORG_URL"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.as.servers[a.ID] = a
	s.recordLocked("oauth2.as.created", c.actor(), asTarget(a))
	writeValue(w, http.StatusCreated, s.asJSON(a))
}

// putAuthServer serves PUT /api/v1/authorizationServers/{id}.
func (s *Server) putAuthServer(w http.ResponseWriter, r *http.Request, c caller, id string) {
	in, ok := decodeAuthServer(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.as.servers, id, "AuthorizationServer")
	if !ok {
		return
	}
	a.Name, a.Description, a.Audiences = in.Name, in.Description, in.Audiences
	if mode := in.Credentials.Signing.RotationMode; mode != "" {
		a.Credentials = signingFor(mode, a.Created)
	}
	if in.IssuerMode != "" {
		a.IssuerMode = in.IssuerMode
	}
	a.LastUpdated = s.now().UTC()
	s.recordLocked("oauth2.as.updated", c.actor(), asTarget(a))
	writeValue(w, http.StatusOK, s.asJSON(a))
}

// deleteAuthServer serves DELETE /api/v1/authorizationServers/{id}; the
// provider deactivates first (recorded), and the default server cannot go.
func (s *Server) deleteAuthServer(w http.ResponseWriter, c caller, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.as.servers, id, "AuthorizationServer")
	if !ok {
		return
	}
	for _, p := range s.as.policies[id] {
		delete(s.as.rules, p.ID)
	}
	delete(s.as.policies, id)
	delete(s.as.servers, id)
	s.recordLocked("oauth2.as.deleted", c.actor(), asTarget(a))
	w.WriteHeader(http.StatusNoContent)
}

// asLifecycle serves POST .../lifecycle/activate|deactivate: 204 (recorded).
func (s *Server) asLifecycle(w http.ResponseWriter, c caller, id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.as.servers, id, "AuthorizationServer")
	if !ok {
		return
	}
	if a.Status != status {
		a.Status = status
		a.LastUpdated = s.now().UTC()
		s.recordLocked(map[string]string{"ACTIVE": "oauth2.as.activated", "INACTIVE": "oauth2.as.deactivated"}[status], c.actor(), asTarget(a))
	}
	w.WriteHeader(http.StatusNoContent)
}
