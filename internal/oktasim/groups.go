package oktasim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Group is an Okta group (okta/okta-sdk-golang v2.20.0 okta/group.go; spec Group).
type Group struct {
	ID                    string         `json:"id"`
	Created               time.Time      `json:"created"`
	LastUpdated           time.Time      `json:"lastUpdated"`
	LastMembershipUpdated time.Time      `json:"lastMembershipUpdated"`
	ObjectClass           []string       `json:"objectClass"`
	Type                  string         `json:"type"`
	Profile               GroupProfile   `json:"profile"`
	Links                 map[string]any `json:"_links,omitempty"`
}

// GroupProfile is a group's profile.
type GroupProfile struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// GroupAssignment is an app's assignment to a group
// (okta/okta-sdk-golang v2.20.0 okta/applicationGroupAssignment.go; spec
// ApplicationGroupAssignment): its id is the group's id.
type GroupAssignment struct {
	ID          string         `json:"id"`
	LastUpdated time.Time      `json:"lastUpdated"`
	Priority    int64          `json:"priority"`
	Profile     map[string]any `json:"profile"`
	Links       map[string]any `json:"_links,omitempty"`
	// Embedded is `_embedded`, only with expand=group: "If the
	// `expand=group` query parameter is specified, then the group object is
	// embedded" (the spec's ApplicationGroupAssignment._embedded, for
	// listApplicationGroupAssignments and getApplicationGroupAssignment),
	// as `_embedded.group`, the group as GET /api/v1/groups/{id} returns it.
	Embedded map[string]any `json:"_embedded,omitempty"`
}

// AppUser is a user assigned to an app (okta/okta-sdk-golang v2.20.0
// okta/appUser.go); Scope is USER for a direct assignment, GROUP for one
// through a group.
type AppUser struct {
	ID            string            `json:"id"`
	ExternalID    string            `json:"externalId"`
	Created       time.Time         `json:"created"`
	LastUpdated   time.Time         `json:"lastUpdated"`
	Scope         string            `json:"scope"`
	Status        string            `json:"status"`
	StatusChanged time.Time         `json:"statusChanged"`
	SyncState     string            `json:"syncState"`
	Credentials   map[string]string `json:"credentials"`
	Profile       map[string]any    `json:"profile"`
}

type directory struct {
	groups      map[string]*Group
	assignments map[string]map[string]*GroupAssignment // app id -> group id -> assignment
	users       map[string][]AppUser                   // app id -> users
}

func newDirectory() directory {
	return directory{groups: map[string]*Group{}, assignments: map[string]map[string]*GroupAssignment{}, users: map[string][]AppUser{}}
}

func groupTarget(g *Group) LogTarget {
	return LogTarget{ID: g.ID, Type: "UserGroup", AlternateID: g.Profile.Name, DisplayName: g.Profile.Name}
}

// AddGroup creates an OKTA_GROUP as an admin would. Okta group names are
// unique in an org.
func (s *Server) AddGroup(name, description string) (Group, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.dir.groups {
		if strings.EqualFold(g.Profile.Name, name) {
			return Group{}, fmt.Errorf("adding group %q: %w", name, validationError("name", "name: An object with this field already exists in the current organization"))
		}
	}
	now := s.now().UTC()
	g := &Group{ID: newID("00g"), Created: now, LastUpdated: now, LastMembershipUpdated: now,
		ObjectClass: []string{"okta:user_group"}, Type: "OKTA_GROUP", Profile: GroupProfile{Name: name, Description: description}}
	s.dir.groups[g.ID] = g
	s.recordLocked("group.lifecycle.create", consoleAdmin, groupTarget(g))
	return *g, nil
}

// AssignGroup assigns an app to a group as an admin would (Applications >
// Assignments), recorded as group.application_assignment.add.
func (s *Server) AssignGroup(appID, groupID string, priority int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.assignLocked(appID, groupID, priority, consoleAdmin)
	if err != nil {
		return fmt.Errorf("assigning group %s to app %s: %w", groupID, appID, err)
	}
	return nil
}

