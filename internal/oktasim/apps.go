package oktasim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// PutApp loads an app as it stands, as a fixture before the test starts:
// no System Log event. It panics when real Okta could not hold the app,
// so no test is built on an impossible state; LoadApp returns the error.
func (s *Server) PutApp(a App) {
	if err := s.LoadApp(a); err != nil {
		panic(fmt.Sprintf("oktasim: PutApp %s: %v", a.ID, err))
	}
}

// LoadApp loads an app exactly as an admin left it (no defaults filled,
// no System Log event), refusing with Okta's error a state real Okta
// refuses.
func (s *Server) LoadApp(a App) error {
	if err := validateApp(&a); err != nil {
		return fmt.Errorf("loading app %s: %w", a.ID, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := copyApp(&a)
	if cp.AccessPolicy == "" {
		// Every app of an Identity Engine org has an authentication
		// policy; the console gives a new one the default.
		cp.AccessPolicy = s.defaultAccessPolicyLocked()
	}
	s.apps[a.ID] = &cp
	return nil
}

// UpdateApp changes an app as an admin would in the console; see AdminEdit.
func (s *Server) UpdateApp(id string, change func(*App)) error {
	return s.AdminEdit(id, change)
}

// AdminEdit applies a console-style change to an app. Like the console it
// may write any state real Okta allows (issuer_mode CUSTOM_URL, a status
// change...) and refuses, with Okta's error, what Okta refuses, including
// a change of the immutable id, client_id or application_type. The change
// is recorded in the System Log as an admin's.
func (s *Server) AdminEdit(id string, change func(*App)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.apps[id]
	if !ok {
		return fmt.Errorf("editing app %s: no such app", id)
	}
	next := copyApp(cur)
	change(&next)
	if err := checkImmutable(cur, &next); err != nil {
		return fmt.Errorf("editing app %s: %w", id, err)
	}
	if err := validateApp(&next); err != nil {
		return fmt.Errorf("editing app %s: %w", id, err)
	}
	next.LastUpdated = s.now().UTC()
	s.recordLocked(appEventType(cur.Status, next.Status), consoleAdmin, appTarget(&next))
	s.apps[id] = &next
	return nil
}

func appEventType(before, after string) string {
	switch {
	case before != after && after == "ACTIVE":
		return "application.lifecycle.activate"
	case before != after && after == "INACTIVE":
		return "application.lifecycle.deactivate"
	}
	return "application.lifecycle.update"
}

// checkImmutable refuses a change of what Okta never changes in place:
// client_id is "this immutable property" (spec:
// ApplicationCredentialsOAuthClient.client_id) and application_type can
// only change by replacement (okta/terraform-provider-okta
// resource_okta_app_oauth.go: `type` is ForceNew).
func checkImmutable(cur, next *App) *APIError {
	if next.ID != cur.ID {
		return validationError("id", "id: The field is read-only.")
	}
	if next.Credentials.OAuthClient.ClientID != cur.Credentials.OAuthClient.ClientID {
		return validationError("client_id", "client_id: The field cannot be changed.")
	}
	if next.Settings.OAuthClient.ApplicationType != cur.Settings.OAuthClient.ApplicationType {
		return validationError("application_type", "application_type cannot be changed")
	}
	return nil
}

// GetApp returns a copy of an app.
func (s *Server) GetApp(id string) (App, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[id]
	if !ok {
		return App{}, false
	}
	return copyApp(a), true
}

// DeleteApp removes an app as an admin would (recorded in the System Log).
func (s *Server) DeleteApp(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.apps[id]; ok {
		s.recordLocked("application.lifecycle.delete", consoleAdmin, appTarget(a))
		delete(s.apps, id)
	}
}

func appTarget(a *App) LogTarget {
	return LogTarget{ID: a.ID, Type: "AppInstance", AlternateID: a.Label, DisplayName: a.Label}
}

func (s *Server) getApp(w http.ResponseWriter, id string) {
	s.mu.Lock()
	a, ok := s.apps[id]
	var body []byte
	if ok {
		body = s.appJSON(a, false)
	}
	s.mu.Unlock()
	if !ok {
		notFound(w, id, "AppInstance")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// readBody reads a JSON request body into v and also returns its bytes.
func readBody(w http.ResponseWriter, r *http.Request, v any) ([]byte, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(raw, v) != nil {
		writeError(w, http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return nil, false
	}
	return raw, true
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return false
	}
	return true
}

// createApp serves POST /api/v1/apps: Okta assigns the id (and the client
// id when none is given) and fills its defaults.
//
// ?activate=false creates it INACTIVE (spec: createApplication, activate
// defaults to true; recorded as POST /api/v1/apps?activate=false answering
// status INACTIVE in TestAccResourceOktaAppOauth_basic). In an Identity
// Engine org a new app gets the org's default authentication policy
// (the recorded create answer's _links.accessPolicy names the system
// ACCESS_POLICY before any PUT to /apps/{id}/policies).
func (s *Server) createApp(w http.ResponseWriter, r *http.Request, c caller) {
	var in appRequest
	raw, ok := readBody(w, r, &in)
	if !ok {
		return
	}
	a := newAppFromRequest(newID("0oa"), in, s.now().UTC())
	a.Extra = requestExtra(raw)
	keyIDs(a.Settings.OAuthClient.JWKS, nil)
	if r.URL.Query().Get("activate") == "false" {
		a.Status = "INACTIVE"
	}
	if needsSecret(a.Credentials.OAuthClient.TokenEndpointAuthMethod) && a.Credentials.OAuthClient.ClientSecret == "" {
		a.Credentials.OAuthClient.ClientSecret = newClientSecret()
	}
	if err := validateApp(&a); err != nil {
		writeAPIError(w, err)
		return
	}
	s.mu.Lock()
	a.AccessPolicy = s.defaultAccessPolicyLocked()
	s.apps[a.ID] = &a
	s.recordLocked("application.lifecycle.create", c.actor(), appTarget(&a))
	body := s.appJSON(&a, true)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// putApp serves PUT /api/v1/apps/{id}: Okta keeps the server-owned fields
// (id, client id, status, timestamps), takes the rest from the request and
// validates the result as on create.
func (s *Server) putApp(w http.ResponseWriter, r *http.Request, c caller, id string) {
	var in appRequest
	raw, ok := readBody(w, r, &in)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := found(w, s.apps, id, "AppInstance")
	if !ok {
		return
	}
	next := copyApp(cur)
	applyRequest(&next, in, false)
	next.Extra = requestExtra(raw)
	keyIDs(next.Settings.OAuthClient.JWKS, cur.Settings.OAuthClient.JWKS)
	if !needsSecret(next.Credentials.OAuthClient.TokenEndpointAuthMethod) {
		next.Credentials.OAuthClient.ClientSecret = ""
	} else if next.Credentials.OAuthClient.ClientSecret == "" {
		next.Credentials.OAuthClient.ClientSecret = newClientSecret()
	}
	if cid := in.Credentials.OAuthClient.ClientID; cid != "" {
		next.Credentials.OAuthClient.ClientID = cid
	}
	if err := checkImmutable(cur, &next); err != nil {
		writeAPIError(w, err)
		return
	}
	if err := validateApp(&next); err != nil {
		writeAPIError(w, err)
		return
	}
	next.LastUpdated = s.now().UTC()
	s.apps[id] = &next
	s.recordLocked("application.lifecycle.update", c.actor(), appTarget(&next))
	body := s.appJSON(&next, true)
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) deleteApp(w http.ResponseWriter, c caller, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.apps, id, "AppInstance")
	if !ok {
		return
	}
	s.recordLocked("application.lifecycle.delete", c.actor(), appTarget(a))
	delete(s.apps, id)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) lifecycle(w http.ResponseWriter, c caller, id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := found(w, s.apps, id, "AppInstance")
	if !ok {
		return
	}
	if a.Status != status {
		s.recordLocked(appEventType(a.Status, status), c.actor(), appTarget(a))
	}
	a.Status = status
	a.LastUpdated = s.now().UTC()
	writeJSON(w, http.StatusOK, []byte("{}"))
}

func (s *Server) withLinks(a *App) App {
	out := *a
	out.Links = s.appLinks(a)
	return out
}
