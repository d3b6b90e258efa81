package oktasim

import (
	"net/http"
	"sort"
	"strings"
)

// everyoneGroupID is the org's built-in group of all its users, which every
// Okta org has (recorded: GET /api/v1/users/{id}/groups answers
// "Everyone", type BUILT_IN, "All users in your organization", in
// okta/terraform-provider-okta v6.12.0 test/fixtures/vcr/idaas/
// TestAccDataSourceOktaGroup_read/oie-00.yaml).
const everyoneGroupID = "00gsimeveryone000000"

func (s *Server) addEveryone() {
	s.dir.groups[everyoneGroupID] = &Group{ID: everyoneGroupID, Created: s.born, LastUpdated: s.born, LastMembershipUpdated: s.born,
		ObjectClass: []string{"okta:user_group"}, Type: "BUILT_IN",
		Profile: GroupProfile{Name: "Everyone", Description: "All users in your organization"}}
}

// groupLinks are a group's _links as recorded in 2026: logos, users, apps
// and owners (TestAccResourceOktaAppGroupAssignment_crud/oie-00.yaml;
// the recordings of 2025-03 predate owners).
func (s *Server) groupLinks(g *Group) Group {
	out := *g
	base := s.URL + "/api/v1/groups/" + g.ID
	out.Links = map[string]any{
		"logo": []any{
			map[string]any{"name": "medium", "href": s.URL + "/assets/img/logos/groups/okta-medium.png", "type": "image/png"},
			map[string]any{"name": "large", "href": s.URL + "/assets/img/logos/groups/okta-large.png", "type": "image/png"},
		},
		"users":  map[string]any{"href": base + "/users"},
		"apps":   map[string]any{"href": base + "/apps"},
		"owners": map[string]any{"href": base + "/owners"},
	}
	return out
}

// createGroup serves POST /api/v1/groups: an OKTA_GROUP with a name unique
// in the org (spec: addGroup).
func (s *Server) createGroup(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Profile GroupProfile `json:"profile"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if strings.TrimSpace(in.Profile.Name) == "" {
		writeAPIError(w, validationError("name", "name: The field cannot be left blank"))
		return
	}
	g, err := s.AddGroup(in.Profile.Name, in.Profile.Description)
	if err != nil {
		writeAPIError(w, validationError("name", "name: An object with this field already exists in the current organization"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeValue(w, http.StatusOK, s.groupLinks(s.dir.groups[g.ID]))
}

// putGroup serves PUT /api/v1/groups/{id}: replaces an OKTA_GROUP's
// profile (spec: replaceGroup).
func (s *Server) putGroup(w http.ResponseWriter, r *http.Request, id string) {
	var in struct {
		Profile GroupProfile `json:"profile"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := found(w, s.dir.groups, id, "UserGroup")
	if !ok {
		return
	}
	g.Profile = in.Profile
	g.LastUpdated = s.now().UTC()
	s.recordLocked("group.profile.update", consoleAdmin, groupTarget(g))
	writeValue(w, http.StatusOK, s.groupLinks(g))
}

// deleteGroup serves DELETE /api/v1/groups/{id}: the group, its app
// assignments and its memberships go (spec: deleteGroup).
func (s *Server) deleteGroup(w http.ResponseWriter, c caller, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := found(w, s.dir.groups, id, "UserGroup")
	if !ok {
		return
	}
	for appID, as := range s.dir.assignments {
		if _, ok := as[id]; ok {
			_ = s.unassignLocked(appID, id, c.actor())
		}
	}
	for _, p := range s.people {
		delete(p.groups, id)
	}
	delete(s.dir.groups, id)
	s.recordLocked("group.lifecycle.delete", c.actor(), groupTarget(g))
	w.WriteHeader(http.StatusNoContent)
}

// groupUsers serves GET /api/v1/groups/{id}/users.
func (s *Server) groupUsers(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := found(w, s.dir.groups, id, "UserGroup")
	if !ok {
		return
	}
	var ps []*person
	for _, p := range s.people {
		if g.Type == "BUILT_IN" || p.groups[id] {
			ps = append(ps, p)
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].id < ps[j].id })
	out := make([]any, 0, len(ps))
	for _, p := range ps {
		out = append(out, s.userJSON(p, false))
	}
	s.writePage(w, r, out, func(i int) string { return ps[i].id }, groupUserPages)
}

// groupMember serves PUT and DELETE /api/v1/groups/{id}/users/{userId}:
// 204 either way (spec: assignUserToGroup, unassignUserFromGroup).
func (s *Server) groupMember(w http.ResponseWriter, groupID, userID string, add bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := found(w, s.dir.groups, groupID, "UserGroup")
	if !ok {
		return
	}
	p, ok := found(w, s.people, userID, "User")
	if !ok {
		return
	}
	if add {
		p.groups[groupID] = true
	} else {
		delete(p.groups, groupID)
	}
	g.LastMembershipUpdated = s.now().UTC()
	w.WriteHeader(http.StatusNoContent)
}