// UnassignGroup removes an app's group assignment as an admin would.
func (s *Server) UnassignGroup(appID, groupID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.unassignLocked(appID, groupID, consoleAdmin); err != nil {
		return fmt.Errorf("unassigning group %s from app %s: %w", groupID, appID, err)
	}
	return nil
}

func (s *Server) assignLocked(appID, groupID string, priority int64, actor LogActor) (*GroupAssignment, *APIError) {
	a, ok := s.apps[appID]
	if !ok {
		return nil, &APIError{Status: 404, Code: "E0000007", Summary: "Not found: Resource not found: " + appID + " (AppInstance)"}
	}
	g, ok := s.dir.groups[groupID]
	if !ok {
		return nil, &APIError{Status: 404, Code: "E0000007", Summary: "Not found: Resource not found: " + groupID + " (UserGroup)"}
	}
	if s.dir.assignments[appID] == nil {
		s.dir.assignments[appID] = map[string]*GroupAssignment{}
	}
	event := "group.application_assignment.add"
	if _, had := s.dir.assignments[appID][groupID]; had {
		event = "group.application_assignment.update"
	}
	as := &GroupAssignment{ID: groupID, LastUpdated: s.now().UTC(), Priority: priority, Profile: map[string]any{}}
	s.dir.assignments[appID][groupID] = as
	s.recordLocked(event, actor, groupTarget(g), appTarget(a))
	return as, nil
}

func (s *Server) unassignLocked(appID, groupID string, actor LogActor) *APIError {
	a, ok := s.apps[appID]
	if !ok {
		return &APIError{Status: 404, Code: "E0000007", Summary: "Not found: Resource not found: " + appID + " (AppInstance)"}
	}
	if _, ok := s.dir.assignments[appID][groupID]; !ok {
		return &APIError{Status: 404, Code: "E0000007", Summary: "Not found: Resource not found: " + groupID + " (ApplicationGroupAssignment)"}
	}
	delete(s.dir.assignments[appID], groupID)
	s.recordLocked("group.application_assignment.remove", actor, groupTarget(s.dir.groups[groupID]), appTarget(a))
	return nil
}

// AssignUser assigns a user directly to an app as an admin would,
// recorded as application.user_membership.add.
func (s *Server) AssignUser(appID, userID, login string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[appID]
	if !ok {
		return fmt.Errorf("assigning user %s to app %s: no such app", userID, appID)
	}
	now := s.now().UTC()
	s.dir.users[appID] = append(s.dir.users[appID], AppUser{ID: userID, Created: now, LastUpdated: now, Scope: "USER",
		Status: "ACTIVE", StatusChanged: now, SyncState: "DISABLED", Credentials: map[string]string{"userName": login},
		Profile: map[string]any{"email": login}})
	s.recordLocked("application.user_membership.add", consoleAdmin,
		LogTarget{ID: userID, Type: "User", AlternateID: login, DisplayName: login}, appTarget(a))
	return nil
}

// UnassignUser removes a user's direct assignment to an app.
func (s *Server) UnassignUser(appID, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[appID]
	if !ok {
		return fmt.Errorf("unassigning user %s from app %s: no such app", userID, appID)
	}
	users := s.dir.users[appID]
	for i, u := range users {
		if u.ID == userID {
			s.dir.users[appID] = append(users[:i:i], users[i+1:]...)
			s.recordLocked("application.user_membership.remove", consoleAdmin,
				LogTarget{ID: userID, Type: "User", AlternateID: u.Credentials["userName"]}, appTarget(a))
			return nil
		}
	}
	return fmt.Errorf("unassigning user %s from app %s: not assigned", userID, appID)
}

var groupFilterAttrs = map[string]func(*Group) []string{
	"id":                  func(g *Group) []string { return []string{g.ID} },
	"type":                func(g *Group) []string { return []string{g.Type} },
	"profile.name":        func(g *Group) []string { return []string{g.Profile.Name} },
	"profile.description": func(g *Group) []string { return []string{g.Profile.Description} },
}

