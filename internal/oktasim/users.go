package oktasim

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// person is an Okta user of the simulated org.
type person struct {
	id      string
	status  string
	created time.Time
	profile map[string]any
	groups  map[string]bool // OKTA_GROUP ids; every user is also in Everyone
}

// userJSON is an Okta user as GET /api/v1/users/{id} answers it. The keys
// and the shape of _links are those of a recorded answer
// (okta/terraform-provider-okta v6.12.0
// test/fixtures/vcr/idaas/TestAccDataSourceOktaGroup_read/classic-00.yaml,
// GET /api/v1/users/00ukwu5imhTN4iqpM1d7); spec User. Listed as a group's
// member, a user's _links hold only self (same recording,
// GET /api/v1/groups/{id}/users).
func (s *Server) userJSON(p *person, full bool) map[string]any {
	base := s.URL + "/api/v1/users/" + p.id
	ts := p.created.UTC().Format(oktaTime)
	link := func(suffix string) map[string]any {
		return map[string]any{"href": base + "/lifecycle/" + suffix, "method": "POST"}
	}
	links := map[string]any{"self": map[string]any{"href": base}}
	if full {
		links["suspend"] = link("suspend")
		links["schema"] = map[string]any{"href": s.URL + "/api/v1/meta/schemas/user/osc" + defaultUserTypeID[3:]}
		links["resetPassword"] = link("reset_password")
		links["reactivate"] = link("reactivate")
		links["type"] = map[string]any{"href": s.URL + "/api/v1/meta/types/user/" + defaultUserTypeID}
		links["deactivate"] = link("deactivate")
	}
	return map[string]any{
		"id": p.id, "status": p.status, "created": ts, "activated": ts, "statusChanged": ts,
		"lastLogin": nil, "lastUpdated": ts, "passwordChanged": nil,
		"type":        map[string]any{"id": defaultUserTypeID},
		"profile":     deepCopyMap(p.profile),
		"credentials": map[string]any{"provider": map[string]any{"type": "OKTA", "name": "OKTA"}},
		"_links":      links,
	}
}

// defaultUserTypeID is the id of the org's default user type.
const defaultUserTypeID = "otysimdefault0000000"

// oktaTime is how Okta writes a timestamp: milliseconds and Z.
const oktaTime = "2006-01-02T15:04:05.000Z"

// adminPerson is the super admin the SSWS token belongs to.
func (s *Server) adminPerson() *person {
	return &person{id: consoleAdmin.ID, status: "ACTIVE", created: s.born, profile: map[string]any{
		"firstName": "Sim", "lastName": "Admin", "mobilePhone": nil, "secondEmail": nil,
		"login": consoleAdmin.AlternateID, "email": consoleAdmin.AlternateID,
	}}
}

// getUser answers GET /api/v1/users/{id}. "me" is the user the token acts
// for: the okta provider's configure calls GET /api/v1/users/me twice, once
// through each SDK, to check an SSWS token
// (okta/terraform-provider-okta v6.12.0 okta/config/config.go,
// VerifyCredentials), and fails the whole provider on any error.
func (s *Server) getUser(w http.ResponseWriter, c caller, id string) {
	if id == "me" {
		if !c.admin {
			// The simulator has no user behind a service app's token.
			notFound(w, id, "User")
			return
		}
		id = consoleAdmin.ID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := found(w, s.people, id, "User")
	if !ok {
		return
	}
	writeValue(w, http.StatusOK, s.userJSON(p, true))
}

// createUser serves POST /api/v1/users: activated by default (?activate),
// PROVISIONED when it has no password to sign in with, else ACTIVE;
// STAGED when not activated (spec: createUser). The profile's null values
// are dropped and mobilePhone and secondEmail answered null, as recorded
// (TestAccDataSourceOktaGroup_read: postalAddress null sent, not answered).
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Profile     map[string]any `json:"profile"`
		Credentials struct {
			Password map[string]any `json:"password"`
		} `json:"credentials"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	login, _ := in.Profile["login"].(string)
	if login == "" {
		writeAPIError(w, validationError("login", "login: The field cannot be left blank"))
		return
	}
	profile := map[string]any{"mobilePhone": nil, "secondEmail": nil}
	for k, v := range in.Profile {
		if v != nil {
			profile[k] = v
		}
	}
	status := "PROVISIONED"
	if in.Credentials.Password["value"] != nil {
		status = "ACTIVE"
	}
	if r.URL.Query().Get("activate") == "false" {
		status = "STAGED"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.people {
		if p.profile["login"] == login {
			writeAPIError(w, validationError("login", "login: An object with this field already exists in the current organization"))
			return
		}
	}
	p := &person{id: newID("00u"), status: status, created: s.now().UTC(), profile: profile, groups: map[string]bool{}}
	s.people[p.id] = p
	writeValue(w, http.StatusOK, s.userJSON(p, true))
}

// deleteUser serves DELETE /api/v1/users/{id}: the first call deactivates
// a user that is not DEPROVISIONED, the second deletes it; both 204
// (spec: deleteUser; recorded twice in a row in TestAccDataSourceOktaGroup_read).
func (s *Server) deleteUser(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.people[id]
	if !ok || id == consoleAdmin.ID {
		notFound(w, id, "User")
		return
	}
	if p.status != "DEPROVISIONED" {
		p.status = "DEPROVISIONED"
	} else {
		delete(s.people, id)
	}
	w.WriteHeader(http.StatusNoContent)
}

// userGroups serves GET /api/v1/users/{id}/groups: Everyone, then the
// user's other groups.
func (s *Server) userGroups(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := found(w, s.people, id, "User")
	if !ok {
		return
	}
	out := []Group{}
	for _, g := range s.dir.groups {
		if g.Type == "BUILT_IN" || p.groups[g.ID] {
			out = append(out, s.groupLinks(g))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		bi, bj := out[i].Type == "BUILT_IN", out[j].Type == "BUILT_IN"
		if bi != bj {
			return bi
		}
		return out[i].ID < out[j].ID
	})
	writeValue(w, http.StatusOK, out)
}

// listUsers serves GET /api/v1/users: q matches the start of a first name,
// last name or email, case-insensitively (spec: listUsers), 200 a page.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(r.URL.Query().Get("q"))
	s.mu.Lock()
	defer s.mu.Unlock()
	var ps []*person
	for _, p := range s.people {
		for _, k := range []string{"firstName", "lastName", "email"} {
			if v, _ := p.profile[k].(string); strings.HasPrefix(strings.ToLower(v), q) {
				ps = append(ps, p)
				break
			}
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].id < ps[j].id })
	out := make([]any, len(ps))
	for i, p := range ps {
		out[i] = s.userJSON(p, true)
	}
	s.writePage(w, r, out, func(i int) string { return ps[i].id }, userPages)
}