// listGroups serves GET /api/v1/groups (q: name starts with, case
// insensitive; search: a SCIM filter on id, type, profile.name...) and
// GET /api/v1/groups/{id} (spec: listGroups, getGroup).
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request, id []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(id) == 1 {
		g, ok := s.dir.groups[id[0]]
		if !ok {
			notFound(w, id[0], "UserGroup")
			return
		}
		writeValue(w, http.StatusOK, s.groupLinks(g))
		return
	}
	match := func(*Group) bool { return true }
	for _, expr := range []string{r.URL.Query().Get("search"), r.URL.Query().Get("filter")} {
		if expr == "" {
			continue
		}
		m, err := parseFilterOf(expr, groupFilterAttrs)
		if err != nil {
			writeAPIError(w, err)
			return
		}
		prev := match
		match = func(g *Group) bool { return prev(g) && m(g) }
	}
	q := strings.ToLower(r.URL.Query().Get("q"))
	out := []Group{}
	for _, g := range s.dir.groups {
		if strings.HasPrefix(strings.ToLower(g.Profile.Name), q) && match(g) {
			out = append(out, s.groupLinks(g))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Profile.Name < out[j].Profile.Name })
	items, cursor := pageItems(out, func(g Group) string { return g.ID })
	s.writePage(w, r, items, cursor, groupPages)
}

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request, appID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.apps[appID]; !ok {
		notFound(w, appID, "AppInstance")
		return
	}
	out := []GroupAssignment{}
	for _, as := range s.dir.assignments[appID] {
		out = append(out, s.expandGroup(r, s.assignmentLinks(appID, as)))
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Priority < out[j].Priority || out[i].Priority == out[j].Priority && out[i].ID < out[j].ID
	})
	items, cursor := pageItems(out, func(a GroupAssignment) string { return a.ID })
	s.writePage(w, r, items, cursor, assignmentPages)
}

func (s *Server) assignmentLinks(appID string, as *GroupAssignment) GroupAssignment {
	out := *as
	// As recorded (TestAccResourceOktaAppGroupAssignment_crud/oie-00.yaml).
	out.Links = map[string]any{"app": map[string]any{"href": s.URL + "/api/v1/apps/" + appID},
		"self":  map[string]any{"href": s.URL + "/api/v1/apps/" + appID + "/groups/" + as.ID},
		"group": map[string]any{"href": s.URL + "/api/v1/groups/" + as.ID}}
	return out
}

// expandGroup embeds the assigned group when the request asks expand=group;
// expand=metadata is not modelled (driftd and the okta provider never ask it).
func (s *Server) expandGroup(r *http.Request, as GroupAssignment) GroupAssignment {
	if r.URL.Query().Get("expand") != "group" {
		return as
	}
	if g, ok := s.dir.groups[as.ID]; ok {
		as.Embedded = map[string]any{"group": s.groupLinks(g)}
	}
	return as
}

func (s *Server) getAssignment(w http.ResponseWriter, r *http.Request, appID, groupID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	as, ok := s.dir.assignments[appID][groupID]
	if !ok {
		notFound(w, groupID, "ApplicationGroupAssignment")
		return
	}
	writeValue(w, http.StatusOK, s.expandGroup(r, s.assignmentLinks(appID, as)))
}

// putAssignment serves PUT /api/v1/apps/{id}/groups/{gid}
// (spec: assignGroupToApplication; the SDK's CreateApplicationGroupAssignment).
func (s *Server) putAssignment(w http.ResponseWriter, r *http.Request, c caller, appID, groupID string) {
	var in struct {
		Priority int64 `json:"priority"`
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &in) != nil {
		writeError(w, http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	as, err := s.assignLocked(appID, groupID, in.Priority, c.actor())
	if err != nil {
		writeAPIError(w, err)
		return
	}
	writeValue(w, http.StatusOK, s.expandGroup(r, s.assignmentLinks(appID, as)))
}

func (s *Server) deleteAssignment(w http.ResponseWriter, c caller, appID, groupID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.unassignLocked(appID, groupID, c.actor()); err != nil {
		writeAPIError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listAppUsers(w http.ResponseWriter, appID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.apps[appID]; !ok {
		notFound(w, appID, "AppInstance")
		return
	}
	out := append([]AppUser{}, s.dir.users[appID]...)
	writeValue(w, http.StatusOK, out)
}
